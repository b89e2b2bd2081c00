#!/bin/sh
insmod /rig/migvisor.ko
echo 1 > /proc/sys/kernel/sysrq
ip link set lo up
mvctl baseline add nehalem model nehalem
try() {	# NAME OPTS
	mvctl guest add $1 memory 8M baseline nehalem
	mvctl guest load $1 /rig/bin/writer-slow.elf
	mvctl guest start $1
	sleep 2
	mvmig recv --listen 127.0.0.1:4800 --once --name $1d > /tmp/r.log 2>&1 &
	mvmig send $1 127.0.0.1:4800 --wait 10 --keep-source $2 > /tmp/s.log 2>&1 &
	s=$!
	i=0
	while kill -0 $s 2>/dev/null && [ $i -lt 40 ]; do sleep 1; i=$((i+1)); done
	if kill -0 $s 2>/dev/null; then
		echo "== $1: STUCK"
		for p in $(pidof mvmig) $(ps | grep '\[mv-' | awk '{print $1}'); do
			echo "-- $p $(cat /proc/$p/comm) $(cat /proc/$p/wchan)"; cat /proc/$p/stack
		done
		echo w > /proc/sysrq-trigger
		dmesg | tail -60
	fi
	echo "== $1 send:"; cat /tmp/s.log; echo "== recv:"; cat /tmp/r.log
	mvctl guest show $1; mvctl guest show $1d
	mvctl guest console $1d | tail -5
}
try wp --write-protect
try pml ""
