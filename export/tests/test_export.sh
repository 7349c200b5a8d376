#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_export.sh BIN SRC CASE - ringdrain export as a user meets it.
#
#   errors        bad input: one line on stderr, exit 2
#   winners       the newest results/*/summary.json picks the design and the
#                 strategy, and the cover letter quotes it
#   same-source   every exported file is the ringdrain source after the
#                 documented transformation (export/tests/xform.awk, written
#                 independently of export/xform.c), and a change to a source
#                 shows up in the series
#   applies       each series applies with git am to an empty tree, and the
#                 same inputs give the same bytes
set -uo pipefail

bin=$1 src=$2 case=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

ok() { printf 'ok   %s\n' "$*"; }
bad() { printf 'FAIL %s\n' "$*"; failed=1; }

# expect_error NEEDLE ARGS...: exit 2, exactly one line on stderr naming NEEDLE
expect_error() {
	local needle=$1 rc
	shift
	"$bin" export "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ]; then
		bad "export $*: exit $rc, want 2"
	elif [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		bad "export $*: $(wc -l <"$tmp/err") lines on stderr: $(cat "$tmp/err")"
	elif ! grep -qF -- "$needle" "$tmp/err"; then
		bad "export $*: '$(cat "$tmp/err")' lacks '$needle'"
	else
		ok "export $*: $(cat "$tmp/err")"
	fi
}

# summary DIR DESIGN STRATEGY: a results/<DIR>/summary.json as the bench writes it
summary() {
	mkdir -p "$tmp/results/$1"
	cat >"$tmp/results/$1/summary.json" <<EOF
{"winners": {"design": "$2", "design_why": "why-design-$1",
             "strategy": "$3", "strategy_why": "why-strategy-$1"},
 "report": "design    ns/report\\n$2-row-$1  1.0\\n",
 "commands": ["./ringdrain bench --suite nmi-$1", "./ringdrain bench --suite tick-$1"]}
EOF
}

nmi_safe() { "$bin" export --list | awk '$1 == "design" {print $2}'; }

# The exported files of a series: one file per new file, under $2.
unpack_series() { # series-dir out-dir
	awk -v out="$2" '
		/^diff --git a\// { f = $3; sub(/^a\//, "", f); gsub(/\//, "__", f); next }
		/^@@ -0,0 \+1(,[0-9]+)? @@$/ { n = $3; sub(/^\+1,?/, "", n); if (n == "") n = 1; left = n + 0; next }
		left > 0 { sub(/^\+/, ""); print > (out "/" f); left--; next }
	' "$1"/000[1-9]-*.patch
}

case $case in
errors)
	expect_error "unknown design 'nosuch'" --design nosuch --strategy none --out "$tmp/o"
	expect_error "design 'rfc' is not NMI-safe" --design rfc --strategy none --out "$tmp/o"
	expect_error "design 'lamport' is not NMI-safe" --design lamport --strategy none --out "$tmp/o"
	expect_error "unknown strategy 'nosuch'" --design perfnest --strategy nosuch --out "$tmp/o"
	expect_error "--out DIR is required" --design perfnest --strategy none
	: >"$tmp/file"
	expect_error "--out $tmp/file/sub: cannot create" --design perfnest --strategy none --out "$tmp/file/sub"
	mkdir -p "$tmp/ro" && chmod 0555 "$tmp/ro"
	if [ "$(id -u)" -ne 0 ]; then
		expect_error "cannot" --design perfnest --strategy none --out "$tmp/ro/x"
	fi
	chmod 0755 "$tmp/ro"
	expect_error "/proc/ringdrain-export" --design perfnest --strategy none --out /proc/ringdrain-export
	mkdir -p "$tmp/empty"
	expect_error "no $tmp/empty/*/summary.json" --results "$tmp/empty" --out "$tmp/o"
	expect_error "--results $tmp/none" --results "$tmp/none" --out "$tmp/o"
	mkdir -p "$tmp/broken/2026-01-01-x"
	echo '{"winners": ' >"$tmp/broken/2026-01-01-x/summary.json"
	expect_error "not valid JSON" --results "$tmp/broken" --out "$tmp/o"
	echo '{"winners": {"design": "perfnest"}}' >"$tmp/broken/2026-01-01-x/summary.json"
	expect_error "winners.design_why: missing" --results "$tmp/broken" --out "$tmp/o"
	summary 2026-02-02-y rfc none
	expect_error "design 'rfc' is not NMI-safe" --results "$tmp/results" --out "$tmp/o"
	expect_error "--author 'nobody'" --design perfnest --strategy none --author nobody --out "$tmp/o"
	expect_error "unexpected argument 'extra'" --design perfnest --strategy none --out "$tmp/o" extra
	;;
winners)
	summary 2025-12-31-old seqslot none
	summary 2026-01-02-new perfnest flat
	mkdir -p "$tmp/results/2026-09-09-no-summary"
	"$bin" export --results "$tmp/results" --out "$tmp/o" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ] && ok "export from results: exit 0" || bad "export from results: exit $rc: $(cat "$tmp/err")"
	grep -qx "design=perfnest strategy=flat from=$tmp/results/2026-01-02-new/summary.json" "$tmp/out" &&
		ok "the newest summary.json picks perfnest and flat" ||
		bad "winners: $(head -n 1 "$tmp/out")"
	grep -q "strategy 'flat' has no kernel-dialect source yet" "$tmp/err" &&
		ok "a strategy without kernel source is said on stderr" || bad "no word about flat's missing source"
	cover=$tmp/o/series/0000-cover-letter.patch
	for want in "why-design-2026-01-02-new" "why-strategy-2026-01-02-new" \
		    "perfnest-row-2026-01-02-new  1.0" "./ringdrain bench --suite nmi-2026-01-02-new" \
		    "./ringdrain bench --suite tick-2026-01-02-new" "Not in this series: the 'flat'" \
		    "Subject: [RFC PATCH 0/2] mm/damon: NMI-safe per-CPU report ring (perfnest)"; do
		grep -qF -- "$want" "$cover" && ok "cover letter has: $want" || bad "cover letter lacks: $want"
	done
	grep -q "why-design-2025" "$cover" && bad "the cover letter quotes the older summary"
	# A design given on the command line beats the results, and says so.
	"$bin" export --results "$tmp/results" --design seqslot --out "$tmp/o2" >"$tmp/out" 2>&1 ||
		bad "export --design seqslot with results: $(cat "$tmp/out")"
	tr -s ' \n' '  ' <"$tmp/o2/series/0000-cover-letter.patch" |
		grep -qF "ring 'seqslot': chosen on the command line (the results' winner is 'perfnest'" &&
		ok "--design over the results is explained in the cover letter" ||
		bad "the cover letter does not explain --design over the results"
	# From: and Signed-off-by: are --author, else git's author identity,
	# else a placeholder that stderr points out.
	who="Ada Example <ada@example.org>"
	GIT_AUTHOR_NAME="Ada Example" GIT_AUTHOR_EMAIL=ada@example.org \
		"$bin" export --design seqslot --strategy none --out "$tmp/a1" >/dev/null 2>&1
	"$bin" export --design seqslot --strategy none --author "$who" --out "$tmp/a2" >/dev/null 2>&1
	for o in a1 a2; do
		p=$(ls "$tmp/$o"/series/0001-*.patch)
		grep -qx "From: $who" "$p" && grep -qx "Signed-off-by: $who" "$p" &&
			ok "$o: From: and Signed-off-by: are $who" || bad "$o: author is not $who"
	done
	HOME=$tmp/nohome GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME=$tmp/nohome \
		"$bin" export --design seqslot --strategy none --out "$tmp/a3" >/dev/null 2>"$tmp/err"
	grep -q "no usable git identity" "$tmp/err" &&
		grep -qx "From: Your Name <your.name@example.org>" "$tmp"/a3/series/0001-*.patch &&
		ok "without a git identity the placeholder is used and said" ||
		bad "no git identity: $(cat "$tmp/err")"
	;;
same-source)
	map="ring/report.h=report_slot.h ring/stats.h=report_ring_stats.h ring/cached.h=report_ring_spsc.h"
	for d in $(nmi_safe); do
		id=${d//-/_}
		out=$tmp/$d
		"$bin" export --design "$d" --strategy none --out "$out" >/dev/null 2>"$tmp/err" ||
			{ bad "export --design $d: $(cat "$tmp/err")"; continue; }
		mkdir -p "$out/files"
		unpack_series "$out/series" "$out/files"
		for f in "$out"/files/*; do
			dst=${f##*/}
			dst=${dst//__//}
			case $dst in
			mm/damon/report_ring.h) s=ring/$id.c ;;
			mm/damon/report_slot.h) s=ring/report.h ;;
			mm/damon/report_ring_stats.h) s=ring/stats.h ;;
			mm/damon/report_ring_spsc.h) s=ring/cached.h ;;
			*) bad "$d: unexpected file $dst in the series"; continue ;;
			esac
			if awk -v src="$s" -v dst="$dst" -v map="$map" -f "$src/export/tests/xform.awk" \
				"$src/$s" >"$tmp/want" && cmp -s "$tmp/want" "$f"; then
				ok "$d: $dst is $s after the transformation"
			else
				bad "$d: $dst differs from $s after the transformation"
				diff -u "$tmp/want" "$f" | head -n 20
			fi
		done
		awk -v src=ring/rfc.c -v dst=rfc_ring.h -v map="$map" -f "$src/export/tests/xform.awk" \
			"$src/ring/rfc.c" >"$tmp/want"
		cmp -s "$tmp/want" "$out/module/rfc_ring.h" &&
			ok "$d: module/rfc_ring.h is ring/rfc.c after the transformation" ||
			bad "$d: module/rfc_ring.h differs from ring/rfc.c after the transformation"
		grep -q 'rd_nest_point\|__KERNEL__\|kcompat\|glue.h\|RD_GLUE' "$out"/files/* &&
			bad "$d: userspace glue or nesting hooks left in the series"
		for t in Kbuild Makefile ringdrain_kcheck.c; do
			cmp -s "$src/export/kmod/$t" "$out/module/$t" ||
				bad "$d: module/$t is not export/kmod/$t"
		done
	done
	# The lookup patch: drain/lookup_radix.c and drain/lookup.h after the
	# same transformation.
	lmap="$map drain/lookup.h=report_lookup_common.h"
	out=$tmp/lookup
	if "$bin" export --design seqslot --strategy radix --out "$out" >/dev/null 2>"$tmp/err"; then
		mkdir -p "$out/files"
		unpack_series "$out/series" "$out/files"
		for pair in mm/damon/report_lookup.h=drain/lookup_radix.c \
			    mm/damon/report_lookup_common.h=drain/lookup.h; do
			dst=${pair%%=*} s=${pair#*=}
			f=$out/files/${dst//\//__}
			if [ -f "$f" ] && awk -v src="$s" -v dst="$dst" -v map="$lmap" \
				-f "$src/export/tests/xform.awk" "$src/$s" >"$tmp/want" &&
				cmp -s "$tmp/want" "$f"; then
				ok "radix: $dst is $s after the transformation"
			else
				bad "radix: $dst differs from $s after the transformation"
				[ -f "$f" ] && diff -u "$tmp/want" "$f" | head -n 20
			fi
		done
		grep -q '__KERNEL__\|DRAIN_GLUE\|drain_radix_override\|jemalloc' "$out"/files/* &&
			bad "radix: userspace glue left in the lookup patch"
		grep -q '^#define KCHECK_LOOKUP_FN(op)	damon_radix_##op$' "$out/module/kcheck_design.h" &&
			ok "radix: the module's kcheck_design.h names the lookup" ||
			bad "radix: kcheck_design.h does not name the lookup"
	else
		bad "export --strategy radix: $(cat "$tmp/err")"
	fi
	# A change to the source is in the next export: the series is not a copy.
	mkdir -p "$tmp/tree/export"
	cp -r "$src/ring" "$tmp/tree/ring"
	cp -r "$src/export/kmod" "$tmp/tree/export/kmod"
	sed -i 's|^\tunsigned long now = READ_ONCE(jiffies);$|&\n\t/* ringdrain-export-test-marker */|' "$tmp/tree/ring/seqslot.c"
	grep -q ringdrain-export-test-marker "$tmp/tree/ring/seqslot.c" || bad "could not plant the marker"
	"$bin" export --source "$tmp/tree" --design seqslot --strategy none --out "$tmp/marked" >/dev/null 2>&1
	grep -q '^+	/\* ringdrain-export-test-marker \*/$' "$tmp"/marked/series/0002-*.patch &&
		ok "a line added to ring/seqslot.c is in the next series" ||
		bad "a line added to ring/seqslot.c is not in the series"
	;;
applies)
	command -v git >/dev/null || { echo "no git"; exit 1; }
	for d in $(nmi_safe); do
		out=$tmp/$d
		SOURCE_DATE_EPOCH=1767225600 "$bin" export --design "$d" --strategy none --out "$out" >/dev/null 2>&1
		SOURCE_DATE_EPOCH=1767225600 "$bin" export --design "$d" --strategy none --out "$out.again" >/dev/null 2>&1
		diff -r "$out" "$out.again" >/dev/null &&
			ok "$d: the same inputs give the same bytes" || bad "$d: two exports differ"
		mkdir -p "$out/tree"
		git -C "$out/tree" init -q
		if git -C "$out/tree" -c user.name=t -c user.email=t@localhost am -q \
			"$out"/series/000[1-9]-*.patch >"$tmp/am" 2>&1; then
			ok "$d: the series applies with git am ($(git -C "$out/tree" log --oneline | wc -l) commits)"
		else
			bad "$d: git am: $(cat "$tmp/am")"
			continue
		fi
		# git's blob ids match the index lines the series carries.
		for f in $(cd "$out/tree" && ls mm/damon/*); do
			id=$(git -C "$out/tree" hash-object "$f" | cut -c1-12)
			grep -q "^index 000000000000\.\.$id$" "$out"/series/000[1-9]-*.patch ||
				bad "$d: $f: index line does not carry blob $id"
		done
		# kcheck reads the per-file mails; each must name its files in the stat.
		# Tags (Signed-off-by: ...) may run long, as checkpatch allows.
		for p in "$out"/series/000[1-9]-*.patch; do
			grep -q '^Signed-off-by: ' "$p" || bad "$p: no Signed-off-by"
			awk 'length > 75 && !/^\+/ && !/^(diff|index|---|\+\+\+|From|Subject|[A-Z][A-Za-z-]*-by:)/ && p == 0 {print; bad = 1} /^---$/ {p = 1} END {exit bad}' "$p" >/dev/null ||
				bad "$p: commit message line over 75 columns"
		done
	done
	;;
*)
	echo "test_export.sh: unknown case '$case'" >&2
	exit 2
	;;
esac
exit $failed
