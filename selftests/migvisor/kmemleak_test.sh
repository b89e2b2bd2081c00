#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak_test.sh clear|scan
#
# For a debug kernel (CONFIG_DEBUG_KMEMLEAK). "clear" forgets what the boot
# left unreferenced, before any of our code loads, so that what "scan"
# reports afterwards was allocated while the suites ran. "scan" unloads
# migvisor, scans twice (an object is reported only once it has been
# unreferenced for a while, and on a second look) and fails on any report,
# printing each with its backtrace. TAP output.
km=/sys/kernel/debug/kmemleak
grep -q ' /sys/kernel/debug ' /proc/mounts || mount -t debugfs none /sys/kernel/debug
echo "TAP version 13"
echo "1..1"
if [ ! -e $km ]; then
	echo "not ok 1 kmemleak-$1: no $km (CONFIG_DEBUG_KMEMLEAK off, or kmemleak=off)"
	exit 1
fi
if [ "$1" = clear ]; then
	echo clear >$km
	echo "ok 1 kmemleak-clear"
	exit 0
fi
grep -q '^migvisor ' /proc/modules && rmmod migvisor
# kmemleak ignores objects younger than 5 s; its scan also needs them to
# stay unreferenced over two scans before it reports them.
sleep 6
echo scan >$km
sleep 6
echo scan >$km
n=$(grep -c '^unreferenced object' $km)
sed 's/^/# /' $km
if [ "$n" = 0 ]; then
	echo "ok 1 kmemleak-no-leaks"
else
	echo "not ok 1 kmemleak-no-leaks: $n unreferenced objects"
	exit 1
fi
