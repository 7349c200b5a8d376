#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_export.sh BIN SRC CASE - ringdrain export as a user meets it.
#
#   errors        bad input: one line on stderr, exit 2
#   winners       the newest results/*/summary.json picks the design and the
#                 strategy, and the cover letter quotes it
#   same-source   the module's headers are the ringdrain sources after the
#                 documented transformation (export/tests/xform.awk), the
#                 series carries no userspace glue, and a change to a
#                 source shows up in the series
#   applies       RFC v1 4/6's pre-image (its hunks' lines) gets the seed
#                 patch applied by git: the post-image of every 4/6 hunk;
#                 each exported series applies to it with git apply, patch
#                 after patch, no fuzz, and changes the functions 4/6 added;
#                 export --tree checks a tree; the same inputs give the
#                 same mails.  Exit 77 (a skip) without ../shared/seed.
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

# The RFC v1 4/6 patch the series is made on; without it, a visible skip.
seed=$src/../shared/seed/rfc-v1-4-of-6.patch
if [ "$case" != errors ] && [ ! -r "$seed" ]; then
	echo "SKIP: $seed is not here (CI has shared/ beside the clone)"
	exit 77
fi

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
	expect_error "--seed $tmp/noseed: cannot read" --design perfnest --strategy none --seed "$tmp/noseed" --out "$tmp/o"
	# Without --author or a git identity export stops and says how to set one.
	HOME=$tmp/nohome GIT_CONFIG_NOSYSTEM=1 XDG_CONFIG_HOME=$tmp/nohome \
		expect_error "git config --global user.name" --design perfnest --strategy none --out "$tmp/noauthor"
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
	for want in "Subject: [RFC PATCH v2 0/" "In-Reply-To: <20260529165640.820-1-ravis.opensrc@gmail.com>" \
		    "results/2026-01-02-new"; do
		tr -s ' \n' '  ' <"$cover" | grep -qF -- "$want" && ok "cover letter has: $want" || bad "cover letter lacks: $want"
	done
	grep -q "2025-12-31-old\|perfnest-row\|MET\|MISSED" "$cover" &&
		bad "the cover letter quotes an older summary or an internal table" ||
		ok "the cover letter has no internal table and no older summary"
	# No measured number without the folder that holds it: none here.
	grep -qE '[0-9]+(\.[0-9]+)? ?(ns|us|ms|Mrec/s|x)\b' "$tmp"/o/series/*.patch &&
		bad "a measured number in the mails: $(grep -hE '[0-9]+(\.[0-9]+)? ?(ns|us|ms|Mrec/s|x)\b' "$tmp"/o/series/*.patch | head -n 1)" ||
		ok "no measured number in the mails"
	grep -qi "ran in a kernel\|checked in a kernel" "$tmp"/o/series/*.patch &&
		bad "the mails claim a kernel run without a kcheck log" || ok "no kernel-run claim without a kcheck log"
	# Figures come from the named folder's producer.json: median and range
	# of the repetitions, like for like (the design with the compact
	# records v2 ships, the v1 ring with its 48-byte ones); overlapping
	# ranges are called a tie, disjoint ones are not.
	producer() { # dir design-values rfc-values
		local it=() v
		for v in $2; do it+=("{\"name\": \"producer/nmi/design:perfnest/rec:32/x\", \"run_type\": \"iteration\", \"ns_per_produce\": $v}"); done
		for v in $3; do it+=("{\"name\": \"producer/nmi/design:rfc/rec:48/x\", \"run_type\": \"iteration\", \"ns_per_produce\": $v}"); done
		(IFS=,; echo "{\"benchmarks\": [${it[*]}]}") >"$tmp/results/$1/producer.json"
	}
	producer 2026-01-02-new "40 41 44 50 52" "43 47 48 60 61"
	"$bin" export --results "$tmp/results" --strategy none --out "$tmp/f1" >/dev/null 2>&1
	tr -s ' \n' '  ' <"$tmp/f1/series/0000-cover-letter.patch" >"$tmp/f1.txt"
	grep -qF "results/2026-01-02-new/producer.json" "$tmp/f1.txt" &&
		grep -qF "44.0 ns [40.0, 52.0] for the perfnest ring with 32-byte records, 48.0 ns [43.0, 61.0] for the v1 ring with its 48-byte records" "$tmp/f1.txt" &&
		grep -qF "a tie" "$tmp/f1.txt" &&
		ok "overlapping figures: medians and ranges from producer.json, called a tie (U test p >= 0.05)" ||
		bad "overlapping figures: $(grep -o 'Producer cost.*' "$tmp/f1.txt" | head -c 400)"
	producer 2026-01-02-new "10 11 12 13 14" "40 41 42 43 44"
	"$bin" export --results "$tmp/results" --strategy none --out "$tmp/f2" >/dev/null 2>&1
	tr -s ' \n' '  ' <"$tmp/f2/series/0000-cover-letter.patch" >"$tmp/f2.txt"
	grep -qF "12.0 ns [10.0, 14.0]" "$tmp/f2.txt" && grep -qF "42.0 ns [40.0, 44.0]" "$tmp/f2.txt" &&
		! grep -qF "a tie" "$tmp/f2.txt" && grep -qF "faster at p < 0.05" "$tmp/f2.txt" &&
		ok "disjoint figures are not called a tie (U test p < 0.05)" || bad "disjoint figures: $(grep -o 'Producer cost.*' "$tmp/f2.txt" | head -c 400)"
	rm "$tmp/results/2026-01-02-new/producer.json"
	# The drain patch's tick figures: like for like (both rebuilt every
	# tick), from tick.json; absent, the message says it quotes none.
	mkdir -p "$tmp/r2/2026-03-03-t"
	sed 's/"flat"/"radix"/' "$tmp/results/2026-01-02-new/summary.json" >"$tmp/r2/2026-03-03-t/summary.json"
	"$bin" export --results "$tmp/r2" --out "$tmp/t0" >/dev/null 2>&1
	tr -s ' \n' '  ' <"$tmp"/t0/series/0002-*.patch | grep -qF "has no whole-tick figure for the radix lookup rebuilt every tick" &&
		ok "no tick.json: the drain patch says it quotes no cost" || bad "no tick.json: the drain patch does not say so"
	c=cpus:256/rate:5000/regions:10000/targets:8
	it=()
	for v in 100 105 110 115 120; do it+=("{\"name\": \"tick/strategy:radix/$c/snapshot:tick/alloc:reuse/zero:eager/x\", \"run_type\": \"iteration\", \"tick_us\": $v}"); done
	for v in 100 110 120; do it+=("{\"name\": \"tick/strategy:radix/$c/snapshot:default/alloc:reuse/zero:eager/x\", \"run_type\": \"iteration\", \"tick_us\": 1}"); done
	for v in 500 550 600 650 700; do it+=("{\"name\": \"tick/strategy:rfc/$c/snapshot:default/alloc:reuse/zero:eager/x\", \"run_type\": \"iteration\", \"tick_us\": $v}"); done
	(IFS=,; echo "{\"benchmarks\": [${it[*]}]}") >"$tmp/r2/2026-03-03-t/tick.json"
	"$bin" export --results "$tmp/r2" --out "$tmp/t1" >/dev/null 2>&1
	tr -s ' \n' '  ' <"$tmp"/t1/series/0002-*.patch >"$tmp/t1.txt"
	grep -qF "110.0 us [100.0, 120.0] with the radix index, 600.0 us [500.0, 700.0] for v1; a difference at p < 0.05" "$tmp/t1.txt" &&
		! grep -qF "a tie" "$tmp/t1.txt" &&
		ok "tick figures: the per-tick rebuild against v1, not the on-change figure" ||
		bad "tick figures: $(grep -o 'Cost.*' "$tmp/t1.txt" | head -c 300)"
	# From: and Signed-off-by: are --author, else git's author identity.
	who="Ada Example <ada@example.org>"
	GIT_AUTHOR_NAME="Ada Example" GIT_AUTHOR_EMAIL=ada@example.org \
		"$bin" export --design seqslot --strategy none --out "$tmp/a1" >/dev/null 2>&1
	"$bin" export --design seqslot --strategy none --author "$who" --out "$tmp/a2" >/dev/null 2>&1
	for o in a1 a2; do
		p=$(ls "$tmp/$o"/series/0001-*.patch)
		grep -qx "From: $who" "$p" && grep -qx "Signed-off-by: $who" "$p" &&
			ok "$o: From: and Signed-off-by: are $who" || bad "$o: author is not $who"
	done
	;;
same-source)
	map="ring/report.h=report_slot.h ring/stats.h=report_ring_stats.h ring/cached.h=report_ring_spsc.h"
	for d in $(nmi_safe); do
		id=${d//-/_}
		out=$tmp/$d
		"$bin" export --design "$d" --strategy none --out "$out" >/dev/null 2>"$tmp/err" ||
			{ bad "export --design $d: $(cat "$tmp/err")"; continue; }
		# The module's copy of the kernel text: the sources, transformed.
		for f in "$out"/module/tree/mm/damon/*; do
			dst=mm/damon/${f##*/}
			case $dst in
			mm/damon/report_ring.h) s=ring/$id.c ;;
			mm/damon/report_slot.h) s=ring/report.h ;;
			mm/damon/report_ring_stats.h) s=ring/stats.h ;;
			mm/damon/report_ring_spsc.h) s=ring/cached.h ;;
			*) bad "$d: unexpected file $dst in the module"; continue ;;
			esac
			if awk -v src="$s" -v dst="$dst" -v map="$map" -f "$src/export/tests/xform.awk" \
				"$src/$s" >"$tmp/want" && cmp -s "$tmp/want" "$f"; then
				ok "$d: module $dst is $s after the transformation"
			else
				bad "$d: module $dst differs from $s after the transformation"
				diff -u "$tmp/want" "$f" | head -n 20
			fi
		done
		awk -v src=ring/rfc.c -v dst=rfc_ring.h -v map="$map" -f "$src/export/tests/xform.awk" \
			"$src/ring/rfc.c" >"$tmp/want"
		cmp -s "$tmp/want" "$out/module/rfc_ring.h" &&
			ok "$d: module/rfc_ring.h is ring/rfc.c after the transformation" ||
			bad "$d: module/rfc_ring.h differs from ring/rfc.c after the transformation"
		# The series: the design's kernel branch, no userspace glue.
		grep -q '^+.*\(rd_nest_point\|__KERNEL__\|kcompat\|glue.h\|RD_GLUE\)' "$out"/series/000[1-9]-*.patch &&
			bad "$d: userspace glue or nesting hooks left in the series" ||
			ok "$d: no userspace glue or nesting hook in the series"
		grep -q "^+static bool damon_${id}_produce(" "$out"/series/0001-*.patch &&
			ok "$d: patch 1 adds damon_${id}_produce() from ring/$id.c" ||
			bad "$d: patch 1 lacks damon_${id}_produce()"
		for t in Kbuild Makefile ringdrain_kcheck.c kcheck_drain_main.c kcheck_drain.h kcheck_nmi.h \
			kcheck_base.c kcheck_core.h kcheck_core_drain.h damon-6.12.patch; do
			cmp -s "$src/export/kmod/$t" "$out/module/$t" ||
				bad "$d: module/$t is not export/kmod/$t"
		done
	done
	# The drain module's <linux/damon.h> patch adds ring/report.h's struct.
	awk '/^struct damon_access_report \{$/,/^};$/' "$src/ring/report.h" >"$tmp/struct-src"
	sed -n 's/^+//p' "$src/export/kmod/damon-6.12.patch" |
		awk '/^struct damon_access_report \{$/,/^};$/' >"$tmp/struct-patch"
	[ -s "$tmp/struct-src" ] && cmp -s "$tmp/struct-src" "$tmp/struct-patch" &&
		ok "damon-6.12.patch adds ring/report.h's struct damon_access_report" ||
		bad "damon-6.12.patch's struct damon_access_report is not ring/report.h's: $(diff "$tmp/struct-src" "$tmp/struct-patch" | head -n 4)"
	# The drain module's core.c text is cut out of core.c, line for line:
	# every line of damon_core.c from the ring to the drain's end that is
	# not the module's (the consume hook) is a line of the series' core.c.
	out=$tmp/seqslot
	if [ -f "$out/module/damon_core.c" ] && [ -f "$out/module/damon_core_rfc.c" ]; then
		core=$out/git/mm/damon/core.c
		awk '/^#define damon_report_access kcheck_v2_report$/ { on = 1; next }
			/^\/\* ---- the test module.s entry points/ { on = 0 }
			/^ \* The test module.s, not core.c.s:/ { hook = 1 }
			hook && /^#include "kcheck_core_drain.h"$/ { hook = 0; next }
			on && !hook && !/^\/\*\*$/ && !/^$/' "$out/module/damon_core.c" >"$tmp/cut"
		missing=$(grep -vxFf "$core" "$tmp/cut" | head -n 3)
		[ -s "$tmp/cut" ] && [ -z "$missing" ] && grep -q '^void damon_report_access(' "$tmp/cut" &&
			grep -q '^static unsigned int kdamond_check_reported_accesses(' "$tmp/cut" &&
			ok "module/damon_core.c: the ring and the drain are lines of the series' core.c ($(wc -l <"$tmp/cut") lines)" ||
			bad "module/damon_core.c has lines not in the series' core.c: $missing"
		grep -q '^	if (local_inc_return(this_cpu_ptr(&damon_report_ring_busy)) != 1) {$' "$out/module/damon_core_rfc.c" &&
			grep -q '^static struct damon_target_lookup \*damon_build_target_lookup($' "$out/module/damon_core_rfc.c" &&
			ok "module/damon_core_rfc.c holds 4/6's ring and drain" || bad "module/damon_core_rfc.c lacks 4/6's ring or drain"
	else
		bad "export wrote no module/damon_core.c or damon_core_rfc.c"
	fi
	# A change to the source is in the next export: the series is not a copy.
	mkdir -p "$tmp/tree/export" "$tmp/tree/drain"
	cp -r "$src/ring" "$tmp/tree/ring"
	cp -r "$src/export/kmod" "$src/export/kernel" "$src/export/series.sh" "$src/export/postimage.sh" "$tmp/tree/export/"
	cp "$src/drain/lookup.h" "$src/drain/lookup_radix.c" "$tmp/tree/drain/"
	sed -i 's|^\t\tnow = READ_ONCE(jiffies);$|&\n\t\t/* ringdrain-export-test-marker */|' "$tmp/tree/ring/seqslot.c"
	sed -i 's|^static int damon_radix_build(|/* ringdrain-export-lookup-marker */\n&|' "$tmp/tree/drain/lookup_radix.c"
	grep -q ringdrain-export-test-marker "$tmp/tree/ring/seqslot.c" || bad "could not plant the marker"
	grep -q ringdrain-export-lookup-marker "$tmp/tree/drain/lookup_radix.c" || bad "could not plant the lookup marker"
	"$bin" export --source "$tmp/tree" --seed "$seed" --design seqslot --strategy radix --out "$tmp/marked" >/dev/null 2>&1
	grep -q '^+		/\* ringdrain-export-test-marker \*/$' "$tmp"/marked/series/0001-*.patch &&
		ok "a line added to ring/seqslot.c is in the next series" ||
		bad "a line added to ring/seqslot.c is not in the series"
	grep -q '^+/\* ringdrain-export-lookup-marker \*/$' "$tmp"/marked/series/0002-*.patch &&
		ok "a line added to drain/lookup_radix.c is in the next series" ||
		bad "a line added to drain/lookup_radix.c is not in the series"
	;;
applies)
	command -v git >/dev/null || { echo "no git"; exit 1; }
	# The pre-image of every hunk of 4/6, the lines in between as fillers
	# (written here, independently of export/postimage.sh); git applies
	# the seed patch itself to it, so the base is 4/6's own post-image.
	base=$tmp/base
	mkdir -p "$base"
	awk -v dir="$base" '
	function flush(   i, f, d) {
		if (file == "") return
		f = dir "/" file; d = f; sub(/\/[^\/]*$/, "", d)
		system("mkdir -p \"" d "\"")
		printf "" > f
		for (i = 1; i <= last; i++)
			print ((i in l) ? l[i] : "/* test: line " i " is not in 4/6 */") > f
		close(f); delete l; last = 0
	}
	/^diff --git / { flush(); file = $4; sub(/^b\//, "", file); h = 0; next }
	/^@@ / { split($2, m, ","); pos = -m[1]; old = (m[2] == "" ? 1 : m[2]); split($3, p, ","); new = (p[2] == "" ? 1 : p[2]); h = 1; next }
	h && (old > 0 || new > 0) {
		c = substr($0, 1, 1)
		if (c == " " || $0 == "") { l[pos++] = substr($0, 2); old--; new-- }
		else if (c == "-") { l[pos++] = substr($0, 2); old-- }
		else if (c == "+") new--
		if (pos - 1 > last) last = pos - 1
		next
	}
	END { flush() }' "$seed"
	git -C "$base" init -q
	if git -C "$base" apply "$seed" 2>"$tmp/err"; then
		ok "4/6 applies with git apply to its hunks' pre-image: $(grep -c . "$base/mm/damon/core.c") lines of core.c"
	else
		bad "the seed does not apply to its own pre-image: $(cat "$tmp/err")"
		exit 1
	fi
	git -C "$base" add -A
	git -C "$base" -c user.name=t -c user.email=t@localhost commit -q -m "4/6 post-image"
	for d in $(nmi_safe); do
		for st in radix none; do
			out=$tmp/$d-$st
			if ! SOURCE_DATE_EPOCH=1767225600 "$bin" export --design "$d" --strategy "$st" --out "$out" >"$tmp/out" 2>&1; then
				bad "$d/$st: export: $(tail -n 3 "$tmp/out")"
				continue
			fi
			n=$(ls "$out"/series/000[1-9]-*.patch | wc -l)
			want=2; [ $st = none ] && want=1
			[ "$n" = $want ] && ok "$d/$st: $n patches" || bad "$d/$st: $n patches, want $want"
			grep -q '^Subject: \[RFC PATCH v2 0/'"$n"'\]' "$out/series/0000-cover-letter.patch" &&
				grep -q '^In-Reply-To: <20260529165640.820-1-ravis.opensrc@gmail.com>$' "$out/series/0000-cover-letter.patch" &&
				ok "$d/$st: [RFC PATCH v2 0/$n], a reply to the v1 cover" ||
				bad "$d/$st: cover letter subject or In-Reply-To"
			# git apply, patch after patch, on a copy of the post-image.
			rm -rf "$tmp/t" && cp -r "$base" "$tmp/t"
			good=1
			for p in "$out"/series/000[1-9]-*.patch; do
				git -C "$tmp/t" apply "$p" 2>"$tmp/err" || { bad "$d/$st: ${p##*/} does not apply: $(cat "$tmp/err")"; good=0; break; }
				# Each patch leaves core.c whole: nothing still names what it removed.
				left=$(grep -oE 'damon_ring_pending|damon_report_ring_busy|DAMON_REPORT_RING_MASK|ring->entries|DAMON_REPORT_RING_SIZE' \
					"$tmp/t/mm/damon/core.c" | sort -u | tr '\n' ' ')
				[ -z "$left" ] && ok "$d/$st: after ${p##*/} nothing names the RFC's ring" ||
					bad "$d/$st: after ${p##*/} core.c still uses the RFC's ring: $left"
			done
			[ $good = 1 ] && ok "$d/$st: the series applies to the 4/6 post-image with git apply (no fuzz)"
			# As mails: git am on a clone of the post-image, one commit each.
			rm -rf "$tmp/am" && git clone -q "$base" "$tmp/am"
			if git -C "$tmp/am" -c user.name=t -c user.email=t@localhost am -q \
				"$out"/series/000[1-9]-*.patch >"$tmp/err" 2>&1; then
				ok "$d/$st: git am takes the mails: $(git -C "$tmp/am" log --format=%s HEAD~"$n"..HEAD | tr '\n' ';')"
			else
				bad "$d/$st: git am: $(head -n 3 "$tmp/err")"
			fi
			# The functions and definitions 4/6 added are what changed.
			c=$tmp/t/mm/damon/core.c
			grep -q '^static DEFINE_PER_CPU(local_t, damon_report_ring_busy);' "$c" &&
				bad "$d/$st: the RFC's busy counter is still there" || ok "$d/$st: the RFC's busy counter is gone"
			grep -q "if (!damon_${d//-/_}_produce(&r->ring, report))" "$c" &&
				ok "$d/$st: damon_report_access() produces into the $d ring" ||
				bad "$d/$st: damon_report_access() does not use the $d ring"
			if [ $st = radix ]; then
				grep -q '^		damon_radix_lookup(&l->index\|^	damon_radix_lookup(&l->index' "$c" &&
					grep -q '^	for_each_possible_cpu(cpu) {$' "$c" &&
					! grep -q 'int left, right, mid;' "$c" &&
					ok "$d/$st: the drain looks up in the radix index on every possible CPU; the RFC's bsearch is gone" ||
					bad "$d/$st: the drain was not replaced"
			fi
			git -C "$tmp/t" apply --check -R "$out/series.diff" 2>/dev/null &&
				ok "$d/$st: series.diff is the whole series" || bad "$d/$st: series.diff is not the whole series"
			# export --tree: applies to the post-image, not to the pre-image.
			"$bin" export --design "$d" --strategy "$st" --tree "$base" --out "$out.tree" >"$tmp/out" 2>&1 &&
				ok "$d/$st: export --tree on the 4/6 post-image: $(tail -n 1 "$tmp/out")" ||
				bad "$d/$st: export --tree on the post-image: $(tail -n 2 "$tmp/out")"
			mkdir -p "$tmp/empty-tree" && git -C "$tmp/empty-tree" init -q
			"$bin" export --design "$d" --strategy "$st" --tree "$tmp/empty-tree" --out "$out.tree2" >"$tmp/out" 2>&1 &&
				bad "$d/$st: export --tree passed on a tree without 4/6" ||
				ok "$d/$st: export --tree on a tree without 4/6 fails: $(grep -m 1 -- '--tree' "$tmp/out")"
			# The same inputs give the same mails (git's Message-Id aside).
			SOURCE_DATE_EPOCH=1767225600 "$bin" export --design "$d" --strategy "$st" --out "$out.again" >/dev/null 2>&1
			diff -r -I '^Message-Id:' -I '^In-Reply-To: <cover' -I '^References: ' -I '^	<cover' \
				"$out/series" "$out.again/series" >/dev/null &&
				ok "$d/$st: the same inputs give the same mails" || bad "$d/$st: two exports differ"
			for p in "$out"/series/000[1-9]-*.patch; do
				grep -q '^Signed-off-by: ' "$p" || bad "$p: no Signed-off-by"
				awk '/^$/ && !body {body = 1; next} body && !p && length > 75 && !/^[A-Z][A-Za-z-]*-by:/ {print; bad = 1} /^---$/ {p = 1} END {exit bad}' "$p" >/dev/null ||
					bad "$p: commit message line over 75 columns"
			done
		done
	done
	;;
*)
	echo "test_export.sh: unknown case '$case'" >&2
	exit 2
	;;
esac
exit $failed
