#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_results.sh BIN JSON_GET CASE - a results folder survives what a user
# meets: every case runs tiny bench runs (one or two cheap benchmarks, two
# repetitions) and then checks the folder's contents, never the time taken.
#
#   io-fail    a write error injected into producer.json, machine.json and
#              report.txt in turn (RINGDRAIN_IO_FAIL): exit 1, a message
#              naming the file and the errno text, no such file, no
#              temporary file, the other files whole
#   full-disk  a 16 KiB tmpfs in a private mount namespace: exit 1, the
#              message, every file left there whole; exits 77 (CTest: skip)
#              where this machine lets no tmpfs be mounted
#   sigint     SIGINT once the first suite's file appears, while the second
#              suite holds (RINGDRAIN_BENCH_HOLD): the first suite kept, the
#              repetition of the second that ran kept, the rest named in
#              machine.json, the report of what was measured, the resume
#              command, `ringdrain report` on the folder; then SIGINT and
#              SIGTERM together: the process ends at once, leaving no
#              temporary file and no lock
#   lock       a second run (and `report --update`) into a folder a run
#              holds exits 2 naming the holder's pid and command line; a
#              lock left by a dead process is taken over with a note
set -uo pipefail

bin=$1 json_get=$2 case=$3
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
failed=0

ok() { printf 'ok   %s\n' "$*"; }
bad() { printf 'FAIL %s\n' "$*"; failed=1; }
check() {	# check DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

hot='producer/hot/design:rfc/rec:48/'
lookup='drain/lookup/strategy:list/regions:100/targets:8/dist:uniform/'
tiny=(--benchmark_repetitions=2)

# No temporary file, no truncated JSON, no lock left in folder $1.
folder_whole() {
	local dir=$1 f leftovers
	leftovers=$(find "$dir" -name '.*.tmp.*' -o -name .lock)
	[ -z "$leftovers" ] || { echo "left in $dir: $leftovers"; return 1; }
	for f in "$dir"/*.json; do
		[ -e "$f" ] || continue
		"$json_get" "$f" >/dev/null || return 1
	done
}

has() { grep -qF -- "$2" "$1" || { echo "$1 lacks '$2':"; cat "$1"; return 1; }; }
field_is() {	# field_is FILE WANT PATH...
	local file=$1 want=$2 got
	shift 2
	got=$("$json_get" "$file" "$@")
	[ "$got" = "$want" ] || { echo "$file $*: '$got', want '$want'"; return 1; }
}

# Wait (no time limit: CTest's applies) until file $2 exists, while pid $1 runs.
wait_for() {
	while [ ! -e "$2" ]; do
		kill -0 "$1" 2>/dev/null || { echo "pid $1 ended before $2 appeared"; return 1; }
		sleep 0.05
	done
}

# Wait until pid $1 holds (RINGDRAIN_BENCH_HOLD) with its stderr in $2.
wait_hold() {
	while ! grep -q 'RINGDRAIN_BENCH_HOLD: suite .* holds' "$2"; do
		kill -0 "$1" 2>/dev/null || { echo "pid $1 ended before holding"; return 1; }
		sleep 0.05
	done
}

case $case in
io-fail)
	for f in producer.json machine.json report.txt; do
		d=$tmp/$f
		RINGDRAIN_IO_FAIL=$f "$bin" bench --suite producer \
			--benchmark_filter="$hot" "${tiny[@]}" --out "$d" \
			>"$tmp/out" 2>"$tmp/err"
		rc=$?
		check "$f: exit $rc, want 1" [ $rc -eq 1 ]
		check "$f: the message names the file and the errno text" \
			has "$tmp/err" "cannot write $d/$f: No space left on device"
		check "$f: not written at all" [ ! -e "$d/$f" ]
		check "$f: no temporary file, no lock, every file whole" folder_whole "$d"
	done
	d=$tmp/producer.json
	check "producer.json failed: machine.json says so" \
		field_is "$d/machine.json" failed status
	check "producer.json failed: the suite is missing" \
		field_is "$d/machine.json" '["producer"]' suites_missing
	d=$tmp/machine.json
	check "machine.json failed first: nothing measured, folder empty" \
		[ -z "$(ls -A "$d")" ]
	d=$tmp/report.txt
	check "report.txt failed: the suite file is whole" \
		field_is "$d/producer.json" "${hot%/}/min_time:0.100/manual_time" \
			benchmarks 0 run_name
	check "report.txt failed: summary.json is still written" \
		"$json_get" "$d/summary.json" winners
	check "report.txt failed: the run is complete" \
		field_is "$d/machine.json" complete status
	;;
full-disk)
	mnt=$tmp/mnt
	mkdir -p "$mnt"
	if ! unshare -m sh -c "mount -t tmpfs -o size=16k tmpfs '$mnt'" \
		2>"$tmp/mount.err"; then
		echo "skip: cannot mount a tmpfs here ($(head -1 "$tmp/mount.err"));" \
		     "the io-fail case covers write errors through the injection point"
		exit 77
	fi
	# In a private mount namespace: the tmpfs goes with the process.
	unshare -m sh -c "mount -t tmpfs -o size=16k tmpfs '$mnt' &&
		'$bin' bench --suite producer --benchmark_filter='$hot' \
			${tiny[*]} --out '$mnt/r' >'$tmp/out' 2>'$tmp/err';
		echo \$? >'$tmp/rc';
		cp -a '$mnt/r' '$tmp/r'"
	rc=$(cat "$tmp/rc")
	check "full disk: exit $rc, want 1" [ "$rc" -eq 1 ]
	check "full disk: the message names a file and ENOSPC" \
		grep -qE "cannot write $mnt/r/[a-z.]+: No space left on device" "$tmp/err"
	check "full disk: no temporary file, no lock, every file whole" \
		folder_whole "$tmp/r"
	ls -la "$tmp/r"
	;;
sigint)
	# The suite held and interrupted: peers/stream runs one iteration per
	# repetition, so the run the signal lets finish is one whole repetition;
	# it needs two CPUs.  With one, drain/lookup, sized by time, whose
	# repetition in progress is cut at its next sizing run.
	peer='peers/stream/design:rfc/'
	"$bin" bench --suite peers --benchmark_filter="$peer" \
		--benchmark_list_tests=true --out "$tmp/list" >"$tmp/list.out" 2>&1
	if grep -q "^$peer" "$tmp/list.out"; then
		held=peers filter="$hot|$peer" kept=1
	else
		echo "note: one CPU, no peers/stream: the repetition a cut" \
		     "benchmark keeps is not checked"
		held=drain filter="$hot|$lookup" kept=0
	fi
	d=$tmp/r
	RINGDRAIN_BENCH_HOLD=$held "$bin" bench --suite producer,$held,tick \
		--benchmark_filter="$filter" "${tiny[@]}" --out "$d" \
		>"$tmp/out" 2>"$tmp/err" &
	pid=$!
	# The first suite's file is there, the second suite's first benchmark
	# waits for the signal.
	wait_for $pid "$d/producer.json" && wait_hold $pid "$tmp/err" &&
		kill -INT $pid
	wait $pid
	rc=$?
	check "SIGINT: exit $rc, want 130" [ $rc -eq 130 ]
	check "SIGINT: no temporary file, no lock, every file whole" folder_whole "$d"
	check "SIGINT: the completed suite is kept, both repetitions" \
		field_is "$d/producer.json" iteration benchmarks 1 run_type
	check "SIGINT: machine.json: interrupted" \
		field_is "$d/machine.json" interrupted status
	check "SIGINT: machine.json: by SIGINT" \
		field_is "$d/machine.json" SIGINT interrupted_by
	check "SIGINT: machine.json: producer done" \
		field_is "$d/machine.json" '["producer"]' suites_done
	check "SIGINT: machine.json: $held cut short, tick not run" \
		field_is "$d/machine.json" "[\"$held\",\"tick\"]" suites_missing
	check "SIGINT: machine.json: the $held benchmark cut short, of 2" \
		field_is "$d/machine.json" 2 benchmarks_cut_short 0 repetitions
	check "SIGINT: machine.json: $kept of its repetitions ran" \
		field_is "$d/machine.json" $kept benchmarks_cut_short 0 repetitions_done
	if [ $kept = 1 ]; then
		check "SIGINT: the repetition that ran is kept" \
			field_is "$d/$held.json" 0 benchmarks 0 repetition_index
		check "SIGINT: as an iteration" \
			field_is "$d/$held.json" iteration benchmarks 0 run_type
		check "SIGINT: alone: no skipped run, no aggregate" \
			field_is "$d/$held.json" 1 benchmarks length
	else
		check "SIGINT: $held measured nothing: no $held.json" [ ! -e "$d/$held.json" ]
	fi
	check "SIGINT: the unstarted suite is not written" [ ! -e "$d/tick.json" ]
	check "SIGINT: the report of what was measured is printed" \
		has "$tmp/out" "suites not run or cut short: $held tick"
	check "SIGINT: and has the producer row" grep -q '^rfc ' "$tmp/out"
	check "SIGINT: how to resume" \
		has "$tmp/err" "resume with: ./ringdrain bench --suite $held,tick --out $d"
	check "SIGINT: report.txt says it is incomplete" \
		has "$d/report.txt" "INCOMPLETE run: interrupted by SIGINT"
	check "SIGINT: no summary.json: export must not take partial winners" \
		[ ! -e "$d/summary.json" ]
	"$bin" report "$d" >"$tmp/rep" 2>&1
	rc=$?
	check "report on the incomplete run: exit $rc, want 0" [ $rc -eq 0 ]
	check "report names the missing suites" \
		has "$tmp/rep" "suites not run or cut short: $held tick"

	# Two signals at once: the second ends the process where it stands.
	d=$tmp/r2
	RINGDRAIN_BENCH_HOLD=drain "$bin" bench --suite producer,drain \
		--benchmark_filter="$hot|$lookup" "${tiny[@]}" --out "$d" \
		>"$tmp/out" 2>"$tmp/err" &
	pid=$!
	# Stopped, the process gets both signals together when continued.
	wait_for $pid "$d/producer.json" && wait_hold $pid "$tmp/err" &&
		kill -STOP $pid &&
		kill -INT $pid && kill -TERM $pid && kill -CONT $pid
	wait $pid
	rc=$?
	# Killed by the signal handled second: SIGTERM, unless two threads took
	# one each; machine.json below tells it from a clean exit 130.
	check "SIGINT then SIGTERM: killed by a signal (status $rc, want 143 or 130)" \
		[ $rc -eq 143 -o $rc -eq 130 ]
	check "SIGINT then SIGTERM: no temporary file, no lock, every file whole" \
		folder_whole "$d"
	check "SIGINT then SIGTERM: the completed suite is kept" \
		field_is "$d/producer.json" iteration benchmarks 0 run_type
	check "SIGINT then SIGTERM: machine.json says the run never finished" \
		field_is "$d/machine.json" running status
	"$bin" report "$d" >"$tmp/rep" 2>&1
	check "report on it says so" has "$tmp/rep" "INCOMPLETE run: did not finish"
	;;
lock)
	d=$tmp/r
	RINGDRAIN_BENCH_HOLD=producer "$bin" bench --suite producer \
		--benchmark_filter="$hot" "${tiny[@]}" --out "$d" \
		>"$tmp/out" 2>"$tmp/err" &
	pid=$!
	wait_hold $pid "$tmp/err"	# the lock is taken before
	"$bin" bench --suite producer --benchmark_filter="$hot" "${tiny[@]}" \
		--out "$d" >"$tmp/out2" 2>"$tmp/err2"
	rc=$?
	check "second run: exit $rc, want 2" [ $rc -eq 2 ]
	check "second run: one line on stderr" [ "$(wc -l <"$tmp/err2")" -eq 1 ]
	check "second run: names the holder's pid and command line" \
		has "$tmp/err2" "in use by pid $pid (ringdrain bench --suite producer"
	check "second run: wrote nothing" [ ! -e "$d/producer.json" ]
	"$bin" report --update "$d" >"$tmp/out2" 2>"$tmp/err2"
	rc=$?
	check "report --update meanwhile: exit $rc, want 2" [ $rc -eq 2 ]
	check "report --update meanwhile: names the holder" \
		has "$tmp/err2" "in use by pid $pid (ringdrain bench --suite producer"
	kill -TERM $pid
	wait $pid
	rc=$?
	check "the holder, stopped before any benchmark: exit $rc, want 143" \
		[ $rc -eq 143 ]
	check "the holder: no temporary file, no lock, every file whole" \
		folder_whole "$d"
	"$bin" report "$d" >"$tmp/rep" 2>&1
	rc=$?
	check "report on a run that completed nothing: exit $rc, want 2" [ $rc -eq 2 ]
	check "and says why" has "$tmp/rep" "the run was not completed and no suite finished"

	# A lock left by a process that is gone.
	sh -c 'exit 0' &
	dead=$!
	wait $dead
	printf '%s\nringdrain bench --out %s\n' $dead "$d" >"$d/.lock"
	"$bin" bench --suite producer --benchmark_filter="$hot" "${tiny[@]}" \
		--out "$d" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "stale lock: exit $rc, want 0" [ $rc -eq 0 ]
	check "stale lock: taken over with a note" \
		has "$tmp/err" "taking over the stale lock $d/.lock of pid $dead"
	check "stale lock: the run completed" field_is "$d/machine.json" complete status
	check "stale lock: no temporary file, no lock, every file whole" \
		folder_whole "$d"
	;;
*)
	echo "unknown case '$case'"
	exit 2
	;;
esac
exit $failed
