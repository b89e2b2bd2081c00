#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make bench, last step: the figures of one run (build/bench/*) as a table
on stdout and as bench/results.json. Every figure is a median over the
repeated runs, with its spread: [p25, p75] for the many short CPUID runs,
[min, max] for the few migrations and transfers."""
import datetime
import json
import os
import platform
import statistics as st
import subprocess
import sys


def load_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def q(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]


def med(v, quartiles=False):
    v = [x for x in v if x is not None]
    if not v:
        return None
    spread = [q(v, 0.25), q(v, 0.75)] if quartiles else [min(v), max(v)]
    return {"median": st.median(v), "spread": spread, "n": len(v)}


def fmt(m, f="{:.0f}"):
    if not m:
        return "-"
    return (f + " [" + f + "-" + f + "]").format(m["median"], *m["spread"])


def cpuid(rows):
    out = {"leaves": {}, "baselines": {}}
    groups = {}
    for r in rows:
        if r["section"] == "baseline":
            out["baselines"][r["name"]] = {"features": r["features"]}
        if r["section"] != "cpuid" or r.get("label"):
            continue
        key = "kvm_intel" if r["hypervisor"] == "kvm_intel" else "migvisor/" + r["baseline"]
        g = groups.setdefault(key, {"empty": [], "leaves": {}})
        it = r["iters"]
        g["empty"] += [c / it for c in r["empty"]]
        for lf in r["leaves"]:
            g["leaves"].setdefault(lf["leaf"], []).extend(c / it for c in lf["cycles"])
        if r["hypervisor"] == "kvm_intel":
            g["kvm_cpuid_entries"] = r["kvm_cpuid_entries"]
    for key, g in groups.items():
        out[key] = {"loop_cycles": med(g["empty"], True),
                    "cycles_per_cpuid": {lf: med(v, True) for lf, v in g["leaves"].items()}}
        if "kvm_cpuid_entries" in g:
            out[key]["kvm_cpuid_entries"] = g["kvm_cpuid_entries"]
        allv = [x for v in g["leaves"].values() for x in v]
        out[key]["all_leaves"] = med(allv, True)
    kvm = out.get("kvm_intel")
    for key in list(out):
        if key.startswith("migvisor/") and kvm:
            out[key]["ratio_to_kvm"] = {
                lf: m["median"] / kvm["cycles_per_cpuid"][lf]["median"]
                for lf, m in out[key]["cycles_per_cpuid"].items()}
            out[key]["ratio_to_kvm"]["all_leaves"] = (
                out[key]["all_leaves"]["median"] / kvm["all_leaves"]["median"])
    return out


def sharing(rows):
    """Section 4: the same runs with VMX root owned and shared (one host)."""
    out = {}
    for r in rows:
        lab = r.get("label")
        if not lab or lab == "warm-up":
            continue
        g = out.setdefault(lab, {"cpuid": [], "spin": [], "shared_seen": []})
        if r["section"] == "cpuid":
            g["cpuid"] += [c / r["iters"] for lf in r["leaves"] for c in lf["cycles"]]
        elif r["section"] == "spin":
            g["spin"].append(r["counts_per_sec"])
            g["shared_seen"].append(r["shared"])
    res = {}
    for lab, g in out.items():
        res[lab] = {"cycles_per_cpuid": med(g["cpuid"], True) if g["cpuid"] else None,
                    "counts_per_sec": med(g["spin"]) if g["spin"] else None}
        if g["shared_seen"]:
            res[lab]["shared_mode_seen"] = all(g["shared_seen"])
    def ratio(a, b, k, low=False):
        if a in res and b in res and res[a][k] and res[b][k]:
            if low:
                return res[a][k]["spread"][0] / res[b][k]["spread"][0]
            return res[a][k]["median"] / res[b][k]["median"]
        return None
    # KVM's CPUID runs beside our guests: a run that one of their time
    # slices lands in times that guest too, so the exit itself is compared
    # by the runs nothing interrupted (the lower quartile), and the median
    # is shown beside it.
    res["ratios"] = {
        "cpuid_shared_over_owned": ratio("shared", "owned", "cycles_per_cpuid"),
        "spin_shared_over_owned": ratio("shared", "owned", "counts_per_sec"),
        "kvm_cpuid_beside_guests_over_alone_p25": ratio("kvm-beside-guests", "kvm-alone", "cycles_per_cpuid", True),
        "kvm_cpuid_beside_guests_over_alone_median": ratio("kvm-beside-guests", "kvm-alone", "cycles_per_cpuid"),
    }
    return res


def linux(rows):
    """Section 5: Linux programs as guests against the same binary natively."""
    out = {}
    for r in rows:
        if r["section"] == "linux":
            k = "cycles" if "cycles" in r else "ns"
            out.setdefault(r["test"], {}).setdefault(r["where"], []).append(r[k])
            out[r["test"]]["unit"] = k
        elif r["section"] == "linux-memory":
            out["memory"] = {k: r[k] for k in ("program", "peak_kib", "page_table_kib", "images_kib", "ok")}
    res = {}
    for t, v in out.items():
        if t == "memory":
            res[t] = v
            continue
        e = {"unit": v["unit"]}
        for w in ("guest", "native"):
            e[w] = med(v.get(w, []))
        if e["guest"] and e["native"]:
            e["guest_over_native"] = e["guest"]["median"] / e["native"]["median"]
        res[t] = e
    if "getpid" in res and res["getpid"].get("guest_over_native") is not None:
        res["targets"] = {"getpid_guest_over_native_at_most_0.5": res["getpid"]["guest_over_native"] <= 0.5}
    return res


def progress_lost(r, s):
    if r["percent"] == 0 or "src_progress" not in r or not s.get("total_usec"):
        return None
    due = r["pps"] * s["total_usec"] / 1e6
    return max(0.0, 100 * (1 - r["src_progress"] / due)) if due else None


def migrations(rows, qrows):
    cases = {}
    for r in rows:
        if r["section"] != "migrate":
            continue
        s = r["send"]
        final = s["rounds"][-1]
        ideal = (s["nonzero_pages"] + final["pages"] - final["zero_pages"]) * 4096
        c = cases.setdefault((r["mem"], r["percent"]), {"ours": [], "qemu": []})
        c["ours"].append({
            "rounds": len(s["rounds"]), "bytes": s["bytes"],
            "bytes_per_data_byte": s["bytes"] / max(1, s["nonzero_pages"] * 4096),
            "bytes_per_ideal": s["bytes"] / max(1, ideal),
            "resent_pages": s["resent_pages"], "converged": s.get("converged", True),
            "guest_downtime_cycles": r["guest_downtime_cycles"],
            "guest_downtime_ms": r["guest_downtime_us"] / 1000,
            "host_downtime_ms": s["downtime_usec"] / 1000,
            "throughput": s["throughput"], "verify_failures": r["verify_failures"],
            "pps": r["pps"],
            "max_dirty_limit": max([x.get("dirty_limit", 0) for x in s["rounds"]]),
            "max_throttle_pct": max([x.get("throttle_pct", 0) for x in s["rounds"]]),
            # The writer's pages on the source during the move against its
            # pace: what auto-converge's limit cost it (idle: not paced).
            "progress_lost_pct": progress_lost(r, s),
            **{"downtime_" + k[:-5] + "_ms": v / 1000
               for k, v in s.get("downtime_parts", {}).items() if k.endswith("_usec")}})
    for r in qrows:
        c = cases.setdefault((r["mem"], r["percent"]), {"ours": [], "qemu": []})
        sent = r["normal_pages"] + r["zero_pages"]
        c["qemu"].append({
            "syncs": r["dirty_sync_count"], "bytes": r["transferred"],
            "bytes_per_data_byte": r["transferred"] / max(1, r["nonzero_pages"] * 4096),
            "resent_pages": max(0, sent - r["ram_total"] // 4096),
            "converged": r["converged"], "downtime_ms_wall": r["downtime_ms"],
            "max_bandwidth": r["max_bandwidth"]})
    out = []
    for (mem, pct), c in sorted(cases.items()):
        e = {"mem_mib": mem >> 20, "percent": pct}
        for who in ("ours", "qemu"):
            runs = c[who]
            if not runs:
                continue
            keys = sorted({k for x in runs for k in x if k != "converged"})
            e[who] = {k: med([x.get(k) for x in runs]) for k in keys}
            e[who]["converged"] = f"{sum(x['converged'] for x in runs)}/{len(runs)}"
        out.append(e)
    return out


def stream(rows, memj):
    out = {}
    for kind in ("tcp-mem", "mvmig-mem", "tcp-file", "mvmig-file"):
        v = [r["bytes"] / r["seconds"] / 1e9 for r in rows if r["kind"] == kind]
        out[kind + "_gbps"] = med(v)
    if memj:
        out["memcpy_gbps"] = med(memj["memcpy_gbps"])
        out["zero_scan_gbps"] = med(memj["zero_scan_gbps"])
        out["crc32c_gbps"] = med(memj["crc32c_gbps"])
    if rows:
        out["stream_bytes"] = rows[0]["bytes"]

    def ratio(a, b):
        if out.get(a) and out.get(b):
            return out[a]["median"] / out[b]["median"]
        return None
    out["mvmig_over_tcp"] = ratio("mvmig-mem_gbps", "tcp-mem_gbps")
    out["mvmig_over_tcp_file_to_file"] = ratio("mvmig-file_gbps", "tcp-file_gbps")
    out["mvmig_over_memcpy"] = ratio("mvmig-mem_gbps", "memcpy_gbps")
    out["targets"] = {
        "mvmig_over_tcp_at_least_0.6": (out["mvmig_over_tcp"] or 0) >= 0.6,
        "zero_scan_at_least_10_gbps": bool(out.get("zero_scan_gbps")) and
        out["zero_scan_gbps"]["median"] >= 10}
    return out


def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break

    def ver(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.split("\n")[0]
        except OSError:
            return "?"
    return {"cpu": model, "cpus": os.cpu_count(), "kernel": platform.release(),
            "qemu": ver(["qemu-system-x86_64", "--version"]),
            "bochs": ver(["dpkg-query", "-W", "-f=${Version}", "bochs"])}


def main():
    d = sys.argv[1]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    emu = load_jsonl(f"{d}/emulated.jsonl")
    memj = None
    if os.path.exists(f"{d}/stream-mem.json"):
        with open(f"{d}/stream-mem.json") as f:
            memj = json.load(f)
    res = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
           "machine": machine(), "reps": int(sys.argv[2]) if len(sys.argv) > 2 else None,
           "cpuid": cpuid(emu),
           "sharing": sharing(load_jsonl(f"{d}/sharing.jsonl") if os.path.exists(f"{d}/sharing.jsonl") else []),
           "migration": migrations(emu, load_jsonl(f"{d}/qemu.jsonl")),
           # The idle case again on a two-CPU host: the guest's vCPU and
           # the tools that move it do not take turns on one CPU.
           "migration_2cpu": migrations(load_jsonl(f"{d}/emulated-2cpu.jsonl")
                                        if os.path.exists(f"{d}/emulated-2cpu.jsonl") else [], []),
           "stream": stream(load_jsonl(f"{d}/stream-runs.jsonl"), memj),
           "linux": linux(emu)}
    # A run of some sections (MV_BENCH_SECTIONS) keeps the others' last figures.
    empty = {"cpuid": lambda v: not any(k not in ("leaves", "baselines") for k in v),
             "migration": lambda v: not v,
             "migration_2cpu": lambda v: not v,
             "stream": lambda v: v.get("stream_bytes") is None,
             "sharing": lambda v: all(k == "ratios" for k in v),
             "linux": lambda v: not v}
    try:
        with open(f"{top}/bench/results.json") as f:
            old = json.load(f)
    except (OSError, ValueError):
        old = {}
    for k, is_empty in empty.items():
        if is_empty(res[k]) and k in old:
            res[k] = old[k]
    # A migrate run without the qemu section keeps QEMU's last figures.
    oldq = {(e["mem_mib"], e["percent"]): e["qemu"] for e in old.get("migration", []) if "qemu" in e}
    for e in res["migration"]:
        if "qemu" not in e and (e["mem_mib"], e["percent"]) in oldq:
            e["qemu"] = oldq[(e["mem_mib"], e["percent"])]
    with open(f"{top}/bench/results.json", "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")

    c = res["cpuid"]
    print("== 1. CPUID exit, guest TSC cycles per CPUID (Bochs corei7_skylake_x: cycles = host-side instructions)")
    print("   median [p25-p75] per leaf; ratio = migvisor / kvm_intel")
    cols = [k for k in ("migvisor/few", "migvisor/nehalem", "migvisor/all", "kvm_intel") if k in c]
    print("   {:14s}".format("leaf") + "".join("{:>24s}".format(k) for k in cols)
          + "".join("{:>15s}".format("ratio " + k.split("/")[1]) for k in cols if k != "kvm_intel"))
    leaves = list(c[cols[0]]["cycles_per_cpuid"]) + ["all_leaves"] if cols else []
    for lf in leaves:
        def cell(k):
            m = c[k]["all_leaves"] if lf == "all_leaves" else c[k]["cycles_per_cpuid"].get(lf)
            return fmt(m)
        line = "   {:14s}".format(lf) + "".join("{:>24s}".format(cell(k)) for k in cols)
        for k in cols:
            if k != "kvm_intel" and "ratio_to_kvm" in c[k]:
                line += "{:>15.2f}".format(c[k]["ratio_to_kvm"][lf])
        print(line)
    if c.get("baselines"):
        print("   features per baseline: " + ", ".join(
            f"{k} {v['features']}" for k, v in c["baselines"].items())
            + (f"; kvm_intel: {c['kvm_intel'].get('kvm_cpuid_entries')} CPUID entries" if "kvm_intel" in c else ""))

    print("\n== 2. Live migration over loopback, median [min-max]; ours in emulated Skylake-X, QEMU TCG natively")
    print("   {:>5s} {:>4s} | {:>11s} {:>16s} {:>16s} {:>9s} {:>14s} {:>18s} {:>14s} {:>5s} | {:>9s} {:>16s} {:>9s} {:>5s}".format(
        "MiB", "%/s", "rounds", "sent/data", "sent/ideal", "resent", "guest ms", "guest Mcycles", "host ms", "conv",
        "Q syncs", "Q sent/data", "Q resent", "Qconv"))
    for e in res["migration"]:
        o, qm = e.get("ours", {}), e.get("qemu", {})
        gm = o.get("guest_downtime_cycles")
        gmc = {"median": gm["median"] / 1e6, "spread": [x / 1e6 for x in gm["spread"]]} if gm else None
        print("   {:>5d} {:>4d} | {:>11s} {:>16s} {:>16s} {:>9s} {:>14s} {:>18s} {:>14s} {:>5s} | {:>9s} {:>16s} {:>9s} {:>5s}".format(
            e["mem_mib"], e["percent"], fmt(o.get("rounds")), fmt(o.get("bytes_per_data_byte"), "{:.2f}"),
            fmt(o.get("bytes_per_ideal"), "{:.2f}"), fmt(o.get("resent_pages")),
            fmt(o.get("guest_downtime_ms")), fmt(gmc, "{:.1f}"), fmt(o.get("host_downtime_ms")),
            o.get("converged", "-"), fmt(qm.get("syncs")), fmt(qm.get("bytes_per_data_byte"), "{:.2f}"),
            fmt(qm.get("resent_pages")), qm.get("converged", "-")))

    print("\n   auto-converge (dirty limit), and the targets for the fast writers: converged within 8 rounds,")
    print("   sent <= 1.5x ideal, guest downtime < 300 ms (32 MiB at 50 %/s, 128 MiB at 10 and 50 %/s)")
    print("   {:>5s} {:>4s} | {:>16s} {:>12s} {:>16s} | {:>7s}".format(
        "MiB", "%/s", "limit pages/s", "throttle %", "progress lost %", "targets"))
    for e in res["migration"]:
        o = e.get("ours", {})
        if not o:
            continue
        fast = (e["mem_mib"], e["percent"]) in ((32, 50), (128, 10), (128, 50))
        ok = (o.get("converged", "").split("/")[0] == o.get("converged", "").split("/")[-1]
              and (o.get("rounds") or {}).get("median", 99) <= 9
              and (o.get("bytes_per_ideal") or {}).get("median", 99) <= 1.5
              and (o.get("host_downtime_ms") or {}).get("median", 1e9) < 300)
        print("   {:>5d} {:>4d} | {:>16s} {:>12s} {:>16s} | {:>7s}".format(
            e["mem_mib"], e["percent"], fmt(o.get("max_dirty_limit")), fmt(o.get("max_throttle_pct")),
            fmt(o.get("progress_lost_pct"), "{:.1f}"), ("met" if ok else "MISSED") if fast else "-"))
    print("\n   host downtime in parts, ms (median): harvest + last pages + VCPU/END + answer;")
    print("   of the answer: destination checks, commit, start, and the network (data still in flight)")
    print("   {:>5s} {:>4s} | {:>8s} {:>8s} {:>8s} {:>8s} {:>8s} | {:>7s} {:>7s} {:>7s} {:>8s}".format(
        "MiB", "%/s", "host", "harvest", "pages", "VCPU/END", "answer", "checks", "commit", "start", "network"))
    for e in res["migration"]:
        o = e.get("ours", {})
        if not o.get("downtime_harvest_ms"):
            continue
        g = lambda k: fmt(o.get("downtime_" + k + "_ms"), "{:.1f}")
        print("   {:>5d} {:>4d} | {:>8s} {:>8s} {:>8s} {:>8s} {:>8s} | {:>7s} {:>7s} {:>7s} {:>8s}".format(
            e["mem_mib"], e["percent"], fmt(o.get("host_downtime_ms"), "{:.1f}"), g("harvest"),
            g("last_pages"), g("vcpu_end"), g("answer"), g("dest_checks"), g("dest_commit"),
            g("dest_start"), g("network")))

    one = {(e["mem_mib"], e["percent"]): e.get("ours", {}) for e in res["migration"]}
    for e in res.get("migration_2cpu") or []:
        o = e.get("ours", {})
        o1 = one.get((e["mem_mib"], e["percent"]), {})
        g = lambda k: fmt(o.get("downtime_" + k + "_ms"), "{:.1f}")
        print("\n   {} MiB at {} %/s on a two-CPU host (the vCPU and mvmig send/recv on CPUs of their own):".format(
            e["mem_mib"], e["percent"]))
        print("   guest ms {}, host ms {} (harvest {}, pages {}, VCPU/END {}, answer {}); on one CPU: guest ms {}, host ms {}".format(
            fmt(o.get("guest_downtime_ms"), "{:.1f}"), fmt(o.get("host_downtime_ms"), "{:.1f}"),
            g("harvest"), g("last_pages"), g("vcpu_end"), g("answer"),
            fmt(o1.get("guest_downtime_ms"), "{:.1f}"), fmt(o1.get("host_downtime_ms"), "{:.1f}")))
        if (e["mem_mib"], e["percent"]) == (32, 0):
            v = (o.get("guest_downtime_ms") or {}).get("median")
            print("   idle 32 MiB guest-seen downtime <= 20 ms: {} on two CPUs".format(
                "-" if v is None else ("met" if v <= 20 else "MISSED")))

    s = res["stream"]
    print("\n== 3. Stream engine, native, {} byte stream over loopback TCP, GB/s median [min-max]".format(
        s.get("stream_bytes")))
    for k in ("mvmig-mem", "tcp-mem", "mvmig-file", "tcp-file"):
        print("   {:34s} {}".format(k.replace("-mem", " (to /dev/null, checked)" if k.startswith("mvmig") else " (memory to memory)")
                                     .replace("-file", " (file to file, tmpfs)"), fmt(s.get(k + "_gbps"), "{:.2f}")))
    for k in ("memcpy", "zero_scan", "crc32c"):
        print("   {:34s} {}".format(k + " (one core)", fmt(s.get(k + "_gbps"), "{:.2f}")))
    r = s.get("mvmig_over_tcp")
    print("   mvmig / plain TCP: {}  (target >= 0.60: {}); file to file: {}; mvmig / memcpy: {}".format(
        f"{r:.2f}" if r else "-", "met" if s["targets"]["mvmig_over_tcp_at_least_0.6"] else "MISSED",
        f"{s['mvmig_over_tcp_file_to_file']:.2f}" if s.get("mvmig_over_tcp_file_to_file") else "-",
        f"{s['mvmig_over_memcpy']:.2f}" if s.get("mvmig_over_memcpy") else "-"))
    print("   zero-page scan >= 10 GB/s per core: {}".format(
        "met" if s["targets"]["zero_scan_at_least_10_gbps"] else "MISSED"))
    sh = res["sharing"]
    if any(k != "ratios" for k in sh):
        print("\n== 4. Sharing VMX root with kvm_intel (Bochs corei7_skylake_x, Debian 6.12), median [p25-p75]")
        for lab in ("owned", "shared", "kvm-alone", "kvm-beside-guests"):
            if lab in sh:
                e = sh[lab]
                print("   {:18s} cycles/CPUID {:>18s}   counter guest counts/s {:>28s}".format(
                    lab, fmt(e.get("cycles_per_cpuid")), fmt(e.get("counts_per_sec"))))
        r = sh["ratios"]
        def tgt(v, lo, hi):
            return "-" if v is None else f"{v:.3f} ({'met' if lo <= v <= hi else 'MISSED'})"
        print("   CPUID shared/owned: {} (target within 5%)".format(tgt(r["cpuid_shared_over_owned"], 0.95, 1.05)))
        print("   CPU-bound guest shared/owned: {} (target >= 0.98)".format(tgt(r["spin_shared_over_owned"], 0.98, 99)))
        print("   KVM CPUID beside our guests / alone, uninterrupted runs (p25): {} (target within 5%); median {}".format(
            tgt(r.get("kvm_cpuid_beside_guests_over_alone_p25"), 0.95, 1.05),
            "-" if r.get("kvm_cpuid_beside_guests_over_alone_median") is None else
            "{:.3f}".format(r["kvm_cpuid_beside_guests_over_alone_median"])))

    lx = res.get("linux") or {}
    print("\n== 5. Linux programs as guests (lxbench, static glibc), baseline nehalem, against the same")
    print("   binary run natively by the emulated host's Linux; median [min-max]")
    names = {"getpid": "getpid round trip, TSC cycles", "write": "4 KiB write, TSC cycles (guest: console; native: /dev/null)",
             "startup": "command to main, ns", "whole-run": "whole run of a static program, ns"}
    for t, label in names.items():
        e = lx.get(t)
        if not e:
            continue
        r = e.get("guest_over_native")
        print("   {:58s} guest {:>24s}  native {:>24s}  guest/native {}".format(
            label, fmt(e.get("guest")), fmt(e.get("native")), f"{r:.2f}" if r is not None else "-"))
    if "targets" in lx:
        print("   getpid guest <= 0.5x native: {}".format(
            "met" if lx["targets"]["getpid_guest_over_native_at_most_0.5"] else "MISSED"))
    m = lx.get("memory")
    if m:
        print("   {}: at most {} KiB of guest RAM in use, {} KiB of it page tables; images and files {} KiB; database {}".format(
            m["program"], m["peak_kib"], m["page_table_kib"], m["images_kib"], "intact" if m["ok"] else "NOT intact"))
    print(f"\nbench: {res['date']} on {res['machine']['cpu']} ({res['machine']['cpus']} CPUs); bench/results.json written")


if __name__ == "__main__":
    main()
