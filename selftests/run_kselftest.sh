#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs installed kselftests with the harness's kselftest/runner.sh, as the
# kernel's run_kselftest.sh does for a full install: migvisor installs one
# collection, and the harness it builds against may come without one.
# selftests/migvisor's "make install INSTALL_PATH=DIR" puts this in DIR.
set -u

BASE_DIR=$(cd "$(dirname "$0")" && pwd)
export BASE_DIR
list=$BASE_DIR/kselftest-list.txt

usage() {
	cat <<USAGE
Usage: $0 [ -s ] [ -t COLLECTION:TEST ]... [ -c COLLECTION ]... [ -l ] [ -h ]
  -s, --summary      only the results; each test's output goes to /tmp/TEST
  -t, --test C:T     run test T of collection C (default: all in the list)
  -c, --collection C run the tests of collection C
  -l, --list         list the tests, as COLLECTION:TEST
  -h, --help         this text
Arguments for a test: KSELFTEST_<TEST>_ARGS, e.g. KSELFTEST_MODULE_TEST_ARGS.
USAGE
}

summary=
tests=
collections=
while [ $# -gt 0 ]; do
	case $1 in
	-s | --summary) summary=1 ;;
	-t | --test)
		[ $# -ge 2 ] || { usage >&2; exit 1; }
		tests="$tests $2"
		shift ;;
	-c | --collection)
		[ $# -ge 2 ] || { usage >&2; exit 1; }
		collections="$collections $2"
		shift ;;
	-l | --list)
		cat "$list"
		exit 0 ;;
	-h | --help)
		usage
		exit 0 ;;
	*)
		usage >&2
		exit 1 ;;
	esac
	shift
done

# What to run: the named tests, then those of the named collections.
selected=$(
	for t in $tests; do
		grep -x -- "$t" "$list" || echo "$0: $t is not in $list" >&2
	done
	for c in $collections; do
		grep -- "^$c:" "$list" || echo "$0: no collection $c in $list" >&2
	done
	[ -n "$tests$collections" ] || cat "$list"
)
[ -n "$selected" ] || exit 1

# runner.sh reads unset variables (KSELFTEST_<TEST>_ARGS)
set +u
# shellcheck source=/dev/null
. "$BASE_DIR/kselftest/runner.sh"
# runner.sh resets it on being sourced, and reads it in run_many
# shellcheck disable=SC2034
[ -z "$summary" ] || per_test_logging=1

# The results go to stdout as they come, and to a file for the status.
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
for c in $(echo "$selected" | cut -d: -f1 | uniq); do
	paths=$(echo "$selected" | sed -n "s|^$c:|$BASE_DIR/$c/|p")
	# run_many names the collection after the directory it runs in.
	# shellcheck disable=SC2086 # one word per test
	(cd "$BASE_DIR/$c" && run_many $paths) | tee -a "$out"
done
# Failed: a test failed, or the runner stopped before reporting them all.
[ "$(grep -cE '^(ok|not ok) ' "$out")" -eq "$(echo "$selected" | wc -l)" ] &&
	! grep -q '^not ok' "$out"
