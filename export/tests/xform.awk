# SPDX-License-Identifier: GPL-2.0
#
# xform.awk - the export transformation of the module's headers
# (export/README.md), written a second time, independently of unifdef and
# export/series.sh, so the test can check that the module's headers are the
# ringdrain sources after exactly these rules.
#
#   awk -v src=ring/perfnest.c -v dst=mm/damon/report_ring.h \
#       -v map="ring/report.h=report_slot.h ring/stats.h=report_ring_stats.h" \
#       -f xform.awk ring/perfnest.c
function basename(p) { sub(/.*\//, "", p); return p }
function dirname(p) { if (p !~ /\//) return ""; sub(/\/[^\/]*$/, "", p); return p "/" }
function resolve(from, inc,    path, n, parts, out, i, k, stack) {
	path = dirname(from) inc
	n = split(path, parts, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "." || parts[i] == "") continue
		if (parts[i] == ".." && k > 0 && stack[k] != "..") { k--; continue }
		stack[++k] = parts[i]
	}
	out = ""
	for (i = 1; i <= k; i++) out = out (i > 1 ? "/" : "") stack[i]
	return out
}
function visible(    i) {
	for (i = 1; i <= depth; i++) {
		if (kind[i] == "nk" && !inelse[i]) return 0
		if (kind[i] == "k" && inelse[i]) return 0
	}
	return 1
}
BEGIN {
	nm = split(map, pairs, " ")
	for (i = 1; i <= nm; i++) {
		split(pairs[i], kv, "=")
		exported[kv[1]] = kv[2]
	}
	c_to_h = (src ~ /\.c$/ && dst ~ /\.h$/)
	g = toupper(basename(dst)); gsub(/[^A-Z0-9]/, "_", g)
	guard = "_DAMON_" g
	depth = 0; n = 0
}
# Rule 1: keep what the kernel sees.
{
	line = $0
	if (line ~ /^[ \t]*#[ \t]*(if|ifdef|ifndef|else|elif|endif)([^A-Za-z0-9_]|$)/) {
		vis = visible()
		if (line ~ /^[ \t]*#[ \t]*ifndef[ \t]+__KERNEL__([ \t]|$)/) {
			depth++; kind[depth] = "nk"; inelse[depth] = 0; next
		}
		if (line ~ /^[ \t]*#[ \t]*ifdef[ \t]+__KERNEL__([ \t]|$)/) {
			depth++; kind[depth] = "k"; inelse[depth] = 0; next
		}
		if (line ~ /^[ \t]*#[ \t]*(if|ifdef|ifndef)/) {
			depth++; kind[depth] = "o"; inelse[depth] = 0
			if (vis) kept[++n] = line
			next
		}
		if (line ~ /^[ \t]*#[ \t]*else/) {
			if (kind[depth] != "o") inelse[depth] = 1
			else if (vis) kept[++n] = line
			next
		}
		if (line ~ /^[ \t]*#[ \t]*elif/) {
			if (vis) kept[++n] = line
			next
		}
		# endif
		k = kind[depth]; depth--
		if (k == "o" && visible()) kept[++n] = line
		next
	}
	if (visible()) kept[++n] = line
}
END {
	oldguard = ""
	for (i = 1; i <= n; i++)
		if (kept[i] ~ /^#ifndef[ \t]+RINGDRAIN_[A-Z0-9_]+_H[ \t]*$/) {
			oldguard = kept[i]; sub(/^#ifndef[ \t]+/, "", oldguard)
			sub(/[ \t]*$/, "", oldguard); break
		}
	cend = 0
	for (i = 1; i <= n; i++) {
		l = kept[i]
		# Rule 2: the nesting hooks.
		if (l ~ /^[ \t]*rd_nest_point\(\);[ \t]*(\/\*.*\*\/)?[ \t]*$/) { drop[i] = 1; continue }
		# Rule 3: local includes.
		if (l ~ /^[ \t]*#[ \t]*include[ \t]*"/) {
			inc = l; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
			r = resolve(src, inc)
			if (!(r in exported)) { print "xform.awk: no exported name for " r > "/dev/stderr"; exit 1 }
			l = "#include \"" exported[r] "\""
		}
		# Rule 4: guard and file name.
		if (oldguard != "") gsub(oldguard, guard, l)
		if (i <= 8 && !cend && index(l, " * " basename(src) " - ") == 1)
			l = " * " basename(dst) " - " substr(l, length(" * " basename(src) " - ") + 1)
		# Rule 5: header SPDX style.
		if (i == 1 && c_to_h && l ~ /^\/\/ SPDX-License-Identifier: /)
			l = "/* " substr(l, 4) " */"
		if (!cend && i > 1 && index(l, "*/")) cend = i
		kept[i] = l
	}
	# Rule 6 (and the guard of rule 5).
	out = 0; lastblank = 1
	for (i = 1; i <= n; i++) {
		if (drop[i]) continue
		if (kept[i] ~ /^[ \t]*$/) {
			if (!lastblank) o[++out] = ""
			lastblank = 1
			continue
		}
		o[++out] = kept[i]; lastblank = 0
		if (c_to_h && i == cend) {
			o[++out] = "#ifndef " guard; o[++out] = "#define " guard; o[++out] = ""
			lastblank = 1
		}
	}
	while (out > 0 && o[out] == "") out--
	for (i = 1; i <= out; i++) print o[i]
	if (c_to_h) { print ""; print "#endif /* " guard " */" }
}
