#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Inside one emulated Skylake-X host (rig/plans/bench.plan): the CPUID exit
# under migvisor with three baselines and under kvm_intel, then the
# migration matrix. Figures go to the console as "MV-BENCH {json}" lines;
# scripts/bench takes them from the host's serial log.
#
#   rig-bench.sh [REPS] [SECTIONS] [MEMS] [PERCENTS]
#   SECTIONS "cpuid migrate linux" (or "sharing", on a 6.12 host), MEMS "32M 128M",
#   PERCENTS "0 1 10 50" (defaults)
reps=${1:-3}
sections=${2:-cpuid migrate linux}
mems=${3:-32M 128M}
pcts=${4:-0 1 10 50}
elf=/rig/bin/cpuid-bench.elf
grep -q "^migvisor " /proc/modules || insmod /rig/migvisor.ko || exit 1
mvctl baseline add nehalem model nehalem
case " $sections " in *" cpuid "*)
	# A few features, a middling set, and everything this host offers.
	mvctl baseline add few model x86-64-v1
	mvctl -j host show >/tmp/host.json && mvctl baseline add all pool /tmp/host.json
	for b in few nehalem all; do
		n=$(mvctl baseline show $b | sed -n 's/^ *features: //p' | wc -w)
		echo "MV-BENCH {\"section\": \"baseline\", \"name\": \"$b\", \"features\": $n}"
	done
	for i in $(seq "$reps"); do
		for b in few nehalem all; do
			cpuid-bench migvisor $elf $b
		done
	done
	# kvm_intel takes VMX root only once migvisor has no guest left.
	if insmod /rig/irqbypass.ko && insmod /rig/kvm.ko && insmod /rig/kvm-intel.ko; then
		for i in $(seq "$reps"); do
			cpuid-bench kvm $elf
		done
		rmmod kvm_intel kvm irqbypass
	else
		echo "MV-BENCH {\"section\": \"error\", \"what\": \"kvm_intel did not load\"}"
	fi
	;;
esac
case " $sections " in *" linux "*)
	# Unmodified Linux programs as guests (guests/programs/lxbench.c),
	# against the same static binary run natively by this host's Linux:
	# a getpid round trip and a 4 KiB write (to the console in the guest,
	# to /dev/null natively), in TSC cycles; start-up from the command to
	# main and a whole run, in ns (lxbench's own CLOCK_REALTIME stamps,
	# which the guest's personality takes from this host's clock); and the
	# memory the SQLite workload needed (the personality's exit report).
	lx=/rig/bin/lxbench.elf
	stamp() { $lx startup 2>&1 | sed -n 's/.*realtime \([0-9]*\) ns/\1/p'; }
	cyc() { sed -n 's/^lxbench: .*, \([0-9.]*\) tsc cycles per call/\1/p' "$1"; }
	# NAME ARGS...: a guest under nehalem, its start stamp in /tmp/NAME.t0,
	# the stamp after it stopped in /tmp/NAME.t1, its console in /tmp/NAME.con
	lxguest() {
		g=$1
		shift
		mvctl guest add "$g" memory 64M baseline nehalem >/dev/null &&
			mvctl guest load "$g" "$@" >/dev/null || return 1
		stamp >/tmp/$g.t0
		mvctl guest start "$g" && mvctl guest console "$g" -f >/tmp/$g.con 2>&1
		stamp >/tmp/$g.t1
		mvctl guest del "$g"
	}
	emit() { echo "MV-BENCH {\"section\": \"linux\", \"test\": \"$1\", \"where\": \"$2\", \"$3\": ${4:-null}}"; }
	for i in $(seq "$reps"); do
		for t in "getpid 100000" "write 2000"; do
			# shellcheck disable=SC2086
			$lx $t 2>/tmp/lxn.err >/dev/null
			emit "${t% *}" native cycles "$(cyc /tmp/lxn.err)"
			# shellcheck disable=SC2086
			lxguest lb $lx $t
			emit "${t% *}" guest cycles "$(cyc /tmp/lb.con)"
		done
		t0=$(stamp)
		m=$($lx startup 2>&1 | sed -n 's/.*realtime \([0-9]*\) ns/\1/p')
		t1=$(stamp)
		emit startup native ns $((m - t0))
		emit whole-run native ns $((t1 - t0))
		lxguest lh $lx startup
		m=$(sed -n 's/.*realtime \([0-9]*\) ns/\1/p' /tmp/lh.con)
		emit startup guest ns $((m - $(cat /tmp/lh.t0)))
		emit whole-run guest ns $(($(cat /tmp/lh.t1) - $(cat /tmp/lh.t0)))
	done
	lxguest lsq /rig/bin/sqlreport.elf /tmp/sales.db 3000 8
	r=$(grep -a 'mvlinux: exit ' /tmp/lsq.con)
	echo "# $r"
	kib() { echo "$r" | sed -n "s/.* \([0-9]*\) KiB $1.*/\1/p"; }
	peak=$(kib 'at most in use') pt=$(kib 'of it page tables') img=$(kib 'of images')
	ok=false
	grep -qa '^sqlreport: integrity ok' /tmp/lsq.con && ok=true
	echo "MV-BENCH {\"section\": \"linux-memory\", \"program\": \"sqlreport 3000 8\", \"peak_kib\": ${peak:-null}, \"page_table_kib\": ${pt:-null}, \"images_kib\": ${img:-null}, \"ok\": $ok}"
	;;
esac
case " $sections " in *" sharing "*)
	# A kernel with both modes (6.12): VMX root owned (kvm_intel not
	# loaded), then shared (kvm_intel at its defaults holds it); KVM's
	# own CPUID exit alone and beside two running migvisor guests.
	# The first seconds after boot run slow (boot-time work of the
	# kernel): a spin nobody counts, and owned is measured before and
	# after shared.
	kvm() { insmod /rig/irqbypass.ko 2>/dev/null; insmod /rig/kvm.ko && insmod /rig/kvm-intel.ko; }
	mvctl baseline add few model x86-64-v1
	MV_BENCH_LABEL=warm-up cpuid-bench spin /rig/bin/counter.elf 10
	owned() {
		for i in $(seq "$reps"); do
			MV_BENCH_LABEL=owned cpuid-bench migvisor $elf few
			MV_BENCH_LABEL=owned cpuid-bench spin /rig/bin/counter.elf 5
		done
	}
	owned
	if kvm; then
		for i in $(seq "$reps"); do
			MV_BENCH_LABEL=shared cpuid-bench migvisor $elf few
			MV_BENCH_LABEL=shared cpuid-bench spin /rig/bin/counter.elf 5
			MV_BENCH_LABEL=kvm-alone cpuid-bench kvm $elf
		done
		for g in b1 b2; do
			mvctl guest add $g memory 4M && mvctl guest load $g /rig/bin/counter.elf &&
				mvctl guest start $g
		done
		for i in $(seq "$reps"); do
			MV_BENCH_LABEL=kvm-beside-guests cpuid-bench kvm $elf
		done
		mvctl guest del b1; mvctl guest del b2
		rmmod kvm_intel kvm irqbypass
		owned
	else
		echo "MV-BENCH {\"section\": \"error\", \"what\": \"kvm_intel did not load\"}"
	fi
	;;
esac
case " $sections " in *" migrate "*)
	for mem in $mems; do
		for pct in $pcts; do
			mig-bench $mem $pct "$reps" 8
		done
	done
	;;
esac
echo "MV-BENCH {\"section\": \"done\"}"
