#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kcheck.sh - ringdrain kcheck: the exported ring in a real 6.12 kernel.
#
# Run through 'ringdrain kcheck' (which sets RINGDRAIN_BIN and RINGDRAIN_SRC).
# Steps, each with a progress line:
#   1. tools: install the Debian packages it runs when missing (qemu, busybox,
#      sparse, pahole, cpio, make, gcc-12, perl, git, xz);
#   2. kernel: pick the newest 6.12 ABI for which the amd64 headers, common
#      headers, kbuild and unsigned image all exist, and unpack them, the
#      guest's vmlinuz and checkpatch (from linux-source-6.12) into the cache;
#   3. export every NMI-safe design (the results' winner first) with the
#      region lookup (the results' winner, else the fastest lookup with a
#      kernel-dialect source) and git-apply each series, patch after patch,
#      to the post-image of RFC v1 4/6's hunks (export/postimage.sh);
#   4. checkpatch.pl --strict on each series, kernel-doc on the patched
#      mm/damon/core.c and on the module's headers;
#   5. build each test module against the headers with W=1, then sparse (C=2),
#      for amd64 and, against Debian's arm64 headers of the same ABI with
#      aarch64-linux-gnu-gcc-12, for arm64 (built, not booted);
#   6. boot 6.12 under qemu (TCG, 2 CPUs) with the modules in a busybox
#      initramfs; each module runs the lookup's self-test, then its ring
#      with NMI-context producers, and the first also runs the RFC's ring;
#   7. read the accounting lines back from the console.
# Exit: 0 pass, 1 a check failed, 2 bad input, 3 cannot run here (no qemu,
# no packages): the test suite shows 3 as a skip.
set -uo pipefail

bin=${RINGDRAIN_BIN:?run this through ringdrain kcheck}
src=${RINGDRAIN_SRC:?run this through ringdrain kcheck}
seconds=2
only=
lookup=
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ringdrain/kcheck
work=
results=

while (($#)); do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--design) only=$2; shift 2 ;;
	--strategy) lookup=$2; shift 2 ;;
	--cache) cache=$2; shift 2 ;;
	--work) work=$2; shift 2 ;;
	--results) results=$2; shift 2 ;;
	*) echo "kcheck.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

t0=$(date +%s)
say() { printf 'kcheck: [%4ss] %s\n' "$(($(date +%s) - t0))" "$*"; }
skip() { say "cannot run here: $*"; exit 3; }
die() { say "FAIL: $*"; exit 1; }

mkdir -p "$cache" || skip "cannot create the cache folder $cache"
cache=$(cd "$cache" && pwd)
work=${work:-$cache/work}
exec 9>"$cache/.lock"
if ! flock -n 9; then
	say "another kcheck holds $cache; waiting"
	flock 9
fi
rm -rf "$work"
mkdir -p "$work" || die "cannot create $work"
work=$(cd "$work" && pwd)
say "cache $cache, logs and outputs in $work"

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		sudo=(none)
	fi
fi
export DEBIAN_FRONTEND=noninteractive

# ---- 1. tools ---------------------------------------------------------------
arch=$(dpkg --print-architecture 2>/dev/null) || skip "not a Debian system (no dpkg)"
# The Debian headers build modules with x86_64-linux-gnu-gcc-12: amd64 only.
[ "$arch" = amd64 ] || skip "the module is built with Debian's amd64 toolchain; this is $arch"

# Installed system-wide (they are ordinary tools); the kernel packages are not
# (step 2).
# gcc-aarch64-linux-gnu brings aarch64-linux-gnu-gcc-12 (gcc-12-aarch64-linux-gnu,
# the compiler the arm64 headers' .kernelvariables names) and its binutils.
tools=(qemu-system-x86 busybox-static sparse pahole cpio make gcc-12 perl git
       xz-utils libelf1 libssl3 zlib1g gcc-aarch64-linux-gnu patch)
missing=()
for p in "${tools[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
	[ "${sudo[0]:-}" = none ] &&
		skip "missing ${missing[*]}; install with: sudo apt-get install --no-install-recommends ${missing[*]}"
	say "[1/7] installing ${missing[*]}"
	if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >"$work/apt.log" 2>&1; then
		"${sudo[@]}" apt-get update -q >>"$work/apt.log" 2>&1
		"${sudo[@]}" apt-get install -y -q --no-install-recommends \
			"${missing[@]}" >>"$work/apt.log" 2>&1 ||
			skip "apt-get cannot install ${missing[*]} (see $work/apt.log)"
	fi
else
	say "[1/7] tools present: ${tools[*]}"
fi
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
command -v aarch64-linux-gnu-gcc-12 >/dev/null ||
	skip "no aarch64-linux-gnu-gcc-12 (Debian's gcc-12-aarch64-linux-gnu), which the arm64 headers build with"
qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg ||
	skip "qemu-system-x86_64 has no TCG accelerator"

# ---- 2. kernel packages -----------------------------------------------------
# The 6.12 headers package depends on the kernel image (signed or unsigned):
# installing it would install and boot-configure a kernel on this machine
# (initramfs, bootloader hooks) just to build a module.  Instead the headers,
# common headers, kbuild, the unsigned image and the source are fetched with
# apt-get download and unpacked with dpkg -x into the cache: dpkg's database
# never hears of them, so the machine's package state stays as it was.
abi_ok() { # abi (6.12.N+deb12): every package we need exists
	local a=$1
	for p in "linux-headers-$a-amd64" "linux-headers-$a-common" \
		 "linux-kbuild-$a" "linux-image-$a-amd64-unsigned"; do
		apt-cache show "$p" >/dev/null 2>&1 || return 1
	done
}
pick_abi() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' 2>/dev/null |
		awk '{print $1}' | sed 's/^linux-headers-//; s/-amd64$//' |
		sort -rV | while read -r a; do
			abi_ok "$a" && { echo "$a"; break; }
		done
}
abi=$(pick_abi)
if [ -z "$abi" ]; then
	if [ "${sudo[0]:-}" != none ]; then
		say "[2/7] no 6.12 kernel packages known to apt; apt-get update"
		"${sudo[@]}" apt-get update -q >>"$work/apt.log" 2>&1
		abi=$(pick_abi)
	fi
	[ -n "$abi" ] || skip "apt knows no complete linux 6.12 package set for amd64 (bookworm-security)"
fi
pkgver=$(apt-cache show "linux-headers-$abi-amd64" | awk '/^Version:/ {print $2; exit}')
kver=$abi-amd64
kc=$cache/$abi
hdr=$kc/usr/src/linux-headers-$kver
vmlinuz=$kc/vmlinuz-$kver
ck=$kc/checkpatch
mkdir -p "$kc/debs"
fetch() { # package[=version]...: into $kc/debs
	(cd "$kc/debs" && apt-get -q -o APT::Sandbox::User=root download "$@") \
		>>"$work/download.log" 2>&1
}
if [ ! -f "$kc/.headers-done" ]; then
	say "[2/7] downloading linux-headers/kbuild $pkgver ($abi)"
	rm -rf "$kc/usr" "$kc/lib"
	fetch "linux-headers-$abi-amd64" "linux-headers-$abi-common" \
		"linux-kbuild-$abi" || skip "apt-get download of the 6.12 headers failed (see $work/download.log)"
	for d in "$kc"/debs/linux-headers-"$abi"-{amd64,common}_*.deb "$kc"/debs/linux-kbuild-*.deb; do
		dpkg -x "$d" "$kc" || die "dpkg -x $d"
	done
	# The amd64 Makefile includes the common one by absolute path.
	printf 'include %s/usr/src/linux-headers-%s-common/Makefile\n' "$kc" "$abi" \
		>"$hdr/Makefile"
	touch "$kc/.headers-done"
fi
if [ ! -f "$vmlinuz" ]; then
	say "[2/7] downloading linux-image-$kver-unsigned (guest kernel only)"
	fetch "linux-image-$kver-unsigned" ||
		skip "apt-get download of the 6.12 image failed (see $work/download.log)"
	deb=$(ls "$kc"/debs/linux-image-*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -O "./boot/vmlinuz-$kver" >"$vmlinuz.tmp" &&
		mv "$vmlinuz.tmp" "$vmlinuz" || die "cannot unpack vmlinuz from $deb"
	rm -f "$deb"
fi
if [ ! -f "$ck/.done" ]; then
	srcver=$pkgver
	apt-cache madison linux-source-6.12 | grep -q " $srcver " ||
		srcver=$(apt-cache show linux-source-6.12 | awk '/^Version:/ {print $2; exit}')
	say "[2/7] downloading linux-source-6.12 $srcver for checkpatch.pl"
	fetch "linux-source-6.12=$srcver" ||
		skip "apt-get download of linux-source-6.12 failed (see $work/download.log)"
	deb=$(ls "$kc"/debs/linux-source-6.12_*.deb)
	say "[2/7] extracting checkpatch.pl and what it reads"
	rm -rf "$ck" "$kc/linux-source-6.12"
	# checkpatch runs in "tree" mode from a top-level folder that has these;
	# include/ feeds its <asm/> vs <linux/> and CamelCase checks, MAINTAINERS
	# and get_maintainer.pl its file checks.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -O ./usr/src/linux-source-6.12.tar.xz |
		tar -xJ -C "$kc" linux-source-6.12/COPYING linux-source-6.12/CREDITS \
			linux-source-6.12/Kbuild linux-source-6.12/MAINTAINERS \
			linux-source-6.12/Makefile linux-source-6.12/README \
			linux-source-6.12/scripts linux-source-6.12/include ||
		die "cannot extract checkpatch from $deb"
	mv "$kc/linux-source-6.12" "$ck"
	mkdir -p "$ck"/{Documentation,arch,drivers,fs,init,ipc,kernel,lib}
	rm -f "$deb"
	touch "$ck/.done"
fi
# The arm64 headers, same ABI, for the build-only arm64 check (step 5).
# apt here knows amd64 packages only, and adding a foreign architecture
# (dpkg --add-architecture) would change the machine's package state; so
# apt runs with its own state under $cache/apt-arm64/: a sources list of
# bookworm-security for arm64 only, its own package lists and caches (the
# system's dpkg status is only read).  The arm64 headers package is
# unpacked beside the amd64 one: its scripts/ and tools/ symlinks point at
# ../../lib/linux-kbuild-$abi, the amd64 kbuild (host tools run here), and
# its Makefile includes the same common headers.
hdr64=$kc/usr/src/linux-headers-$abi-arm64
if [ ! -f "$kc/.headers-arm64-done" ]; then
	ap=$cache/apt-arm64
	mkdir -p "$ap/lists/partial" "$ap/cache/archives/partial"
	echo 'deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main' \
		>"$ap/sources.list"
	apt64=(-o APT::Architectures::=arm64 -o "Dir::Etc::SourceList=$ap/sources.list"
	       -o Dir::Etc::SourceParts=/nonexistent -o "Dir::State::Lists=$ap/lists"
	       -o "Dir::Cache=$ap/cache" -o APT::Sandbox::User=root)
	have64() { apt-cache "${apt64[@]}" show "linux-headers-$abi-arm64:arm64=$pkgver" >/dev/null 2>&1; }
	if ! have64; then
		say "[2/7] apt-get update of bookworm-security arm64 (apt state in $ap)"
		apt-get "${apt64[@]}" -q update >>"$work/apt.log" 2>&1
		have64 || skip "apt-get cannot find linux-headers-$abi-arm64:arm64 $pkgver in bookworm-security (see $work/apt.log)"
	fi
	say "[2/7] downloading linux-headers-$abi-arm64:arm64 $pkgver (built for, not booted)"
	(cd "$kc/debs" && apt-get "${apt64[@]}" -q download "linux-headers-$abi-arm64:arm64=$pkgver") \
		>>"$work/download.log" 2>&1 ||
		skip "apt-get download of linux-headers-$abi-arm64:arm64 failed (see $work/download.log)"
	rm -rf "$hdr64"
	dpkg -x "$kc"/debs/linux-headers-"$abi"-arm64_*_arm64.deb "$kc" || die "dpkg -x of the arm64 headers"
	printf 'include %s/usr/src/linux-headers-%s-common/Makefile\n' "$kc" "$abi" \
		>"$hdr64/Makefile"
	touch "$kc/.headers-arm64-done"
fi
say "[2/7] kernel $kver: headers $hdr, guest $vmlinuz; arm64 headers $hdr64 (build only)"

# ---- 3. export and apply ----------------------------------------------------
designs=()
rflag=()
[ -n "$results" ] && rflag=(--results "$results")
have_results() { ls "${results:-$src/results}"/*/summary.json >/dev/null 2>&1; }
# The lookup each series carries: --strategy, else the results' winner,
# else the first strategy export has a kernel-dialect source for.
first_lookup() { "$bin" export --list | awk '$1 == "strategy" && NF == 2 {print $2; exit}'; }
strat=()
if [ -n "$lookup" ]; then
	strat=(--strategy "$lookup")
elif ! have_results; then
	lookup=$(first_lookup)
	strat=(--strategy "${lookup:-none}")
fi
if [ -n "$only" ]; then
	designs=("$only")
else
	mapfile -t all < <("$bin" export --list | awk '$1 == "design" {print $2}')
	if have_results; then
		"$bin" export "${rflag[@]}" "${strat[@]}" --out "$work/winner" >"$work/export-winner.log" 2>&1 ||
			die "ringdrain export (winners): $(tail -n 1 "$work/export-winner.log")"
		winner=$(sed -n 's/^design=\([^ ]*\) .*/\1/p' "$work/export-winner.log")
		say "[3/7] the results' winner: $(grep '^design=' "$work/export-winner.log")"
		grep -h '^ringdrain export: ' "$work/export-winner.log" | sed 's/^/  /'
		designs=("$winner")
		rm -rf "$work/winner"
	else
		say "[3/7] no results/*/summary.json: exporting every NMI-safe design with ${strat[*]}"
	fi
	for d in "${all[@]}"; do
		[ "$d" = "${designs[0]:-}" ] || designs+=("$d")
	done
fi
# The series is made on RFC v1 4/6 (export --seed's default).
seed=$src/../shared/seed/rfc-v1-4-of-6.patch
[ -r "$seed" ] || skip "no $seed: the series is made on RFC v1 4/6"
for d in "${designs[@]}"; do
	out=$work/$d
	"$bin" export "${rflag[@]}" --design "$d" "${strat[@]}" --out "$out" >"$work/export-$d.log" 2>&1 ||
		die "ringdrain export --design $d: $(tail -n 1 "$work/export-$d.log")"
	# The series on the post-image of RFC v1 4/6's hunks, patch after patch.
	rm -rf "$out/tree"
	mkdir -p "$out/tree"
	git -C "$out/tree" init -q
	bash "$src/export/postimage.sh" "$seed" "$out/tree" >/dev/null ||
		die "cannot rebuild the RFC v1 4/6 post-image from $seed"
	for p in "$out"/series/000[1-9]-*.patch; do
		git -C "$out/tree" apply "$p" >>"$work/apply-$d.log" 2>&1 ||
			die "the $d series does not apply to the 4/6 post-image (git apply ${p##*/}, see $work/apply-$d.log)"
	done
	say "[3/7] exported $d: $(ls "$out"/series | wc -l) mails, applied with git apply to the RFC v1 4/6 post-image: $(grep -h '^ [a-z].* | ' "$out"/series/0000-cover-letter.patch | tr -s ' ')"
done
# The lookup in the series (the export's first line says which).
lookup=$(sed -n 's/^design=[^ ]* strategy=\([^ ]*\) .*/\1/p' "$work/export-${designs[0]}.log")
have_lookup=no
grep -q '^#define KCHECK_LOOKUP\b' "$work/${designs[0]}/module/kcheck_design.h" && have_lookup=yes
say "[3/7] lookup in the series: ${lookup:-none} (self-test in the module: $have_lookup)"

# ---- 4. checkpatch, kernel-doc ----------------------------------------------
fails=0
# Every new file must fall under an existing MAINTAINERS entry; then the
# FILE_PATH_CHANGES warning ("does MAINTAINERS need updating?") is answered:
# no.  Checked with get_maintainer.pl on every patch of every series.
ignore=()
covered=yes
for d in "${designs[@]}"; do
	for p in "$work/$d"/series/000[1-9]-*.patch; do
		(cd "$ck" && perl scripts/get_maintainer.pl --nogit --nogit-fallback \
			--norolestats "$p" 2>/dev/null) | grep -q 'damon@lists.linux.dev' ||
			covered=no
	done
	grep -h '^diff --git a/' "$work/$d"/series/000[1-9]-*.patch | grep -vq ' a/mm/damon/' && covered=no
done
if [ $covered = yes ]; then
	ignore=(--ignore FILE_PATH_CHANGES)
	say "[4/7] MAINTAINERS (DATA ACCESS MONITOR, F: mm/damon/) covers every new file: FILE_PATH_CHANGES answered"
else
	say "[4/7] a new file is outside the DAMON MAINTAINERS entry: checkpatch's FILE_PATH_CHANGES stands"
fi
for d in "${designs[@]}"; do
	out=$work/$d
	perl "$ck/scripts/checkpatch.pl" --root="$ck" --strict --no-summary-file \
		"${ignore[@]}" "$out"/series/000[1-9]-*.patch >"$work/checkpatch-$d.log" 2>&1
	tot=$(grep -E '^total: ' "$work/checkpatch-$d.log" |
		awk '{e += $2; w += $4; c += $6} END {printf "%d errors, %d warnings, %d checks", e, w, c}')
	# The module's sources, but damon_core_rfc.c: RFC v1 4/6's text as
	# posted (its count is shown, not held against the series).
	perl "$ck/scripts/checkpatch.pl" --root="$ck" --strict --no-summary-file \
		--no-tree -f $(ls "$out"/module/*.c "$out"/module/*.h | grep -v '/damon_core_rfc\.c$') \
		>"$work/checkpatch-module-$d.log" 2>&1
	mtot=$(grep -E '^total: ' "$work/checkpatch-module-$d.log" |
		awk '{e += $2; w += $4; c += $6} END {printf "%d errors, %d warnings, %d checks", e, w, c}')
	perl "$ck/scripts/checkpatch.pl" --root="$ck" --strict --no-summary-file \
		--no-tree -f "$out"/module/damon_core_rfc.c >"$work/checkpatch-rfc-$d.log" 2>&1
	rtot=$(grep -E '^total: ' "$work/checkpatch-rfc-$d.log" |
		awk '{e += $2; w += $4; c += $6} END {printf "%d errors, %d warnings, %d checks", e, w, c}')
	kdoc=$(perl "$ck/scripts/kernel-doc" -none -Wall "$out"/tree/mm/damon/core.c "$out"/module/tree/mm/damon/*.h 2>&1 | tee "$work/kernel-doc-$d.log" | grep -c . )
	say "[4/7] $d: checkpatch --strict series: $tot; module: $mtot (4/6's own text in damon_core_rfc.c, not counted: $rtot); kernel-doc -Wall: $kdoc warnings"
	case "$tot $mtot" in
	"0 errors, 0 warnings,"*" 0 errors, 0 warnings,"*) ;;
	*) fails=$((fails + 1)); grep -E '^(ERROR|WARNING)' "$work/checkpatch-$d.log" "$work/checkpatch-module-$d.log" | head -n 20 ;;
	esac
	[ "$kdoc" = 0 ] || { fails=$((fails + 1)); head -n 20 "$work/kernel-doc-$d.log"; }
done

# ---- 5. W=1 and sparse ------------------------------------------------------
common_damon_h=$kc/usr/src/linux-headers-$abi-common/include/linux/damon.h
for d in "${designs[@]}"; do
	out=$work/$d
	# 6.12's <linux/damon.h> with what the RFC's tree adds, ahead of the
	# kernel's own on the modules' include path (module/Kbuild).
	mkdir -p "$out/module/tree/include/linux"
	patch --quiet -o "$out/module/tree/include/linux/damon.h" "$common_damon_h" \
		"$out/module/damon-6.12.patch" >"$work/damon-h-$d.log" 2>&1 ||
		die "$d: damon-6.12.patch does not apply to $common_damon_h (see $work/damon-h-$d.log)"
	say "[5/7] $d: building the test module against $kver with W=1"
	make -C "$hdr" M="$out/module" DAMON_TREE="$out/module/tree" W=1 modules \
		>"$work/build-$d.log" 2>&1 ||
		{ tail -n 30 "$work/build-$d.log"; die "$d: the module does not build (see $work/build-$d.log)"; }
	w1=$(grep -cE 'warning:|error:|^WARNING:' "$work/build-$d.log")
	# The objects are up to date, so C=2 runs only sparse, on every source.
	make -C "$hdr" M="$out/module" DAMON_TREE="$out/module/tree" W=1 C=2 modules \
		>"$work/sparse-$d.log" 2>&1 || die "$d: sparse run failed (see $work/sparse-$d.log)"
	grep -q 'CHECK' "$work/sparse-$d.log" || die "$d: sparse did not run (see $work/sparse-$d.log)"
	sp=$(grep -cE 'warning:|error:' "$work/sparse-$d.log")
	say "[5/7] $d: W=1 build: $w1 warnings; sparse (C=2): $sp warnings"
	if [ "$w1" != 0 ] || [ "$sp" != 0 ]; then
		fails=$((fails + 1))
		grep -E 'warning:|error:|^WARNING:' "$work/build-$d.log" "$work/sparse-$d.log" | head -n 20
	fi
	# arm64: the same sources in their own folder (the objects differ),
	# against the same tree; the headers' .kernelvariables set ARCH=arm64
	# and CROSS_COMPILE=aarch64-linux-gnu-.  Built, not booted.
	m64=$out/module-arm64
	rm -rf "$m64"
	mkdir -p "$m64"
	cp "$out"/module/Kbuild "$out"/module/Makefile "$out"/module/*.c "$out"/module/*.h "$out"/module/*.patch "$m64"/ ||
		die "$d: cannot copy the module for arm64"
	make -C "$hdr64" M="$m64" DAMON_TREE="$out/module/tree" W=1 modules \
		>"$work/build-arm64-$d.log" 2>&1 ||
		{ tail -n 30 "$work/build-arm64-$d.log"; die "$d: the module does not build for arm64 (see $work/build-arm64-$d.log)"; }
	file "$m64/ringdrain_kcheck.ko" 2>/dev/null | grep -q 'ARM aarch64' ||
		readelf -h "$m64/ringdrain_kcheck.ko" 2>/dev/null | grep -q 'AArch64' ||
		die "$d: the arm64 build did not make an AArch64 object (see $work/build-arm64-$d.log)"
	w64=$(grep -cE 'warning:|error:|^WARNING:' "$work/build-arm64-$d.log")
	make -C "$hdr64" M="$m64" DAMON_TREE="$out/module/tree" W=1 C=2 modules \
		>"$work/sparse-arm64-$d.log" 2>&1 || die "$d: arm64 sparse run failed (see $work/sparse-arm64-$d.log)"
	grep -q 'CHECK' "$work/sparse-arm64-$d.log" || die "$d: arm64 sparse did not run (see $work/sparse-arm64-$d.log)"
	sp64=$(grep -cE 'warning:|error:' "$work/sparse-arm64-$d.log")
	say "[5/7] $d: arm64 (aarch64-linux-gnu-gcc-12, built, not booted): W=1 build: $w64 warnings; sparse (C=2): $sp64 warnings"
	if [ "$w64" != 0 ] || [ "$sp64" != 0 ]; then
		fails=$((fails + 1))
		grep -E 'warning:|error:|^WARNING:' "$work/build-arm64-$d.log" "$work/sparse-arm64-$d.log" | head -n 20
	fi
done

# ---- 6. boot ----------------------------------------------------------------
root=$work/initramfs
mkdir -p "$root"/{bin,mods}
cp "$(command -v busybox)" "$root/bin/busybox" 2>/dev/null || cp /bin/busybox "$root/bin/busybox" ||
	skip "no busybox binary"
case $(ldd "$root/bin/busybox" 2>&1) in
*'not a dynamic executable'*|*'statically linked'*) ;;
*) skip "busybox is not the static one (install busybox-static)" ;;
esac
baseline=1
{
	echo '#!/bin/busybox sh'
	echo '/bin/busybox mkdir -p /proc /sys /dev'
	echo '/bin/busybox mount -t proc proc /proc'
	echo '/bin/busybox mount -t devtmpfs devtmpfs /dev'
	echo 'echo "kcheck-guest: $(/bin/busybox uname -r), $(/bin/busybox nproc) CPUs"'
	for d in "${designs[@]}"; do
		mkdir -p "$root/mods/$d"
		cp "$work/$d/module/ringdrain_kcheck.ko" "$root/mods/$d/"
		echo "echo 'kcheck-guest: insmod $d'"
		echo "/bin/busybox insmod /mods/$d/ringdrain_kcheck.ko seconds=$seconds baseline=$baseline || echo 'kcheck-guest: insmod $d failed'"
		echo '/bin/busybox rmmod ringdrain_kcheck'
		baseline=0
		# core.c's ring and drain, the series'; then, once, 4/6's as
		# posted (rfc=1): the baseline, through the same harness.
		cp "$work/$d/module/kcheck_drain.ko" "$root/mods/$d/"
		echo "echo 'kcheck-guest: drain $d'"
		echo "/bin/busybox insmod /mods/$d/kcheck_drain.ko || echo 'kcheck-guest: insmod drain $d failed'"
		echo '/bin/busybox rmmod kcheck_drain'
		if [ "$d" = "${designs[0]}" ]; then
			echo "echo 'kcheck-guest: drain rfc'"
			echo "/bin/busybox insmod /mods/$d/kcheck_drain.ko rfc=1 || echo 'kcheck-guest: insmod drain rfc failed'"
			echo '/bin/busybox rmmod kcheck_drain'
		fi
	done
	echo 'echo kcheck-guest: done'
	echo '/bin/busybox poweroff -f'
} >"$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio" ||
	die "cannot pack the initramfs"
runs=$((${#designs[@]} * 3 + 2))
limit=$((90 + runs * (seconds + 15)))
say "[6/7] booting $kver under qemu (TCG, -cpu max, 2 CPUs, 512M), $runs runs of ${seconds}s, timeout ${limit}s"
timeout "$limit" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 512M \
	-nographic -no-reboot -kernel "$vmlinuz" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 rdinit=/init printk.time=0 loglevel=7" \
	</dev/null >"$work/console.log" 2>&1
qrc=$?
tr -d '\r' <"$work/console.log" >"$work/console.txt"
if ! grep -q 'Linux version' "$work/console.txt"; then
	tail -n 5 "$work/console.txt"
	skip "qemu did not start the guest kernel (exit $qrc, see $work/console.log)"
fi
[ $qrc = 124 ] && say "[6/7] qemu timed out after ${limit}s"

# ---- 7. results ---------------------------------------------------------------
say "[7/7] in-kernel results (from $work/console.txt):"
grep -a 'ringdrain_kcheck: ' "$work/console.txt" | sed 's/^.*ringdrain_kcheck: /  /'
# One row per run: the accounting line, and what the verdict said.
say "[7/7] summary (nested: records refused because a producer was interrupted; nmi: NMI-context records):"
grep -a -E 'ringdrain_kcheck: design=[^ ]+ (mode=kernel|record=[0-9]+ verdict=)' "$work/console.txt" |
	sed 's/^.*ringdrain_kcheck: //' | awk '
	BEGIN { printf "  %-9s %-6s %9s %9s %8s %8s %7s %5s %5s %4s %8s  %s\n", "design", "record", "produced", "consumed", "nmi_prod", "nmi_cons", "nested", "lost", "torn", "dup", "reorder", "verdict" }
	/mode=kernel/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }; next }
	/verdict=/ {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); w[kv[1]] = kv[2] }
		printf "  %-9s %-6s %9s %9s %8s %8s %7s %5s %5s %4s %8s  %s\n", v["design"], w["record"], v["produced"], v["consumed"], v["nmi_produced"], v["nmi_consumed"], v["dropped_nested"], v["lost"], v["torn"], v["dup"], v["reorder"], w["verdict"]
	}'
bad=$(grep -a -E 'BUG:|WARNING:|Oops|Kernel panic|general protection|soft lockup|hard LOCKUP|rcu_sched detected stall|rcu: INFO' "$work/console.txt")
if [ -n "$bad" ]; then
	echo "$bad" | head -n 10
	fails=$((fails + 1))
fi
unknown=$(grep -a -c 'NMI received for unknown reason' "$work/console.txt")
[ "$unknown" = 0 ] || say "note: $unknown NMIs arrived for an unknown reason (another NMI claimed ours first)"
if [ $have_lookup = yes ]; then
	say "[7/7] the $lookup lookup's self-test, once per module:"
	grep -a "ringdrain_kcheck: lookup=$lookup selftest: " "$work/console.txt" |
		sed 's/^.*ringdrain_kcheck: /  /'
	passed=$(grep -a -c "ringdrain_kcheck: lookup=$lookup selftest: .* verdict=PASS" "$work/console.txt")
	if [ "$passed" != "${#designs[@]}" ]; then
		say "the lookup self-test passed in $passed of ${#designs[@]} modules"
		fails=$((fails + 1))
	fi
fi
# The drain module's stream, per design: replayed in userspace, where
# every region must end as it ended in the kernel.
say "[7/7] core.c's ring and drain in the kernel (the series', then RFC v1 4/6's as posted), replayed: ringdrain replay --kstream (every strategy) against the module's final regions:"
for d in "${designs[@]}" rfc; do
	ks=$work/kstream-$d.txt
	awk -v d="$d" '
		/kcheck-guest: / { on = $0 ~ ("kcheck-guest: drain " d "$"); next }
		on && /kcheck_drain: / { sub(/^.*kcheck_drain: /, ""); print }' \
		"$work/console.txt" >"$work/drain-$d.txt"
	awk '/^kstream / { on = 1 } on { print } /^E / { on = 0 }' "$work/drain-$d.txt" >"$ks"
	sed -n 's/^drain: /  /p' "$work/drain-$d.txt"
	if ! grep -q '^drain: result=LOGGED' "$work/drain-$d.txt"; then
		say "$d: the drain module logged no complete stream"
		fails=$((fails + 1))
		continue
	fi
	"$bin" replay "$ks" --kstream --strategy all --dump "$work/kstream-$d.dump" \
		>"$work/replay-$d.log" 2>&1
	rrc=$?
	grep -E '^(kstream|results identical)' "$work/replay-$d.log" | sed 's/^/  /'
	printf '  replay: %s\n' "$(grep -E '^# (reports|applied|deduplicated|stale|no_target|no_region|straddling) ' "$work/kstream-$d.dump" 2>/dev/null | sed 's/^# //' | tr '\n' ' ' | sed 's/ \([0-9]\)/=\1/g')"
	grep '^F ' "$ks" | awk '{ printf "%s 0x%s 0x%s %s %s %s %s\n", $2, $3, $4, $5, $6, $7, $8 }' >"$work/kstream-$d.kernel"
	grep -v '^#' "$work/kstream-$d.dump" >"$work/kstream-$d.replayed" 2>/dev/null
	nk=$(grep -c . "$work/kstream-$d.kernel")
	same=$(awk 'NR == FNR { k[FNR] = $0; n = FNR; next } FNR <= n && $0 == k[FNR] { s++ } END { print s + 0 }' \
		"$work/kstream-$d.kernel" "$work/kstream-$d.replayed")
	nr=$(grep -c . "$work/kstream-$d.replayed")
	# The module's counts against the replay's: the reports the drain
	# took, and the regions it credited (the rest is inside core.c's
	# text; the replay's counts of it are printed).
	cnt=yes
	for k in reports applied; do
		mk=${k%%:*}
		rk=${k##*:}
		mv=$(sed -n "s/^drain: design=.* $mk=\([0-9]*\).*/\1/p" "$work/drain-$d.txt")
		rv=$(sed -n "s/^# $rk //p" "$work/kstream-$d.dump" 2>/dev/null)
		[ -n "$mv" ] && [ "$mv" = "$rv" ] || cnt=no
	done
	if [ $rrc = 0 ] && [ "$nk" -gt 0 ] && [ "$nk" = "$nr" ] && [ "$same" = "$nk" ] && [ $cnt = yes ]; then
		say "$d$([ $d = rfc ] && echo ' (baseline: RFC v1 4/6'"'"'s ring and drain as posted)'): drain PASS: $same of $nk regions end equal in the kernel and the replay (nr_accesses, nr_accesses_bp, last_nr_accesses, age); reports and credits agree"
	else
		say "$d: drain FAIL: replay exit $rrc, kernel $nk regions, replay $nr, $same equal, counts agree: $cnt (see $work/replay-$d.log, $ks)"
		diff "$work/kstream-$d.kernel" "$work/kstream-$d.replayed" | head -n 10
		fails=$((fails + 1))
	fi
done
for d in "${designs[@]}"; do
	if grep -a -q "ringdrain_kcheck: design=$d result=PASS" "$work/console.txt"; then
		say "$d: PASS in the kernel"
	else
		say "$d: did not pass in the kernel"
		fails=$((fails + 1))
	fi
done
grep -a -q 'kcheck-guest: done' "$work/console.txt" ||
	{ say "the guest did not finish its runs"; fails=$((fails + 1)); }

say "took $(($(date +%s) - t0))s"
if ((fails)); then
	say "FAIL: $fails check(s) failed; logs in $work"
	exit 1
fi
say "PASS: ${designs[*]}: series apply, checkpatch/kernel-doc clean, W=1/sparse clean for amd64 and arm64 (arm64 built, not booted), nothing lost, duplicated or torn with NMI producers$([ $have_lookup = yes ] && echo "; the $lookup lookup's self-test passed in the kernel; the drain's stream replayed in userspace ends in the kernel's regions")"
exit 0
