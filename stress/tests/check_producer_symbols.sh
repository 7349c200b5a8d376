#!/usr/bin/env bash
# check_producer_symbols.sh [--expect-violation] DESIGNS_DEF LIBRARY.a
#
# The producer path of every ring design must be async-signal-safe: no libc,
# no allocator, no lock, nothing a signal handler or an NMI cannot call.
# Each design is one object file of the plain ring library; this lists the
# symbols each design object references but does not define (nm -u) and
# fails on anything but the kernel globals the producers read: jiffies,
# the TLS context depth rd_ctx_depth (and _GLOBAL_OFFSET_TABLE_, through
# which the initial-exec TLS offset of rd_ctx_depth is loaded).  It checks
# the whole object, consumer and init included, which is stricter than the
# producer path alone.  DESIGNS_DEF (or '-') gives the number of designs
# that must be found.  --expect-violation inverts the verdict: the control
# (a producer that calls malloc and printf) must be caught.
set -euo pipefail

expect=clean
if [ "${1:-}" = --expect-violation ]; then
	expect=violation
	shift
fi
defs=$1 lib=$2
allowed=" jiffies rd_ctx_depth _GLOBAL_OFFSET_TABLE_ "

# Members of the archive that define a design descriptor (data, not code).
mapfile -t members < <(nm -A --defined-only "$lib" |
	awk '$2 ~ /^[DdRr]$/ && $3 ~ /^rd_design_/ {
		n = split($1, a, ":"); print a[n - 1] }' |
	sort -u)
if [ "$defs" != - ]; then
	want=$(grep -c '^RD_DESIGN(' "$defs")
	if [ "${#members[@]}" -ne "$want" ]; then
		echo "FAIL: $lib: ${#members[@]} design objects, $want designs in $defs"
		exit 1
	fi
fi
[ "${#members[@]}" -gt 0 ] || { echo "FAIL: no design object in $lib"; exit 1; }

violations=0
for m in "${members[@]}"; do
	bad=() refs=()
	while read -r sym; do
		refs+=("$sym")
		case "$allowed" in
		*" $sym "*) ;;
		*) bad+=("$sym") ;;
		esac
	done < <(nm -u "$lib" 2>/dev/null | awk -v m="$m:" '
		$0 == m { on = 1; next }
		/:$/ { on = 0 }
		on && $1 == "U" { print $2 }')
	design=$(nm --defined-only "$lib" 2>/dev/null | awk -v m="$m:" '
		$0 == m { on = 1; next } /:$/ { on = 0 }
		on && $2 ~ /^[DdRr]$/ && $3 ~ /^rd_design_/ { print $3 }')
	if [ "${#bad[@]}" -gt 0 ]; then
		echo "not async-signal-safe: $m ($design) references ${bad[*]}"
		violations=$((violations + 1))
	else
		echo "ok: $m ($design) references only: ${refs[*]:-nothing}"
	fi
done

if [ "$expect" = clean ]; then
	[ "$violations" -eq 0 ] || { echo "FAIL: $violations design objects"; exit 1; }
	echo "PASS: ${#members[@]} design objects are async-signal-safe"
else
	[ "$violations" -gt 0 ] || { echo "FAIL: the control was not caught"; exit 1; }
	echo "PASS: the control was caught"
fi
