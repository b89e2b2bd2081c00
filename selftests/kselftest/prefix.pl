#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# "# " before each line of a test's output, for kselftest/runner.sh, which
# runs this when perl is there: installed only where the harness came
# without its own (the rig's cache holds runner.sh alone). Each line goes
# on as soon as it is complete, so that progress shows while a test runs.
use strict;
use warnings;

$| = 1;
while (my $line = <STDIN>) {
	print "# $line";
}
