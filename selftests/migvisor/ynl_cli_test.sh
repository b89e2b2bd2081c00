#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The family through the kernel's own generic client, tools/net/ynl/
# cli.py, driven by nothing but Documentation/netlink/specs/migvisor.yaml:
# if the spec and the module disagree on a number, a type or a nest, the
# client's answers do not match mvctl's. TAP output. Needs root.
#
#   MV_YNL_DIR   a tree with tools/net/ynl/cli.py (a kernel source, or
#                scripts/fetch-ynl's); default /rig/ynl, where the test
#                hosts have it
#   MV_YNL_SPEC  the spec (default: MV_YNL_DIR/migvisor.yaml)
#   MV_PYTHON    the Python to run it (default python3)

YNL=${MV_YNL_DIR:-/rig/ynl}
SPEC=${MV_YNL_SPEC:-$YNL/migvisor.yaml}
PY=${MV_PYTHON:-python3}
TESTS=10
# shellcheck source=selftests/migvisor/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..$TESTS"
if [ ! -f "$YNL/tools/net/ynl/cli.py" ] || [ ! -f "$SPEC" ] ||
   ! command -v "$PY" >/dev/null 2>&1; then
	echo "# no YNL client: set MV_YNL_DIR to a kernel tree (tools/net/ynl) and MV_YNL_SPEC"
	i=1
	while [ $i -le $TESTS ]; do
		echo "ok $i ynl_cli # SKIP no tools/net/ynl/cli.py"
		i=$((i + 1))
	done
	exit 4
fi

# The client's own directory (with PyYAML beside it in the test hosts) is
# on the path as the script's.
ynl() {
	"$PY" "$YNL/tools/net/ynl/cli.py" --spec "$SPEC" --no-schema --output-json "$@"
}
# jq-like checks: PROGRAM reads the JSON on stdin as "d" and prints or exits
js() {
	"$PY" -S -c "import json, sys
d = json.load(sys.stdin)
$1"
}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

grep -q '^migvisor ' /proc/modules || insmod "${MV_MODULE:-/rig/migvisor.ko}"

# 1: the host, with its nests (cpuid and vmx-root are multi-attr nests);
# vmx-root has every online CPU once, in CPU order
online=$(grep -c '^processor' /proc/cpuinfo)
ynl --do host-get >"$t/host" &&
	js 'cpus = [r["cpu"] for r in d["vmx-root"]]
sys.exit(not (d["vendor"] == "GenuineIntel" and len(d["cpuid"]) > 4 and
	      cpus == sorted(set(cpus)) and len(cpus) == '"$online"' and d["offer"]["max-leaf"] > 0))' <"$t/host"
rc=$?
# A line of its own: the JSON has no newline, and TAP reads lines.
[ $rc = 0 ] || { head -c 2000 "$t/host"; echo; } | sed 's/^/# /'
ok $rc host_get

# 2: a baseline's policy, read as JSON, goes back in as a new baseline,
# and the module's canonical hash of it is the same
mvctl baseline add ynl-src model nehalem >/dev/null &&
	ynl --do baseline-get --json '{"name": "ynl-src"}' >"$t/src" &&
	js 'print(json.dumps({"name": "ynl-b", "model": "ynl", "policy": d["policy"]}))' \
		<"$t/src" >"$t/req" &&
	ynl --do baseline-new --json "$(cat "$t/req")" >/dev/null &&
	ynl --do baseline-get --json '{"name": "ynl-b"}' >"$t/new" &&
	h=$(js 'print(d["hash"])' <"$t/src") &&
	[ -n "$h" ] && [ "$(js 'print(d["hash"])' <"$t/new")" = "$h" ]
ok $? baseline_roundtrip_same_hash
echo "# nehalem hash $h, words $(js 'print(len(d["policy"]["word"]))' <"$t/src" 2>/dev/null)"

# 3: the baseline dump lists both
ynl --dump baseline-get >"$t/bls" &&
	js 'n = sorted(b["name"] for b in d); sys.exit(not ("ynl-b" in n and "ynl-src" in n))' <"$t/bls"
ok $? baseline_dump

# 4: a guest on it: enums come back by name
ynl --do guest-new --json '{"name": "ynl-g", "memory": 4194304, "baseline": "ynl-b"}' >"$t/g" &&
	js "sys.exit(not (d['state'] == 'created' and d['baseline'] == 'ynl-b' and d['policy-hash'] == $h))" <"$t/g"
ok $? guest_new

# 5: the guest dump lists it, as many guests as mvctl sees
ynl --dump guest-get >"$t/gs" &&
	js 'sys.exit(not any(g["name"] == "ynl-g" for g in d))' <"$t/gs" &&
	[ "$(js 'print(len(d))' <"$t/gs")" = "$(mvctl -j guest show | js 'print(len(d) if isinstance(d, list) else 1)')" ]
ok $? guest_dump

# 6: one guest read two ways, by the generic client and by mvctl
ynl --do guest-get --json '{"name": "ynl-g"}' >"$t/g1" &&
	mvctl -j guest show ynl-g >"$t/g2" &&
	m=$(js 'print(d["memory"], d["state"], d["tsc-khz"])' <"$t/g1") &&
	[ "$m" = "$(js 'd = d[0] if isinstance(d, list) else d
print(d["memory"], d["state"], d["tsc_khz"])' <"$t/g2")" ]
ok $? guest_get_agrees_with_mvctl
echo "# ynl-g: $m"

# 7: bad input is refused, the attribute named, and nothing is created
ynl --do guest-new --json '{"name": "ynl-bad", "memory": 1000}' >"$t/bad" 2>&1
rc=$?
sed 's/^/# /' "$t/bad"
[ $rc != 0 ] && grep -q "bad-attr': '.memory'" "$t/bad" &&
	! mvctl guest show ynl-bad >/dev/null 2>&1
ok $? bad_memory_names_the_attribute

# 8: strict per-command policies: host-get takes nothing
! ynl --do host-get --json '{"maintenance": 1}' >"$t/strict" 2>&1 &&
	grep -q 'Netlink error' "$t/strict"
ok $? host_get_rejects_attributes

# 9: delete both through the client
ynl --do guest-del --json '{"name": "ynl-g"}' >/dev/null &&
	ynl --do baseline-del --json '{"name": "ynl-b"}' >/dev/null &&
	! mvctl guest show ynl-g >/dev/null 2>&1 &&
	! mvctl baseline show ynl-b >/dev/null 2>&1
ok $? guest_and_baseline_deleted

# 10: a baseline in use cannot go, and the reason says who uses it
mvctl guest add ynl-u memory 2M baseline ynl-src >/dev/null &&
	! ynl --do baseline-del --json '{"name": "ynl-src"}' >"$t/busy" 2>&1 &&
	grep -q 'ynl-u' "$t/busy"
ok $? baseline_in_use_refused_with_user
mvctl guest del ynl-u >/dev/null 2>&1
mvctl baseline del ynl-src >/dev/null 2>&1

tap_end
