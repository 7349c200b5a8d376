#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series.sh - the v2 series of ringdrain export, made by git (run by
# export/cmd_export.c, which checks the arguments and writes the messages).
#
#   1. the post-image of every hunk of RFC v1 4/6 (postimage.sh) is the
#      base commit of a scratch repository;
#   2. the ring patch: the ring design's kernel text (the design file and
#      the local headers it includes, cut with unifdef -D__KERNEL__) and
#      the per-CPU glue of export/kernel/ring.c replace the RFC's ring
#      definitions, export/kernel/report_access.c its damon_report_access();
#   3. the drain patch: the lookup's kernel text (same cut) and
#      export/kernel/lookup.c replace struct damon_target_lookup,
#      export/kernel/apply.c kdamond_apply_access_report(), and
#      export/kernel/check.c damon_build_target_lookup() and
#      kdamond_check_reported_accesses();
#   4. git format-patch --cover-letter --thread, then a check that no
#      context line falls outside the 4/6 hunks (a filler line).
#
# Environment: RD_ROOT, RD_OUT, RD_SEED (the 4/6 patch), RD_DESIGN,
# RD_DESIGN_SRC, RD_STRATEGY, RD_STRATEGY_SRC (empty: no drain patch),
# RD_SLOTS, RD_RECORD_NAME, RD_BYTES, RD_AUTHOR_NAME, RD_AUTHOR_EMAIL,
# RD_DATE (git date), RD_MSGS (a folder: cover, 1, 2; subject first line),
# RD_STRATEGY_DST (the lookup's module header), RD_MODULE_MAP (each local
# file's module header name, "src=name ...", from export/files.def).
# Exit 1 with one line on stderr on failure.
set -euo pipefail
die() { echo "export: $*" >&2; exit 1; }
root=$RD_ROOT
work=$RD_OUT/git
series=$RD_OUT/series
kern=$root/export/kernel
command -v unifdef >/dev/null || die "unifdef is not installed (apt-get install unifdef)"
rm -rf "$work" "$series"
mkdir -p "$work" "$series"

# The kernel text of a source: unifdef keeps the __KERNEL__ branches and
# the compact record format's (DAMON_REPORT_RING_COMPACT: one format per
# build, ring/report.h); then
# the local includes, the include guard, the SPDX line, the file's heading
# comment and the nesting-test hooks go; runs of blank lines become one.
cut_kernel() {
	unifdef -x2 -D__KERNEL__ -DDAMON_REPORT_RING_COMPACT "$1" | awk '
	NR == 1 && /SPDX-License-Identifier/ { next }
	!head_done && /^\/\*$/ { in_head = 1; next }
	in_head { if (/\*\/$/) { in_head = 0; head_done = 1 }; next }
	{ head_done = 1 }
	/^#include "/ { next }
	/^#include </ { next }
	/^#(ifndef|define) RINGDRAIN_[A-Z_]*_H$/ { next }
	/^#endif \/\* RINGDRAIN_[A-Z_]*_H \*\/$/ { next }
	/^[ \t]*rd_nest_point\(\);/ { next }
	/^$/ { if (blank || !printed) next; blank = 1; print; next }
	{ blank = 0; printed = 1; print }
	' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
# The system includes a source needs in the kernel.
kernel_includes() { unifdef -x2 -D__KERNEL__ -DDAMON_REPORT_RING_COMPACT "$1" | grep '^#include <' || true; }
# A source and, first, the local files it includes in the kernel, each once.
closure() {
	local f=$1 inc
	for inc in $(unifdef -x2 -D__KERNEL__ "$f" | sed -n 's/^#include "\(.*\)"$/\1/p'); do
		closure "$(dirname "$f")/$inc"
	done
	case " ${seen[*]} " in *" $f "*) ;; *) seen+=("$f") ;; esac
}
subst() {
	sed -e "s/@D@/$RD_DESIGN_ID/g" -e "s/@DESIGN@/$RD_DESIGN/g" \
	    -e "s/@S@/$RD_STRATEGY/g" -e "s/@SLOTS@/$RD_SLOTS/g" \
	    -e "s/@RECORD_NAME@/$RD_RECORD_NAME/g" -e "s/@BYTES@/$RD_BYTES/g" "$1"
}
# replace FILE START-REGEX END-REGEX TEXT-FILE: lines from the first match
# of START to the next match of END become TEXT-FILE's lines.
replace() {
	awk -v s="$2" -v e="$3" -v t="$4" '
	!done && !inr && $0 ~ s { inr = 1 }
	inr { if ($0 ~ e) { while ((getline l < t) > 0) print l; inr = 0; done = 1 }; next }
	{ print }
	END { if (!done) exit 3 }' "$1" >"$1.new" || die "mm/damon/core.c: no '$2' ... '$3' to replace"
	mv "$1.new" "$1"
}

# module_header SRC DST MAP: the module's copy of SRC as header DST (the
# rules of export/README.md): unifdef -D__KERNEL__, then the hooks go, the
# local includes take their exported names (MAP: "src=name ..."), the
# include guard and the heading's file name follow DST, a .c gets the
# header SPDX style and a guard, runs of blank lines become one.
module_header() {
	local src=$1 dst=$2 map=$3
	unifdef -x2 -D__KERNEL__ "$root/$src" | awk -v src="$src" -v dst="$dst" -v map="$map" '
	function base(p) { sub(/.*\//, "", p); return p }
	function resolve(from, inc,   d, n, parts, i, k, st, out) {
		d = from; if (d ~ /\//) sub(/\/[^\/]*$/, "/", d); else d = ""
		n = split(d inc, parts, "/"); k = 0
		for (i = 1; i <= n; i++) {
			if (parts[i] == "." || parts[i] == "") continue
			if (parts[i] == ".." && k > 0 && st[k] != "..") { k--; continue }
			st[++k] = parts[i]
		}
		out = ""; for (i = 1; i <= k; i++) out = out (i > 1 ? "/" : "") st[i]
		return out
	}
	BEGIN {
		n = split(map, pairs, " ")
		for (i = 1; i <= n; i++) { split(pairs[i], kv, "="); name[kv[1]] = kv[2] }
		c_to_h = (src ~ /\.c$/ && dst ~ /\.h$/)
		g = toupper(base(dst)); gsub(/[^A-Z0-9]/, "_", g); guard = "_DAMON_" g
	}
	{ line[++nl] = $0 }
	END {
		for (i = 1; i <= nl; i++)
			if (line[i] ~ /^#ifndef[ \t]+RINGDRAIN_[A-Z0-9_]+_H[ \t]*$/) {
				old = line[i]; sub(/^#ifndef[ \t]+/, "", old); sub(/[ \t]*$/, "", old); break
			}
		cend = 0; out = 0; blank = 1
		for (i = 1; i <= nl; i++) {
			l = line[i]
			if (l ~ /^[ \t]*rd_nest_point\(\);[ \t]*(\/\*.*\*\/)?[ \t]*$/) {
				if (prev ~ /^[ \t]*(if|for|while)[ \t]*\(.*\)[ \t]*$/ || prev ~ /^[ \t]*else[ \t]*$/) {
					print "export: " src ": a nesting hook is the body of \"" prev "\"" > "/dev/stderr"; exit 1
				}
				continue
			}
			if (l !~ /^[ \t]*$/) prev = l
			if (l ~ /^[ \t]*#[ \t]*include[ \t]*"/) {
				inc = l; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
				r = resolve(src, inc)
				if (!(r in name)) { print "export: " src " includes \"" inc "\" (" r "), which has no place: add it to export/files.def" > "/dev/stderr"; exit 1 }
				l = "#include \"" name[r] "\""
			}
			if (old != "") gsub(old, guard, l)
			if (i <= 8 && !cend && index(l, " * " base(src) " - ") == 1)
				l = " * " base(dst) " - " substr(l, length(" * " base(src) " - ") + 1)
			if (i == 1 && c_to_h && l ~ /^\/\/ SPDX-License-Identifier: /)
				l = "/* " substr(l, 4) " */"
			if (!cend && i > 1 && index(l, "*/")) cend = i
			if (l ~ /^[ \t]*$/) { if (!blank) o[++out] = ""; blank = 1; continue }
			o[++out] = l; blank = 0
			if (c_to_h && i == cend) { o[++out] = "#ifndef " guard; o[++out] = "#define " guard; o[++out] = ""; blank = 1 }
		}
		while (out > 0 && o[out] == "") out--
		for (i = 1; i <= out; i++) print o[i]
		if (c_to_h) { print ""; print "#endif /* " guard " */" }
	}'
}

# The test module's copy of the kernel text, as headers: the design's and
# the lookup's closure under module/tree/mm/damon/, and the RFC's ring (the
# baseline) as module/rfc_ring.h.
mkdir -p "$RD_OUT/module/tree/mm/damon"
module_closure() { # src dst
	local f rel
	seen=()
	closure "$root/$1"
	for f in "${seen[@]}"; do
		rel=${f#"$root"/}
		if [ "$rel" = "$1" ]; then
			module_header "$rel" "$2" "$RD_MODULE_MAP" >"$RD_OUT/module/${3:-tree/mm/damon/}${2##*/}" || exit 1
			echo "wrote $RD_OUT/module/${3:-tree/mm/damon/}${2##*/}"
		else
			local dst
			dst=$(tr ' ' '\n' <<<"$RD_MODULE_MAP" | sed -n "s|^$rel=||p")
			[ -n "$dst" ] || die "$1 includes $rel, which has no place: add it to export/files.def"
			module_header "$rel" "mm/damon/$dst" "$RD_MODULE_MAP" >"$RD_OUT/module/tree/mm/damon/$dst" || exit 1
			echo "wrote $RD_OUT/module/tree/mm/damon/$dst"
		fi
	done
}
module_closure "$RD_DESIGN_SRC" mm/damon/report_ring.h
[ -z "$RD_STRATEGY_SRC" ] || module_closure "$RD_STRATEGY_SRC" "$RD_STRATEGY_DST"
module_closure ring/rfc.c rfc_ring.h ./

git -C "$work" init -q
export GIT_AUTHOR_NAME=$RD_AUTHOR_NAME GIT_AUTHOR_EMAIL=$RD_AUTHOR_EMAIL
export GIT_COMMITTER_NAME=$RD_AUTHOR_NAME GIT_COMMITTER_EMAIL=$RD_AUTHOR_EMAIL
export GIT_AUTHOR_DATE=$RD_DATE GIT_COMMITTER_DATE=$RD_DATE
g() { git -C "$work" -c core.autocrlf=false -c commit.gpgsign=false "$@"; }
bash "$root/export/postimage.sh" "$RD_SEED" "$work" >/dev/null
core=$work/mm/damon/core.c
[ -f "$core" ] || die "$RD_SEED: no mm/damon/core.c hunk"
g add -A && g commit -q -m "RFC v1 4/6 post-image (the lines of its hunks)"
tmp=$RD_OUT/git-tmp
rm -rf "$tmp"; mkdir -p "$tmp"

# 2. the ring
seen=()
closure "$root/$RD_DESIGN_SRC"
ring_files=("${seen[@]}")
{
	for f in "${ring_files[@]}"; do cut_kernel "$f"; echo; done
	subst "$kern/ring.c"
} >"$tmp/ring"
# includes: core.c's <asm/local.h> line (4/6's) and what the sources need,
# sorted, up to core.c's next include
includes() {
	echo '#include <linux/damon.h>'
	{ echo '#include <asm/local.h>'; for f in "$@"; do kernel_includes "$f"; done; } |
		grep -vx '#include <linux/damon.h>' | sort -u
	echo '#include <linux/delay.h>'
}
includes "${ring_files[@]}" >"$tmp/inc"
replace "$core" '^#include <linux/damon.h>$' '^#include <linux/delay.h>$' "$tmp/inc"
# The RFC's ring block keeps struct damon_target_lookup (the drain patch's).
awk '/^\/\* Per-target region lookup snapshot/,/^};$/' "$core" >"$tmp/lookup-rfc"
{ cat "$tmp/lookup-rfc"; echo; cat "$tmp/ring"; } >"$tmp/block"
replace "$core" '^#define DAMON_REPORT_RING_SIZE' '^static DEFINE_PER_CPU\(unsigned long, damon_ring_pending\);$' "$tmp/block"
subst "$kern/report_access.c" | sed 1d >"$tmp/access"
replace "$core" '^ \* damon_report_access\(\) - ' '^}$' "$tmp/access"
# kdamond's side of the ring: 4/6's walk of each CPU's ring.
subst "$kern/ring_drain.c" >"$tmp/ring-drain"
replace "$core" '^\tfor_each_online_cpu\(cpu\) \{$' '^\t}$' "$tmp/ring-drain"
g add -A && g commit -q -s -F "$RD_MSGS/1"

# 3. the drain
if [ -n "$RD_STRATEGY_SRC" ]; then
	seen=()
	closure "$root/$RD_STRATEGY_SRC"
	lookup_files=("${seen[@]}")
	{
		for f in "${lookup_files[@]}"; do cut_kernel "$f"; echo; done
		subst "$kern/lookup.c"
	} >"$tmp/lookup"
	includes "${ring_files[@]}" "${lookup_files[@]}" >"$tmp/inc"
	replace "$core" '^#include <linux/damon.h>$' '^#include <linux/delay.h>$' "$tmp/inc"
	cp "$tmp/lookup" "$tmp/block"
	replace "$core" '^\/\* Per-target region lookup snapshot' '^};$' "$tmp/block"
	printf '\tdamon_destroy_target_lookup(ctx);\n' >"$tmp/destroy"
	replace "$core" '^\tkfree\(ctx->drain_snapshot.lookups\);$' '^\tkfree\(ctx->drain_snapshot.region_buf\);$' "$tmp/destroy"
	subst "$kern/apply.c" >"$tmp/apply"
	replace "$core" '^static void kdamond_apply_access_report\(' '^}$' "$tmp/apply"
	subst "$kern/check.c" >"$tmp/check"
	# from the "/*" above "Build a snapshot" to kdamond_check_reported_accesses()'s end
	from=$(($(grep -n '^ \* Build a snapshot of the ctx' "$core" | head -n 1 | cut -d: -f1) - 1))
	fn=$(grep -n '^static unsigned int kdamond_check_reported_accesses(struct damon_ctx \*ctx)$' "$core" | head -n 1 | cut -d: -f1)
	[ "$from" -gt 0 ] && [ -n "$fn" ] || die "mm/damon/core.c: no RFC drain to replace"
	to=$(awk -v f="$fn" 'NR > f && /^}$/ { print NR; exit }' "$core")
	{ head -n $((from - 1)) "$core"; cat "$tmp/check"; tail -n +$((to + 1)) "$core"; } >"$core.new"
	mv "$core.new" "$core"
	g add -A && g commit -q -s -F "$RD_MSGS/2"
fi
# The test module's copies of the ring and drain functions of core.c, cut
# out of it line for line, in core.c's order: the ring's definitions (after
# the tracepoint include, to the ring's initcall or 4/6's last per-CPU
# variable), damon_report_access(), kdamond_apply_access_report() and the
# drain (from the comment of 4/6's snapshot builder or of the series'
# damon_build_target_lookup() to kdamond_check_reported_accesses()'s end).
# damon_core_rfc.c: the 4/6 post-image (the baseline); damon_core.c: core.c
# with the series applied.  export/kmod/kcheck_core.h above them stands for
# the rest of core.c, and the module's entry points follow them.
# core_text CORE PREFIX TITLE HOOK ENTRY
core_text() {
	local c=$1 v=$2 from to fn check end
	from=$(awk '/^#include <trace\/events\/damon.h>$/ { print NR + 2; exit }' "$c")
	to=$(awk -v f="${from:-0}" 'NR >= f && (/^early_initcall\(damon_report_rings_init\);$/ ||
		/^static DEFINE_PER_CPU\(unsigned long, damon_ring_pending\);$/) { print NR; exit }' "$c")
	check=$(awk '/^ \* (Build a snapshot of the ctx|damon_build_target_lookup\(\) - )/ { print NR - 1; exit }' "$c")
	fn=$(grep -n '^static unsigned int kdamond_check_reported_accesses(struct damon_ctx \*ctx)$' "$c" | head -n 1 | cut -d: -f1)
	end=$(awk -v f="${fn:-0}" 'f && NR > f && /^}$/ { print NR; exit }' "$c")
	[ -n "$from" ] && [ -n "$to" ] && [ -n "$check" ] && [ -n "$end" ] ||
		die "mm/damon/core.c ($3): no ring or drain definitions to cut for the test module"
	echo '// SPDX-License-Identifier: GPL-2.0'
	echo '/*'
	echo " * ${5##*/} - written by ringdrain export: the ring and drain functions of"
	echo " * mm/damon/core.c $3, cut out of it line for"
	echo ' * line, with kcheck_core.h (what the rest of core.c gives them) above'
	echo ' * them and the test module'"'"'s entry points below.'
	echo ' */'
	echo '#define pr_fmt(fmt) "damon: " fmt'
	echo '#define KCHECK_CORE_TEXT'
	echo
	sed -n '/^#include <linux\/damon.h>$/,/^#include <linux\/memcontrol.h>$/p' "$c"
	echo '/* core.c'"'"'s includes outside 4/6'"'"'s hunks that the text needs */'
	echo '#include <linux/cpumask.h>'
	echo '#include <linux/percpu.h>'
	echo '#include <linux/printk.h>'
	echo '#include <linux/slab.h>'
	echo
	echo '#include "kcheck_core.h"'
	echo
	echo '/* One module holds both files: each damon_report_access() has a name. */'
	echo "#define damon_report_access kcheck_${v}_report"
	echo
	sed -n "${from},${to}p" "$c"
	echo
	echo '/**'
	cut_lines "$c" '^ \* damon_report_access\(\) - ' '^}$' || die "mm/damon/core.c ($3): no damon_report_access()"
	echo
	cat "$4"
	echo
	cut_lines "$c" '^static void kdamond_apply_access_report\(' '^}$' || die "mm/damon/core.c ($3): no kdamond_apply_access_report()"
	echo
	sed -n "${check},${end}p" "$c"
	echo
	cat "$6"
}
cut_lines() { # FILE START END: from the first line matching START to the next matching END
	awk -v s="$2" -v e="$3" '!done && !on && $0 ~ s { on = 1 } on { print; if ($0 ~ e) { on = 0; done = 1 } } END { if (!done) exit 3 }' "$1"
}
entry_subst() {
	sed -e "s/@D@/$RD_DESIGN_ID/g" -e "s/@DESIGN@/$RD_DESIGN/g" \
	    -e "s/@LOOKUP@/$([ -n "$RD_STRATEGY_SRC" ] && echo "$RD_STRATEGY" || echo rfc)/g" "$1"
}
echo '#include "kcheck_core_drain.h"' >"$tmp/hook-v1"
entry_subst "$root/export/kmod/core_v2_hook.c.in" >"$tmp/hook-v2"
cp "$root/export/kmod/core_v1_entry.c.in" "$tmp/entry-v1"
if grep -q '^static void damon_destroy_target_lookup(' "$core"; then
	printf '\tdamon_destroy_target_lookup(ctx);\n' >"$tmp/free"
else
	printf '\tkfree(ctx->drain_snapshot.lookups);\n\tkfree(ctx->drain_snapshot.region_buf);\n' >"$tmp/free"
fi
entry_subst "$root/export/kmod/core_v2_entry.c.in" |
	awk -v f="$tmp/free" '/^@FREE@$/ { while ((getline l < f) > 0) print l; next } { print }' >"$tmp/entry-v2"
g show "$(g rev-list --max-parents=0 HEAD)":mm/damon/core.c >"$tmp/core-v1"
core_text "$tmp/core-v1" v1 "of the RFC v1 4/6 post-image" "$tmp/hook-v1" \
	"$RD_OUT/module/damon_core_rfc.c" "$tmp/entry-v1" >"$RD_OUT/module/damon_core_rfc.c"
core_text "$core" v2 "with this series applied" "$tmp/hook-v2" \
	"$RD_OUT/module/damon_core.c" "$tmp/entry-v2" >"$RD_OUT/module/damon_core.c"
echo "wrote $RD_OUT/module/damon_core_rfc.c"
echo "wrote $RD_OUT/module/damon_core.c"
rm -rf "$tmp"
base=$(g rev-list --max-parents=0 HEAD)
g diff "$base" HEAD >"$RD_OUT/series.diff"

# 4. the mails
n=$(g rev-list --count HEAD~1..HEAD)
g format-patch -q --cover-letter --thread=shallow --zero-commit \
	--in-reply-to='<20260529165640.820-1-ravis.opensrc@gmail.com>' \
	--subject-prefix='RFC PATCH v2' -o "$series" "$base"..HEAD >/dev/null
cover=$(ls "$series"/0000-cover-letter.patch)
subject=$(head -n 1 "$RD_MSGS/cover")
awk -v subj="$subject" -v body="$RD_MSGS/cover" '
/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj) }
/^\*\*\* BLURB HERE \*\*\*$/ {
	skip = 1
	while ((getline l < body) > 0) if (n++ > 1) b[++nb] = l
	while (nb > 0 && b[nb] == "") nb--
	for (i = 1; i <= nb; i++) print b[i]
	next
}
skip && /^$/ && !done { done = 1 }
{ print }' "$cover" >"$cover.new" && mv "$cover.new" "$cover"
if grep -n '^[ -]/\* ringdrain-postimage: ' "$series"/0[0-9][0-9][1-9]-*.patch "$RD_OUT/series.diff" >&2; then
	die "a hunk's context falls outside the RFC v1 4/6 hunks (above): the series would not apply to the real post-image"
fi
for f in "$series"/*.patch "$RD_OUT/series.diff"; do echo "wrote $f"; done
