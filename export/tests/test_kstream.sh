#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_kstream.sh BIN SRC - ringdrain replay --kstream on a stream that
# kcheck's drain module logged in a 6.12 guest (export/tests/data/): every
# strategy must end with the module's final regions (its F lines) and the
# same counts; bad streams are one line on stderr and exit 2.
set -uo pipefail
bin=$1
src=$2
stream=$src/export/tests/data/kstream-6.12-perfnest.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$bin" replay "$stream" --kstream --strategy all --dump "$tmp/dump" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; fail "replay --kstream exited $?"; }
grep -qx 'results identical: yes' "$tmp/out" || fail "the strategies differ"
grep '^F ' "$stream" | awk '{ printf "%s 0x%s 0x%s %s %s %s %s\n", $2, $3, $4, $5, $6, $7, $8 }' >"$tmp/kernel"
grep -v '^#' "$tmp/dump" >"$tmp/replayed"
[ -s "$tmp/kernel" ] || fail "no F lines in $stream"
diff "$tmp/kernel" "$tmp/replayed" || fail "the replay does not end in the kernel's regions"
echo "ok: $(grep -c . "$tmp/kernel") regions equal; $(grep '^kstream' "$tmp/out")"

# Bad streams: NAME, then a sed script that breaks the stream.
bad() {
	local name=$1 script=$2 lines rc
	sed -e "$script" "$stream" >"$tmp/$name"
	"$bin" replay "$tmp/$name" --kstream >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	lines=$(grep -c . "$tmp/$name.err")
	[ $rc = 2 ] && [ "$lines" = 1 ] && grep -q "^ringdrain replay: $tmp/$name:[0-9]*: " "$tmp/$name.err" ||
		fail "$name: want exit 2 and one 'FILE:LINE: ' line, got exit $rc and: $(cat "$tmp/$name.err")"
	echo "ok: $name: $(cat "$tmp/$name.err")"
}
bad cut '/^E /d'
bad lost-line '0,/^r /{/^r /d}'
bad unknown 's/^Z$/Q/'
bad report-outside '0,/^Z$/{/^Z$/d}'
bad bad-field 's/^T \([0-9]*\)$/T x\1/'
bad not-a-stream 's/^kstream 1/kstream 2/'
bad split-outside '0,/^S /s/^S \([0-9]*\) \([0-9a-f]*\) [0-9a-f]*$/S \1 \2 1/'
: >"$tmp/empty"
"$bin" replay "$tmp/empty" --kstream 2>"$tmp/empty.err" >/dev/null
rc=$?
[ $rc = 2 ] && [ "$(grep -c . "$tmp/empty.err")" = 1 ] || fail "empty stream: exit $rc"
"$bin" replay "$tmp/nonexistent" --kstream 2>"$tmp/none.err" >/dev/null
rc=$?
[ $rc = 2 ] && [ "$(grep -c . "$tmp/none.err")" = 1 ] || fail "missing stream: exit $rc"
echo "ok: empty and missing streams: one line, exit 2"
