#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of an emulated test host. Runs the plan in /rig/plan (one command
# per line, each producing TAP), then dumps the kernel log between markers
# so that the runner can scan it, and powers off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /tmp /run
mount -t devpts devpts /dev/pts
# What udev makes on a real system, and kselftest's runner writes to
# (/dev/stdout): without it an installed tree's test output is lost.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs tmp /tmp
# Suites talk over loopback (mvmig); a bare initramfs leaves it down.
ip link set lo up
exec </dev/console >/dev/console 2>&1

model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
echo "MV-RIG: BOOTED host=$(cat /rig/host) kernel=$(uname -r) cpu=$model"
echo "MV-RIG: kernel log below this marker is checked" >/dev/kmsg
export MV_MODULE=/rig/migvisor.ko MV_RIG=1 PATH=/rig/bin:$PATH
cd /rig
while read -r name cmd; do
	case "$name" in ''|'#'*) continue ;; esac
	# "! command": host setup, not a suite; a failure ends the plan.
	if [ "$name" = "!" ]; then
		echo "MV-RIG: SETUP $cmd"
		sh -c "$cmd" || { echo "MV-RIG: SETUP-FAILED $cmd"; break; }
		continue
	fi
	# "NAME:SECONDS" overrides the suite's time limit. Guest seconds run
	# far faster than wall time while the host idles, so a suite that
	# waits for another host gets a huge one; the runner's wall-clock
	# limit is then what ends a hung run.
	limit=600
	case "$name" in *:*) limit=${name#*:}; name=${name%%:*} ;; esac
	echo "MV-RIG: SUITE $name"
	timeout "$limit" sh -c "$cmd"
	echo "MV-RIG: SUITE-END $name rc=$?"
done </rig/plan
echo "MV-RIG: DMESG-BEGIN"
dmesg
echo "MV-RIG: DMESG-END"
echo "MV-RIG: END"
# The serial tty drops what is still queued at power-off: drain it first.
sleep 3
# Show the shutdown path on the console: a hang there is diagnosable.
echo 7 >/proc/sys/kernel/printk
poweroff -f
