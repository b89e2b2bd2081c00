#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# CPU hotplug and vCPU migration with a guest running, on a host with at
# least two CPUs: the guest keeps running while CPU 1 goes offline and
# online (VMCLEAR/VMXOFF on the way down, VMXON on the way up), while its
# thread is moved between CPUs (VMCLEAR on the old CPU, VMPTRLD on the
# new), and pause, resume, delete and unload still work. TAP output.

# shellcheck source=selftests/migvisor/tap.sh
. "$(dirname "$0")/tap.sh"
console() {
	mvctl -j guest show h1 | sed -n 's/.*"console_bytes":\([0-9]*\).*/\1/p'
}

echo "TAP version 13"
echo "1..8"
if [ "$(nproc)" -lt 2 ] || [ ! -e /sys/devices/system/cpu/cpu1/online ]; then
	echo "# needs a second, hot-pluggable CPU"
	for i in 1 2 3 4 5 6 7 8; do echo "not ok $i needs-two-cpus"; done
	exit 1
fi
grep -q '^migvisor ' /proc/modules || insmod "${MV_MODULE:-/rig/migvisor.ko}"
mvctl guest add h1 memory 4M && mvctl guest load h1 /rig/bin/counter.elf &&
	mvctl guest start h1
ok $? guest_started

pid=$(pidof mv-h1 || ps | awk '$NF ~ /mv-h1/ {print $1}' | head -n1)
[ -n "$pid" ]
ok $? vcpu_thread_found

before=$(console)
moved=0
for cpu in 2 1 2 1; do
	taskset -p "$cpu" "$pid" >/dev/null || moved=1
	sleep 0.2
done
mvctl guest show h1 | grep -q 'state running'
ok $((moved + $?)) runs_while_moved_between_cpus

down=0
for _ in 1 2 3; do
	echo 0 >/sys/devices/system/cpu/cpu1/online || down=1
	mvctl guest show h1 | grep -q 'state running' || down=1
	echo 1 >/sys/devices/system/cpu/cpu1/online || down=1
done
ok $down runs_across_cpu1_offline_online

after=$(console)
[ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ]
ok $? guest_made_progress

mvctl guest pause h1 && mvctl guest show h1 | grep -q 'state paused' &&
	mvctl guest resume h1
ok $? pause_resume_after_hotplug

mvctl guest del h1
ok $? delete

rmmod migvisor
ok $? unload

tap_end
