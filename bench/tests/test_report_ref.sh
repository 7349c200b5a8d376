#!/bin/bash
# test_report_ref.sh RINGDRAIN JSON_GET SOURCE_DIR - the report of the
# committed reference run, byte for byte: `ringdrain report` on
# results/2026-12-03-epyc-5506cd must print exactly
# bench/tests/data/reference/epyc-5506cd.report.txt, and `report --update`
# on a copy must pick exactly the winners of epyc-5506cd.winners.json.
# A refactor that changes a table, a verdict or a winner fails here; a
# change meant to happen updates the expected files in the same commit
# (the diff shows what changed).
set -u
rd=$1 json_get=$2 src=$3
run=results/2026-12-03-epyc-5506cd
ref=$src/bench/tests/data/reference
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

cd "$src" || exit 1
"$rd" report "$run" >"$tmp/report.txt" 2>"$tmp/stderr"
rc=$?
if [ $rc -ne 0 ] || [ -s "$tmp/stderr" ]; then
	echo "ringdrain report $run: exit $rc: $(cat "$tmp/stderr")"
	fail=1
fi
if ! diff -u "$ref/epyc-5506cd.report.txt" "$tmp/report.txt"; then
	echo "ringdrain report $run differs from $ref/epyc-5506cd.report.txt"
	fail=1
fi

mkdir "$tmp/run" && cp "$run"/*.json "$tmp/run/" || exit 1
"$rd" report --update "$tmp/run" >/dev/null 2>"$tmp/stderr"
rc=$?
if [ $rc -ne 0 ]; then
	echo "ringdrain report --update (copy of $run): exit $rc: $(cat "$tmp/stderr")"
	fail=1
fi
"$json_get" "$tmp/run/summary.json" winners >"$tmp/winners.json" || fail=1
if ! diff -u "$ref/epyc-5506cd.winners.json" "$tmp/winners.json"; then
	echo "the winners of $run differ from $ref/epyc-5506cd.winners.json"
	fail=1
fi
exit $fail
