#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# postimage.sh PATCH DIR - the post-image of every hunk of PATCH, as files
# under DIR at their own line numbers.
#
# For each file PATCH changes, the lines a hunk's "+c,d" range covers are
# known exactly (its context and added lines); every other line is not in
# the patch and becomes a filler line naming its number:
#
#	/* ringdrain-postimage: line N of PATH is not in the patch */
#
# So a patch made against the result applies to the real post-image exactly
# when none of its context or removed lines is a filler line (export checks
# that with postimage_check below).  Prints each file written, one a line.
# Exit 2 with one line on stderr when PATCH is unreadable or has no hunk.
set -euo pipefail
patch=${1:?usage: postimage.sh PATCH DIR}
dir=${2:?usage: postimage.sh PATCH DIR}
[ -r "$patch" ] || { echo "postimage.sh: $patch: cannot read" >&2; exit 2; }
awk -v dir="$dir" '
function flush(   i, f, d) {
	if (file == "")
		return
	f = dir "/" file
	d = f; sub(/\/[^\/]*$/, "", d)
	system("mkdir -p \"" d "\"")
	printf "" > f
	for (i = 1; i <= last; i++)
		print ((i in line) ? line[i] : "/* ringdrain-postimage: line " i " of " file " is not in the patch */") > f
	close(f)
	print file
	nfiles++
	delete line
	last = 0
}
/^diff --git / { flush(); file = $4; sub(/^b\//, "", file); inhunk = 0; next }
/^@@ / {
	split($3, p, ","); pos = substr(p[1], 2) + 0
	left_new = (p[2] == "" ? 1 : p[2] + 0)
	split($2, m, ","); left_old = (m[2] == "" ? 1 : m[2] + 0)
	inhunk = 1; next
}
inhunk && (left_new > 0 || left_old > 0) {
	c = substr($0, 1, 1); t = substr($0, 2)
	if (c == " " || $0 == "") { line[pos++] = t; left_new--; left_old-- }
	else if (c == "+") { line[pos++] = t; left_new-- }
	else if (c == "-") { left_old-- }
	else if (c == "\\") { }
	else inhunk = 0
	if (pos - 1 > last) last = pos - 1
	next
}
END { flush(); if (!nfiles) exit 3 }
' "$patch" || { echo "postimage.sh: $patch: no hunk to rebuild" >&2; exit 2; }
