#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# twohost_mig_test.sh a|b
#
# The cross-generation test, one half per emulated host. Both sides listen
# on TCP port 5555 (a sender with mvmig send --listen) and rig/tcp-relay on
# the machine outside joins them, because Bochs' slirp cannot connect out.
#  a (Skylake-X): a skylake-server guest is refused by b before any page
#    moves and keeps running here; a nehalem writer guest migrates live
#    to b; later it comes back and runs here again.
#  b (Nehalem): receives the writer, checks it goes on (counter, page
#    stamps, CPUID digest), sends it back to a.
# Prints TAP-style ok/not ok lines; "# " lines carry the figures.
role=$1
# Waits are in guest seconds, which race while a host idles (HLT): the
# hosts boot different kernels and reach this point tens of wall seconds
# apart, so waiting for the peer gets a huge limit (the pair's wall-clock
# limit in twohost-check ends a hung run). rig/tcp-relay makes connection
# K only when both hosts have said "MV-RELAY-READY K", each once its end
# listens, so no connection reaches a host before it listens, and none
# needs a short read timeout to be recycled. The read timeout is huge
# too: an idle host's clock would run a short one out in wall seconds,
# while its peer is still getting ready to send.
WAIT=${MV_TWOHOST_WAIT:-1000000}
TMO=$WAIT
# The way back, from b to a, as it ran before the READY lines: see below.
BACK=3000
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

# ready K...: once port 5555 listens here, tell the relay (console)
ready() {
	until grep -q ':15B3 00000000:0000 0A' /proc/net/tcp; do sleep 1; done
	for k in "$@"; do echo "MV-RELAY-READY $k"; done
}

state() { mvctl -j guest show "$1" 2>/dev/null | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }
wait_state() {	# NAME STATE SECONDS
	i=0
	while [ "$(state "$1")" != "$2" ] && [ $i -lt "$3" ]; do sleep 1; i=$((i + 1)); done
	[ "$(state "$1")" = "$2" ]
}
last_progress() { mvctl guest console "$1" | grep '^writer: gen' | tail -n1; }
field() { echo "$1" | sed -n "s/.* $2 \([0-9a-f]*\).*/\1/p"; }

mvctl baseline add nehalem model nehalem >/dev/null 2>&1
if [ "$role" = a ]; then
	mvctl baseline add sky model skylake-server >/dev/null
	writer big sky
	mvmig send big --listen 0.0.0.0:5555 --wait $WAIT --timeout $TMO >/tmp/refuse.log 2>&1 &
	pid=$!
	ready 1
	wait $pid
	rc=$?
	sed 's/^/# refuse: /' /tmp/refuse.log
	check refused-before-any-page "[ $rc = 1 ] && grep -q 'refused the guest' /tmp/refuse.log && grep -q 'total: 0 pages' /tmp/refuse.log" "exit $rc"
	check refused-names-features "grep -q 'lacks' /tmp/refuse.log"
	check refused-guest-keeps-running "[ \"\$(state big)\" = running ]"
	mvctl guest del big

	writer wa nehalem
	sleep 5
	mvctl guest console wa | sed 's/^/# a console: /' | head -n 4
	mvmig send wa --listen 0.0.0.0:5555 --wait $WAIT --timeout $TMO --keep-source --max-rounds 5 --progress >/tmp/send.log 2>&1 &
	pid=$!
	ready 2
	wait $pid
	rc=$?
	sed 's/^/# send: /' /tmp/send.log
	check migrated-a-to-b "[ $rc = 0 ]" "exit $rc"
	p=$(last_progress wa)
	echo "# a: last progress before the move: $p"
	echo "MV-DIGEST writer/a-before $(field "$p" cpuid)"
	check source-paused "[ \"\$(state wa)\" = paused ]"
	mvctl guest del wa
	# The way back is relayed blindly (rig/tcp-relay), with the read
	# timeouts that recycle its connections: BACK guest seconds.
	echo "MV-RELAY-BLIND"
	mvmig recv --listen 0.0.0.0:5555 --timeout $BACK --once >/tmp/back.log 2>&1 &
	rpid=$!
	# Until the guest runs, or the receiver gave up (then say why now).
	i=0
	while [ "$(state wa)" != running ] && kill -0 $rpid 2>/dev/null &&
	      [ $i -lt $BACK ]; do
		sleep 1
		i=$((i + 1))
		# A receiver that takes long: where it waits, once
		if [ $i = 120 ]; then
			echo "# a: receiver still waiting: $(cat /proc/$rpid/wchan 2>/dev/null)"
			sed 's/^/# a: receiver stack: /' /proc/$rpid/stack 2>/dev/null
			sed 's/^/# a: receiver so far: /' /tmp/back.log
		fi
	done
	kill -0 $rpid 2>/dev/null || sed 's/^/# back (receiver ended): /' /tmp/back.log
	check came-back-from-b "[ \"\$(state wa)\" = running ]"
	sleep 5
	p=$(last_progress wa)
	echo "# a: after the round trip: $p"
	echo "MV-DIGEST writer/a-after $(field "$p" cpuid)"
	check round-trip-pages-verify "[ -n \"$p\" ] && [ \"$(field "$p" failures)\" = 0 ]" "$p"
	sed 's/^/# back: /' /tmp/back.log
else
	mvmig recv --listen 0.0.0.0:5555 --timeout $TMO >/tmp/recv.log 2>&1 &
	recv=$!
	# One listener takes the refused guest and the writer.
	ready 1 2
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
	wait $recv
	sed 's/^/# recv: /' /tmp/recv.log
	echo "MV-RELAY-BLIND"
	mvmig send wa --listen 0.0.0.0:5555 --wait $BACK --timeout $BACK --max-rounds 5 >/tmp/sendback.log 2>&1
	rc=$?
	sed 's/^/# sendback: /' /tmp/sendback.log
	check migrated-b-to-a "[ $rc = 0 ] && [ -z \"\$(state wa)\" ]" "exit $rc"
fi
# The plan comes last, as TAP allows, because the halves differ in length.
echo "1..$n"
