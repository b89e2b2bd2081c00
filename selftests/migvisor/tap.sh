# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# TAP lines for the shell tests, sourced beside them: "ok STATUS NAME"
# counts and prints one result, "tap_end" prints how many failed and
# returns non-zero if any did.
n=0
fails=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fails=$((fails + 1))
	fi
}
tap_end() {
	echo "# $fails failed"
	[ $fails = 0 ]
}
