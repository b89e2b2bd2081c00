#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# twohost_mig_test.sh a|b
#
# The cross-generation test, one half per emulated host. Both sides listen
# on TCP port 5555 (a sender with mvmig send --listen) and rig/tcp-relay on
# the machine outside joins them, because Bochs' slirp cannot connect out.
#  a (Skylake-X, a TSC 20 % faster than b's, with VMX TSC scaling): a
#    skylake-server guest is refused by b before any page moves and keeps
#    running here; a nehalem writer guest migrates live to b; later it
#    comes back and runs here again. A SQLite reporting workload (a static
#    Linux program, guests/programs/sqlreport.c) under nehalem then moves
#    to b mid-run and back, and finishes here; under skylake-server it
#    goes to b only with --unsafe-skip-cpu-check, and dies there, as EVC
#    would have prevented. Then a evacuates: four
#    guests move, one stays for its features and one for its TSC rate.
#  b (Nehalem, no TSC scaling): receives the writer, checks it goes on
#    (counter, page stamps, CPUID digest), sends it back to a; does the
#    same with the SQLite workload; takes the evacuees, and checks that
#    the clock guest's TSC kept its rate.
# Every SQLite checksum either host sees must be the one an unmigrated
# run printed (sqlreport.ref, which twohost-check made natively).
# Prints TAP-style ok/not ok lines; "# " lines carry the figures.
role=$1
# Bochs counts time in instructions, and a halted CPU skips ahead to its
# next timer: on a host that only waits for its peer, guest seconds race
# past wall seconds, and every timeout here (mvmig's, TCP's, the waits
# below) fires long before the peer could have answered. A spinner at the
# lowest priority keeps the CPU from halting, so a guest second stays
# about a wall second (scripts/twohost-check sets the hosts' instruction
# rates to what the emulator runs; on Debian's slower Bochs 40 guest
# seconds of sleep took 1 wall second idle, 90 with the spinner); it takes
# under 2 % of the CPU from the real work. The rig's busybox has renice
# but no nice.
sh -c 'while :; do :; done' &
spin=$!
trap 'kill $spin 2>/dev/null' EXIT
if ! renice -n 19 -p $spin >/dev/null || ! kill -0 $spin; then
	echo "not ok 1 twohost-$1/spinner: no low-priority spinner, so guest time races"
	echo "1..1"
	exit 1
fi
WAIT=600
# A receiver's read timeout is what drops a relay connection that has
# nothing behind it (two receivers joined while the old one still
# listens), so that rig/tcp-relay connects again.
RECYCLE=30
grep -q '^migvisor ' /proc/modules || insmod /rig/migvisor.ko
n=0
ok() { n=$((n + 1)); echo "ok $n twohost-$role/$1"; }
nok() { n=$((n + 1)); echo "not ok $n twohost-$role/$1${2:+: $2}"; }
check() { if eval "$2"; then ok "$1"; else nok "$1" "$3"; fi; }

# writer NAME BASELINE: an 8 MiB writer guest at 10 pages/s, started
writer() {
	mvctl guest add "$1" memory 8M baseline "$2" &&
	mvctl guest load "$1" /rig/bin/writer-slow.elf &&
	mvctl guest start "$1"
}

state() { mvctl -j guest show "$1" 2>/dev/null | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }
wait_state() {	# NAME STATE SECONDS
	i=0
	while [ "$(state "$1")" != "$2" ] && [ $i -lt "$3" ]; do sleep 1; i=$((i + 1)); done
	[ "$(state "$1")" = "$2" ]
}
last_progress() { mvctl guest console "$1" | grep '^writer: gen' | tail -n1; }
field() { echo "$1" | sed -n "s/.* $2 \([0-9a-f]*\).*/\1/p"; }
# tsc_rate NAME: the guest's TSC rate in kHz over its last 5 windows of
# guests/tsc-clock.c (10 s), once it has 6 here: the first one on a host
# may have begun on the other, whose clock is unrelated.
tsc_rate() {
	mvctl guest console "$1" | awk '/^tsc-clock: window [0-9]+ ns / { ns[c] = $5; t[c] = $7; c++ }
		END { if (c < 6) exit 1; for (i = c - 5; i < c; i++) { a += ns[i]; b += t[i] }
		      printf "%.3f\n", b * 1e6 / a }'
}
wait_rate() {	# NAME SECONDS
	i=0
	while ! tsc_rate "$1" >/dev/null && [ $i -lt "$2" ]; do sleep 1; i=$((i + 1)); done
	tsc_rate "$1"
}
# The SQLite workload: 1000 rows, 16 iterations a second apart, its database
# in the guest's own file tree (so in guest memory, migrated with it).
SQ_ITER=16
SQ_ARGS="/tmp/sales.db 1000 $SQ_ITER"
SQ_REF=/rig/bin/sqlreport.ref
sq_lines() { mvctl guest console "${SQ:-sq}" | grep -a '^iteration [0-9]* checksum '; }
# sq_check WHERE: every iteration line printed here is the reference's
sq_check() {
	sq_lines >/tmp/sq-$1.txt
	sed "s/^/# sq $1: /" /tmp/sq-$1.txt | tail -n 3
	check sqlite_migrate-$1-checksums-match "[ -s /tmp/sq-$1.txt ] && [ -s $SQ_REF ] && ! grep -qvxF -f $SQ_REF /tmp/sq-$1.txt" \
		"$(grep -vxF -f $SQ_REF /tmp/sq-$1.txt | head -n 2)"
}
wait_lines() {	# COUNT SECONDS: until sq printed COUNT iteration lines here
	i=0
	while [ "$(sq_lines | wc -l)" -lt "$1" ] && [ $i -lt "$2" ]; do sleep 1; i=$((i + 1)); done
	[ "$(sq_lines | wc -l)" -ge "$1" ]
}
first_iter() { head -n1 "$1" | cut -d' ' -f2; }
last_iter() { tail -n1 "$1" | cut -d' ' -f2; }
within() { awk -v g="$1" -v w="$2" -v f="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "" && d / w < f) }'; }

# Host-a's TSC runs 20 % faster than host-b's (twohost-check gives it
# 120 M instructions per emulated second): the pool's baseline names b's
# rate, which a keeps by TSC scaling and b has natively.
mvctl baseline add nehalem model nehalem ${MV_PEER_TSC_KHZ:+tsc-khz $MV_PEER_TSC_KHZ} >/dev/null 2>&1
if [ "$role" = a ]; then
	mvctl baseline add sky model skylake-server >/dev/null
	writer big sky
	mvmig send big --listen 0.0.0.0:5555 --wait $WAIT --timeout $WAIT >/tmp/refuse.log 2>&1
	rc=$?
	sed 's/^/# refuse: /' /tmp/refuse.log
	check refused-before-any-page "[ $rc = 1 ] && grep -q 'refused the guest' /tmp/refuse.log && grep -q 'total: 0 pages' /tmp/refuse.log" "exit $rc"
	check refused-names-features "grep -q 'lacks' /tmp/refuse.log"
	check refused-guest-keeps-running "[ \"\$(state big)\" = running ]"
	mvctl guest del big

	# The SQLite workload on this host's full offer: b names what it lacks.
	mvctl guest add sqh memory 64M >/dev/null &&
		mvctl guest load sqh /rig/bin/sqlreport.elf $SQ_ARGS 1000 >/dev/null &&
		mvctl guest start sqh
	mvmig send sqh --listen 0.0.0.0:5555 --wait $WAIT --timeout $WAIT >/tmp/sqh.log 2>&1
	rc=$?
	sed 's/^/# sq refuse: /' /tmp/sqh.log
	check sqlite_migrate-host-offer-refused "[ $rc = 1 ] && grep -q 'refused the guest' /tmp/sqh.log && grep -q 'total: 0 pages' /tmp/sqh.log && grep -q 'this host lacks .*avx2' /tmp/sqh.log" "exit $rc"
	check sqlite_migrate-refused-keeps-running "[ \"\$(state sqh)\" = running ]"
	mvctl guest del sqh

	writer wa nehalem
	sleep 5
	mvctl guest console wa | sed 's/^/# a console: /' | head -n 4
	mvmig send wa --listen 0.0.0.0:5555 --wait $WAIT --timeout $WAIT --keep-source --max-rounds 5 --progress >/tmp/send.log 2>&1
	rc=$?
	sed 's/^/# send: /' /tmp/send.log
	check migrated-a-to-b "[ $rc = 0 ]" "exit $rc"
	p=$(last_progress wa)
	echo "# a: last progress before the move: $p"
	echo "MV-DIGEST writer/a-before $(field "$p" cpuid)"
	check source-paused "[ \"\$(state wa)\" = paused ]"
	mvctl guest del wa
	mvmig recv --listen 0.0.0.0:5555 --timeout $RECYCLE --once -q >/tmp/back.log 2>&1 &
	wait_state wa running $WAIT
	check came-back-from-b "[ \"\$(state wa)\" = running ]"
	sleep 5
	p=$(last_progress wa)
	echo "# a: after the round trip: $p"
	echo "MV-DIGEST writer/a-after $(field "$p" cpuid)"
	check round-trip-pages-verify "[ -n \"$p\" ] && [ \"$(field "$p" failures)\" = 0 ]" "$p"
	sed 's/^/# back: /' /tmp/back.log

	# SQLite under nehalem: three iterations here, some on b, the rest here.
	mvctl guest add sq memory 64M baseline nehalem >/dev/null &&
		mvctl guest load sq /rig/bin/sqlreport.elf $SQ_ARGS 1000 >/dev/null &&
		mvctl guest start sq
	wait_lines 3 $WAIT
	mvmig send sq --listen 0.0.0.0:5555 --wait $WAIT --timeout $WAIT --keep-source --max-rounds 5 >/tmp/sq-send.log 2>&1
	rc=$?
	sed 's/^/# sq send: /' /tmp/sq-send.log | tail -n 4
	check sqlite_migrated-a-to-b "[ $rc = 0 ] && [ \"\$(state sq)\" = paused ]" "exit $rc"
	sq_check a-before
	cp /tmp/sq-a-before.txt /tmp/sq-before.txt
	mvctl guest del sq
	mvmig recv --listen 0.0.0.0:5555 --timeout $RECYCLE --once -q >/tmp/sq-back.log 2>&1 &
	wait_state sq running $WAIT
	check sqlite_migrate-came-back-from-b "[ \"\$(state sq)\" != \"\" ]"
	wait_state sq stopped $WAIT
	mvctl guest show sq | sed 's/^/# sq: /'
	check sqlite_migrate-finished-here "mvctl guest show sq | grep -q 'stopped: exit info 0x0'"
	sq_check a-after
	# This host saw 1..k before and m..16 after; b saw what lies between.
	check sqlite_migrate-resumed-where-it-left "[ \"\$(first_iter /tmp/sq-a-after.txt)\" -gt \"\$(last_iter /tmp/sq-before.txt)\" ] && [ \"\$(last_iter /tmp/sq-a-after.txt)\" = $SQ_ITER ]" \
		"before: $(last_iter /tmp/sq-before.txt), after: $(first_iter /tmp/sq-a-after.txt)..$(last_iter /tmp/sq-a-after.txt)"
	mvctl guest console sq | grep -a '^sqlreport: integrity' | sed 's/^/# sq a-after: /'
	check sqlite_migrate-database-intact "mvctl guest console sq | grep -q '^sqlreport: integrity ok'"
	# Its database file, copied out of the guest, is the unmigrated run's.
	mvctl guest copy sq /tmp/sales.db /tmp/sq-copy.db
	check sqlite_migrate-database-file-identical "cmp -s /tmp/sq-copy.db /rig/bin/sq-ref.db" \
		"$(ls -l /tmp/sq-copy.db /rig/bin/sq-ref.db 2>&1 | tr '\n' ' ')"
	echo "MV-DIGEST sqlite/a-range $(first_iter /tmp/sq-before.txt)-$(last_iter /tmp/sq-before.txt) $(first_iter /tmp/sq-a-after.txt)-$(last_iter /tmp/sq-a-after.txt)"
	mvctl guest del sq

	# What EVC prevents, shown: the override sends the workload under
	# skylake-server to b anyway. glibc chose its string functions here.
	mvctl baseline add skyp model skylake-server ${MV_PEER_TSC_KHZ:+tsc-khz $MV_PEER_TSC_KHZ} >/dev/null
	mvctl guest add sqx memory 64M baseline skyp >/dev/null &&
		mvctl guest load sqx /rig/bin/sqlreport.elf $SQ_ARGS 1000 >/dev/null &&
		mvctl guest start sqx
	SQ=sqx wait_lines 2 $WAIT
	mvmig send sqx --listen 0.0.0.0:5555 --wait $WAIT --timeout $WAIT --unsafe-skip-cpu-check >/tmp/sqx.log 2>&1
	rc=$?
	sed 's/^/# unsafe send: /' /tmp/sqx.log | tr '\r' '\n' | grep -v '^# unsafe send: *$' | tail -n 6
	check sqlite_migrate-unsafe-override-moved "[ $rc = 0 ] && grep -q 'WARNING: --unsafe-skip-cpu-check' /tmp/sqx.log" "exit $rc"
	mvctl baseline del skyp >/dev/null 2>&1

	# The guest's TSC at the pool's rate: clk measures it against this
	# host's clock (MV_HC_CLOCK_NS), here scaled, and on b after the move.
	mvctl guest add clk memory 2M baseline nehalem >/dev/null &&
		mvctl guest load clk /rig/bin/tsc-clock.elf && mvctl guest start clk
	mvctl host show | grep '^tsc' | sed 's/^/# a: host /'
	mvctl guest show clk | grep 'tsc' | sed 's/^/# a: clk /'
	r=$(wait_rate clk $WAIT)
	echo "# a: clk's TSC over 10 s: $r kHz (baseline: $MV_PEER_TSC_KHZ)"
	check tsc_rate-scaled-here "within '$r' '$MV_PEER_TSC_KHZ' 0.001 && mvctl guest show clk | grep -q '(scaled)'" "$r kHz"
	# A baseline at this host's own rate: b has no TSC scaling and runs
	# 20 % slower, so it refuses tf before any page moves.
	mvctl baseline add fast model nehalem >/dev/null
	writer tf fast

	# Maintenance mode and evacuation: wa, e1, e2 and clk (nehalem) move
	# to b; esky (skylake-server) stays, because b cannot satisfy it, and
	# tf, because b cannot keep its TSC rate; idle was never started, so
	# nothing runs in it to move.
	writer e1 nehalem && writer e2 nehalem && writer esky sky
	mvctl guest add idle memory 2M baseline nehalem >/dev/null
	mvmig evacuate --listen 0.0.0.0:5555 --wait $WAIT --timeout $WAIT --max-rounds 5 -j >/tmp/evac.json 2>/tmp/evac.log
	rc=$?
	sed 's/^/# evacuate: /' /tmp/evac.log /tmp/evac.json
	check evacuate-exit-some-stayed "[ $rc = 1 ]" "exit $rc"
	check evacuate-moved-four "grep -q '\"migrated\":4,\"stayed\":2,\"unknown\":0,\"skipped\":1' /tmp/evac.json"
	check evacuate-table-says-why "grep -q '\"guest\":\"esky\",\"outcome\":\"stayed\",\"reason\":\"[^\"]*lacks' /tmp/evac.json"
	check tsc_refused-names-both-rates "grep -q '\"guest\":\"tf\",\"outcome\":\"stayed\",\"reason\":\"[^\"]*TSC runs at [0-9]* kHz and this host.s at [0-9]* kHz' /tmp/evac.json"
	check tsc_refused-guest-runs "[ \"\$(state tf)\" = running ]"
	check evacuate-stayer-runs "[ \"\$(state esky)\" = running ]"
	check evacuate-moved-ones-gone "[ -z \"\$(state wa)\$(state e1)\$(state e2)\$(state clk)\" ]"
	check evacuate-maintenance-on "mvctl host show | grep -q 'maintenance on'"
	mvctl guest add late memory 2M baseline nehalem >/tmp/late.log 2>&1
	check maintenance-refuses-new-guests "[ \$? != 0 ] && grep -q 'maintenance mode' /tmp/late.log" "$(cat /tmp/late.log)"
else
	mvmig recv --listen 0.0.0.0:5555 --timeout $RECYCLE >/tmp/recv.log 2>&1 &
	recv=$!
	wait_state wa running $WAIT
	check received-from-a "[ \"\$(state wa)\" = running ]"
	sleep 5
	p=$(last_progress wa)
	echo "# b: progress here: $p"
	echo "MV-DIGEST writer/b $(field "$p" cpuid)"
	mvctl guest console wa | sed 's/^/# b console: /' | head -n 8
	check counter-goes-on "[ -n \"$p\" ] && [ \"$(field "$p" failures)\" = 0 ]" "$p"
	check refused-guest-absent "[ -z \"\$(state big)\" ]"
	kill $recv
	sed 's/^/# recv: /' /tmp/recv.log
	mvmig send wa --listen 0.0.0.0:5555 --wait $WAIT --timeout $WAIT --max-rounds 5 >/tmp/sendback.log 2>&1
	rc=$?
	sed 's/^/# sendback: /' /tmp/sendback.log
	check migrated-b-to-a "[ $rc = 0 ] && [ -z \"\$(state wa)\" ]" "exit $rc"

	# The SQLite workload arrives mid-run, prints two iterations, goes back.
	mvmig recv --listen 0.0.0.0:5555 --timeout $RECYCLE >/tmp/sq-recv.log 2>&1 &
	recv=$!
	wait_state sq running $WAIT
	check sqlite_migrate-received-from-a "[ \"\$(state sq)\" = running ]"
	wait_lines 2 $WAIT
	kill $recv
	sed 's/^/# sq recv: /' /tmp/sq-recv.log | tail -n 4
	mvmig send sq --listen 0.0.0.0:5555 --wait $WAIT --timeout $WAIT --keep-source --max-rounds 5 >/tmp/sq-sendback.log 2>&1
	rc=$?
	sed 's/^/# sq sendback: /' /tmp/sq-sendback.log | tail -n 4
	check sqlite_migrated-b-to-a "[ $rc = 0 ]" "exit $rc"
	sq_check b
	echo "MV-DIGEST sqlite/b-range $(first_iter /tmp/sq-b.txt)-$(last_iter /tmp/sq-b.txt)"
	mvctl guest del sq

	# The override: the skylake-server workload arrives anyway, under the
	# meet of its baseline and this host, and dies at its first use of
	# what this Nehalem lacks.
	mvmig recv --listen 0.0.0.0:5555 --timeout $RECYCLE --once >/tmp/sqx-recv.log 2>&1 &
	wait_state sqx stopped $WAIT
	sed 's/^/# unsafe recv: /' /tmp/sqx-recv.log | grep -a 'WARNING' | head -n 3
	mvctl guest console sqx | grep -a '^mvlinux: ' | sed 's/^/# unsafe: /'
	mvctl guest show sqx | grep -a 'stopped\|cpuid' | sed 's/^/# unsafe: /'
	mvctl guest show sqx -d | grep -a '^  cpuid 0x7\.\|^  cpuid 0xd\.' | sed 's/^/# unsafe: /'
	check sqlite_migrate-unsafe-received-with-warning "grep -q 'WARNING: --unsafe-skip-cpu-check: guest sqx comes under baseline unsafe-sqx; this host lacks .*avx2' /tmp/sqx-recv.log"
	check sqlite_migrate-unsafe-program-dies-here "mvctl guest show sqx | grep -q 'stopped: exit info 0x84'" "$(mvctl guest show sqx | grep stopped)"
	check sqlite_migrate-unsafe-console-names-instruction "mvctl guest console sqx | grep -q '^mvlinux: SIGILL .* code: [0-9a-f][0-9a-f] '"
	check sqlite_migrate-unsafe-audit-shows-what-glibc-asked "mvctl guest show sqx -d | grep -q '^  cpuid 0x7\.0 x ' && mvctl guest show sqx -d | grep -q '^  cpuid 0xd\.1 x '"
	mvctl guest del sqx
	mvctl baseline del unsafe-sqx >/dev/null 2>&1

	# a's evacuation: four guests arrive, two are refused here.
	mvmig recv --listen 0.0.0.0:5555 --timeout $RECYCLE >/tmp/evac-recv.log 2>&1 &
	recv=$!
	wait_state wa running $WAIT && wait_state e1 running $WAIT &&
		wait_state e2 running $WAIT && wait_state clk running $WAIT
	check evacuate-received-four "[ \"\$(state wa)\$(state e1)\$(state e2)\$(state clk)\" = runningrunningrunningrunning ]"
	i=0
	while ! { grep -q 'recv esky.*refused' /tmp/evac-recv.log && grep -q 'recv tf.*refused' /tmp/evac-recv.log; } &&
		[ $i -lt $WAIT ]; do
		sleep 1
		i=$((i + 1))
	done
	check evacuate-refused-here "grep -q 'recv esky.*refused' /tmp/evac-recv.log && [ -z \"\$(state esky)\" ]"
	check tsc_refused-here "grep -q 'recv tf.*refused' /tmp/evac-recv.log && [ -z \"\$(state tf)\" ]"
	# clk's TSC keeps the pool's rate here, where it is this host's own.
	mvctl host show | grep '^tsc' | sed 's/^/# b: host /'
	mvctl guest show clk | grep 'tsc' | sed 's/^/# b: clk /'
	want=$(mvctl guest show clk | sed -n 's/.*tsc \([0-9]*\) kHz.*/\1/p')
	r=$(wait_rate clk $WAIT)
	echo "# b: clk's TSC over 10 s after the move: $r kHz (its rate: $want)"
	check tsc_rate-after-move "within '$r' '$want' 0.001 && [ -n \"$want\" ]" "$r kHz, want $want"
	check tsc_rate-clock-never-back "! mvctl guest console clk | grep -q 'WENT BACK'"
	sleep 3
	p=$(last_progress e1)
	check evacuated-guest-goes-on "[ -n \"$p\" ] && [ \"$(field "$p" failures)\" = 0 ]" "$p"
	kill $recv
	sed 's/^/# evac-recv: /' /tmp/evac-recv.log
fi
# The plan comes last, as TAP allows, because the halves differ in length.
echo "1..$n"
