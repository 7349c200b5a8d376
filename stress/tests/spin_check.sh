#!/usr/bin/env bash
# spin_check.sh MODEL.pml RUN...
#
# Model-checks a ring model (ring/*.pml, with its harness ring/nest.pml)
# with SPIN, exhaustively: one verifier per RUN, two at a time.  A RUN is
#
#   pass:DEFINES		the search must complete with no error;
#   violation:DEFINES	a control: the search must end on an assertion
#				violation (a broken variant is caught);
#   probe=TEXT:DEFINES	a probe: the assertion that the probed scenario
#				never happens (its text contains TEXT) must be
#				the one violated, which proves the scenario is
#				reachable, so the passes are not vacuous.
#
# DEFINES are passed to spin (e.g. "-DC=3 -DN1=1").  Each verifier is built
# with -DSAFETY (safety properties: assertions and invalid end states) and
# -DCOLLAPSE (lossless state compression); no bitstate hashing, so a pass
# is an exhaustive search of the model's state space.
set -euo pipefail

model=$1
shift
dir=$(cd "$(dirname "$model")" && pwd)
name=$(basename "$model" .pml)
work=$(mktemp -d "${TMPDIR:-/tmp}/rd_spin_${name}.XXXXXX")
trap 'rm -rf "$work"' EXIT

for tool in spin gcc; do
	command -v "$tool" >/dev/null ||
		{ echo "FAIL: $tool is not installed (Debian package: $tool)"; exit 1; }
done

# verify N KIND DEFINES: one run in $work/N; writes $work/N/verdict
verify() {
	local n=$1 kind=$2 defs=$3 d=$work/$1 out verdict
	mkdir -p "$d"
	cp "$dir/$name.pml" "$dir/nest.pml" "$d/"
	(
		cd "$d"
		# shellcheck disable=SC2086
		spin $defs -a "$name.pml" >spin.out 2>&1 &&
		gcc -O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=8192 -o pan pan.c \
			>gcc.out 2>&1 &&
		./pan -m2000000 >pan.out 2>&1
	) || true
	out=$d/pan.out
	if [ ! -s "$out" ]; then
		verdict="FAIL (no verifier: $(cat "$d/spin.out" "$d/gcc.out" 2>/dev/null | head -3))"
	elif grep -q "max search depth too small\|out of memory" "$out"; then
		verdict="FAIL (search incomplete: $(grep -m1 "too small\|out of memory" "$out"))"
	elif [ "$kind" = pass ]; then
		if grep -q "errors: 0" "$out" && ! grep -q "Search not completed" "$out"; then
			verdict="ok"
		else
			verdict="FAIL ($(grep -m1 "pan:1:" "$out" || echo "errors"))"
		fi
	elif [ "${kind%%=*}" = probe ]; then
		if grep "pan:1: assertion violated" "$out" | grep -qF "${kind#probe=}"; then
			verdict="ok, reachable: $(grep -m1 -o "assertion violated.*(at" "$out" | sed 's/ (at$//')"
		else
			verdict="FAIL (probe ${kind#probe=} not reached: $(grep -m1 "pan:1:\|errors:" "$out"))"
		fi
	else
		if grep -q "pan:1: assertion violated" "$out"; then
			verdict="ok, caught: $(grep -m1 -o "assertion violated.*(at" "$out" | sed 's/ (at$//')"
		else
			verdict="FAIL (not caught: $(grep -m1 "pan:1:\|errors:" "$out"))"
		fi
	fi
	echo "$verdict" >"$d/verdict"
	printf '%s %-9s %-40s %9s states  %s\n' "$name" "${kind%%=*}" "$defs" \
		"$(grep -m1 -o '[0-9.e+]* states, stored' "$out" | cut -d' ' -f1)" \
		"$verdict" >"$d/line"
}

n=0
pids=()
for run in "$@"; do
	kind=${run%%:*}
	defs=${run#*:}
	case "$kind" in pass|violation|probe=?*) ;; *) echo "bad run '$run'"; exit 2 ;; esac
	n=$((n + 1))
	verify "$n" "$kind" "$defs" &
	pids+=($!)
	if [ "${#pids[@]}" -ge 2 ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done
wait

failed=0
for i in $(seq 1 "$n"); do
	cat "$work/$i/line"
	case "$(cat "$work/$i/verdict")" in ok*) ;; *) failed=$((failed + 1)) ;; esac
done
if [ "$failed" -gt 0 ]; then
	echo "FAIL: $failed of $n runs"
	exit 1
fi
echo "PASS: $n runs"
