#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# record.sh - re-record the committed lackey traces of drain/data/ (needs
# valgrind, coreutils, gzip, gawk or mawk, xz-utils, perl; Debian 12).
#
#   drain/data/record.sh [OUTDIR]     (default: the folder of this script)
#
# Each program runs under valgrind --tool=lackey --trace-mem=yes on an input
# made here (deterministic); its raw trace (tens of MB) is thinned as
# sort.lackey was: the first 40 lines as they are, every line valgrind itself
# writes (==PID==), and every Nth data access (L, S, M) of the rest, N chosen
# so that about KEEP (68000) data accesses remain; the other instruction
# fetches are dropped.  The inputs are small (3000 lines, 50 KB) so that
# each raw trace stays near sort.lackey's 7.7 million lines.  Addresses vary a little between machines (ASLR under
# valgrind is off, but the environment's size moves the stack).
set -eu

out=${1:-$(dirname "$0")}
keep=68000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Inputs: numbers and words, deterministic.
seq 1 3000 | awk '{ printf "%d word%d %x\n", ($1 * 7919) % 100003, $1 % 977, $1 }' \
	> "$tmp/text.txt"

# record NAME COMMAND...: trace COMMAND into $out/NAME.lackey
record() {
	name=$1
	shift
	valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/raw" \
		"$@" > /dev/null
	total=$(grep -c '^ [LSM] ' "$tmp/raw")
	n=$(( (total + keep - 1) / keep ))
	awk -v n="$n" 'NR <= 40 || /^==/ || (/^ [LSM] / && ++k % n == 0)' \
		"$tmp/raw" > "$out/$name.lackey"
	echo "$name: $total data accesses, every ${n}th kept:" \
		"$(grep -c '^ [LSM] ' "$out/$name.lackey")"
	rm -f "$tmp/raw"
}

record gzip gzip -9 -c "$tmp/text.txt"
record awk awk '{ n[$2]++; s += $1 } END { for (w in n) print w, n[w]; print s }' \
	"$tmp/text.txt"
record xz xz -0 -c "$tmp/text.txt"
record perl perl -ne '@f = split; $h{$f[1]} .= $f[2]; END { print length($h{$_}), "\n" for sort keys %h }' \
	"$tmp/text.txt"
