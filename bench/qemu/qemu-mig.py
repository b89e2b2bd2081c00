#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""QEMU TCG live migration over loopback: make bench's reference peer.

    qemu-mig.py BIN MEM_MIB PERCENT REPS BANDWIDTH TSC_KHZ MAX_ROUNDS

BIN is guests/writer-qemu.bin, the same writer as in the migvisor runs,
dirtying PERCENT of guest RAM per second (0: one page a second). QEMU runs
with its defaults (300 ms downtime limit) except max-bandwidth, set to
BANDWIDTH bytes/s: the rate mvmig reached for the same case, so that the
dirty rate stands in the same ratio to the link in both. Where QEMU has
not finished after MAX_ROUNDS passes it is made to stop and copy (a
downtime limit it cannot miss), as mvmig's round limit does. One JSON line
per run, with QEMU's own query-migrate figures and the pages with data in
the destination's RAM at the end.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time


class QMP:
    def __init__(self, path):
        for _ in range(200):
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("no QMP socket at " + path)
        self.f = self.s.makefile("rw")
        self.f.readline()
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r:
                return r["return"]
            if "error" in r:
                raise RuntimeError(f"{name}: {r['error']}")


def qemu(binary, mem, cmdline, tmp, name, incoming=None):
    argv = ["qemu-system-x86_64", "-machine", "pc,accel=tcg", "-cpu", "qemu64",
            "-m", f"{mem}M", "-nodefaults", "-vga", "none", "-display", "none",
            "-kernel", binary, "-append", cmdline,
            "-serial", f"file:{tmp}/{name}.serial",
            "-qmp", f"unix:{tmp}/{name}.qmp,server=on,wait=off"]
    if incoming:
        argv += ["-incoming", incoming]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def nonzero_pages(path):
    n = 0
    zero = bytes(4096)
    with open(path, "rb") as f:
        while True:
            b = f.read(4096)
            if not b:
                return n
            n += b != zero


def run(binary, mem, pct, bw, khz, max_rounds, port):
    pps = mem * 256 * pct // 100 if pct else 1
    cmdline = f"pps={pps} tsc_khz={khz}"
    with tempfile.TemporaryDirectory() as tmp:
        dst = qemu(binary, mem, cmdline, tmp, "dst", f"tcp:127.0.0.1:{port}")
        src = qemu(binary, mem, cmdline, tmp, "src")
        try:
            s, d = QMP(f"{tmp}/src.qmp"), QMP(f"{tmp}/dst.qmp")
            time.sleep(1)                 # as mig-bench: a second of writing first
            s.cmd("migrate-set-parameters", **{"max-bandwidth": bw, "downtime-limit": 300})
            s.cmd("migrate", uri=f"tcp:127.0.0.1:{port}")
            forced = False
            while True:
                st = s.cmd("query-migrate")
                if st.get("status") in ("completed", "failed", "cancelled"):
                    break
                syncs = st.get("ram", {}).get("dirty-sync-count", 0)
                if not forced and syncs > max_rounds:
                    s.cmd("migrate-set-parameters", **{"downtime-limit": 2000000})
                    forced = True
                time.sleep(0.02)
            if st["status"] != "completed":
                raise RuntimeError(f"QEMU migration {st['status']}")
            for _ in range(200):
                if d.cmd("query-status")["status"] == "running":
                    break
                time.sleep(0.05)
            d.cmd("pmemsave", val=0, size=mem << 20, filename=f"{tmp}/dst.mem")
            nz = nonzero_pages(f"{tmp}/dst.mem")
        finally:
            for p in (src, dst):
                p.kill()
                p.wait()
    ram = st["ram"]
    return {"section": "qemu", "mem": mem << 20, "percent": pct, "pps": pps,
            "max_bandwidth": bw, "converged": not forced,
            "dirty_sync_count": ram["dirty-sync-count"],
            "transferred": ram["transferred"], "ram_total": ram["total"],
            "normal_pages": ram["normal"], "zero_pages": ram["duplicate"],
            "nonzero_pages": nz, "downtime_ms": st.get("downtime"),
            "total_ms": st.get("total-time"), "setup_ms": st.get("setup-time")}


def main():
    binary, mem, pct, reps, bw, khz, max_rounds = sys.argv[1:8]
    port = 30000 + os.getpid() % 20000
    for i in range(int(reps)):
        r = run(binary, int(mem), int(pct), int(bw), int(khz), int(max_rounds), port + i)
        r["rep"] = i
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
