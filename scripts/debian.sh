#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages the test bed uses without installing them into the
# host: the test kernels (image, headers with their -common and
# linux-kbuild), linux-source-6.12 and prometheus (for promtool); for make
# bench also prometheus-node-exporter (its package would start a service).
# `apt-get download` fetches them, `dpkg -x` unpacks them into the
# project's cache, no maintainer script runs:
#
#   CACHE/debian/linux-KVER_VERSION/  one root per kernel: boot/vmlinuz-KVER,
#       boot/config-KVER, lib/modules/KVER (with depmod's indexes; build ->
#       the headers), usr/src/linux-headers-KVER and its -common,
#       usr/lib/linux-kbuild-*
#   CACHE/debian/linux-source-6.12_VERSION/usr/src/linux-source-6.12.tar.xz
#   CACHE/debian/prometheus_VERSION/usr/bin/promtool (and its copyright;
#       the rest of the package is deleted)
#   CACHE/debian/prometheus-node-exporter_VERSION/usr/bin/
#       prometheus-node-exporter (the same way; fetch --bench only)
#
# where CACHE is ${TCPFSM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcpfsm}.
# An entry is named by the package's version: a new version in the archive
# makes a new entry, the old one stays until removed (rm -rf CACHE/debian;
# nothing else on the system refers to it). Inside a kernel's root, absolute
# symlinks (build -> /usr/src/..., scripts -> /usr/lib/linux-kbuild-...) are
# made relative and the headers' Makefile includes its -common from the
# entry, so Kbuild works with KDIR in the cache and nothing is read from the
# host's /boot, /lib/modules or /usr/src. An entry is unpacked in a
# temporary directory and renamed when complete.
#
# usage: debian.sh fetch [--bench] download and unpack the newest versions
#                                 the apt lists offer, unless cached
#                                 (--bench: node_exporter too)
#        debian.sh kernel KVER    the root of kernel KVER (newest version)
#        debian.sh pkg PACKAGE    the entry of PACKAGE (linux-source-6.12,
#                                 prometheus), newest version
#        debian.sh version PACKAGE|KVER   the version of that entry
set -euo pipefail
shopt -s inherit_errexit

cache=${TCPFSM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcpfsm}
deb=$(readlink -m "$cache")/debian

usage() {
	echo "usage: debian.sh fetch [--bench] | kernel KVER | pkg PACKAGE | version PACKAGE|KVER" >&2
	exit 2
}

# the newest entry named PREFIX_VERSION
newest() {
	local e
	e=$(ls -d "$deb/$1"_* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$e" ] || return 1
	echo "$e"
}

# download PACKAGE... into DIR (as root, apt's sandbox user cannot write
# to the cache: download as root rather than warn)
download() {
	local dir=$1
	shift
	local opt=()
	[ "$(id -u)" != 0 ] || opt=(-o APT::Sandbox::User=root)
	(cd "$dir" && apt-get download -q "${opt[@]}" "$@" >&2)
}

# every absolute symlink under ROOT that has its target inside ROOT is made
# relative, so the tree works where it is (and wherever it is moved)
relink() {
	local root=$1 l t
	find "$root" -type l -lname '/*' -print0 |
		while IFS= read -r -d '' l; do
			t=$(readlink "$l")
			[ -e "$root$t" ] || [ -L "$root$t" ] || continue
			ln -sfn "$(realpath -m -s --relative-to="$(dirname "$l")" "$root$t")" "$l"
		done
}

updated=
refresh() {
	[ -z "$updated" ] || return 0
	updated=1
	if [ "$(id -u)" = 0 ]; then
		apt-get update -q >/dev/null
	else
		echo "debian.sh: not root: using the apt lists as they are" >&2
	fi
}

# unpack NAME: the .deb files of PACKAGES into CACHE/debian/NAME, then run
# FIXUP on the tree
unpack() { # name fixup packages...
	local name=$1 fixup=$2
	shift 2
	[ ! -d "$deb/$name" ] || return 0
	mkdir -p "$deb"
	local tmp start
	tmp=$(mktemp -d "$deb/.tmp-$name.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	mkdir "$tmp/debs"
	start=$(date +%s)
	echo "debian.sh: fetching $*" >&2
	download "$tmp/debs" "$@"
	local size f
	size=$(du -sm "$tmp/debs" | cut -f1)
	for f in "$tmp"/debs/*.deb; do
		dpkg -x "$f" "$tmp/root"
	done
	rm -rf "$tmp/debs"
	"$fixup" "$tmp/root" "$deb/$name"
	mv "$tmp/root" "$deb/$name"
	rm -rf "$tmp"
	trap - EXIT
	echo "debian.sh: $name: ${size} MB downloaded, unpacked in $(($(date +%s) - start)) s ($(du -sm "$deb/$name" | cut -f1) MB)" >&2
}

fix_kernel() { # tree final-path
	local root=$1 final=$2 kver mk
	relink "$root"
	# the flavour's Makefile includes its -common by absolute path
	for mk in "$root"/usr/src/linux-headers-*/Makefile; do
		sed -i "s|^include /usr/src/|include $final/usr/src/|" "$mk"
	done
	kver=$(basename "$(ls -d "$root"/lib/modules/*)")
	/sbin/depmod -b "$root" "$kver"
	# what must be there
	[ -f "$root/boot/vmlinuz-$kver" ] && [ -f "$root/boot/config-$kver" ] &&
		[ -f "$root/lib/modules/$kver/build/Makefile" ] &&
		[ -d "$root/lib/modules/$kver/build/scripts/" ] || {
		echo "debian.sh: $kver: incomplete tree in $root" >&2
		exit 1
	}
}

fix_none() { :; }

# keep only usr/bin/PROGRAM of package PACKAGE and its copyright
keep_program() { # root package program
	local root=$1 pkg=$2 prog=$3
	[ -x "$root/usr/bin/$prog" ] || { echo "debian.sh: no $prog in $pkg" >&2; exit 1; }
	find "$root" -mindepth 1 -maxdepth 1 ! -name usr -exec rm -rf {} +
	find "$root/usr/bin" -mindepth 1 ! -name "$prog" -delete
	find "$root/usr" -mindepth 1 -maxdepth 1 ! -name bin ! -name share -exec rm -rf {} +
	find "$root/usr/share" -mindepth 1 -maxdepth 1 ! -name doc -exec rm -rf {} +
	find "$root/usr/share/doc/$pkg" -mindepth 1 -maxdepth 1 ! -name copyright -exec rm -rf {} +
}

fix_prometheus() { keep_program "$1" prometheus promtool; }

fix_node_exporter() {
	keep_program "$1" prometheus-node-exporter prometheus-node-exporter
}

# What the cache should hold, one line per entry:
#   NAME FIXUP PACKAGE=VERSION...
# the newest 6.1 and 6.12 kernels of the apt lists, the PREEMPT_RT build of
# that 6.12, each with its headers and what they depend on from the same
# source (-common, linux-kbuild; not the compiler, a host tool), and
# linux-source-6.12 and prometheus, at the versions apt would install.
# Three apt-cache calls in all: each takes a second on a busy machine.
plan() {
	local imgs img61 img612 kvers k hdrs deps pkgs policy line d v
	imgs=$(apt-cache search --names-only \
		'^linux-image-6\.(1\.0-[0-9]+|12\.[0-9]+\+deb12)-amd64$' |
		awk '{ print $1 }')
	img61=$(grep '^linux-image-6\.1\.' <<<"$imgs" | sort -V | tail -n 1 || true)
	img612=$(grep '^linux-image-6\.12\.' <<<"$imgs" | sort -V | tail -n 1 || true)
	[ -n "$img61" ] || { echo "debian.sh: no 6.1 kernel in the apt lists" >&2; return 1; }
	[ -n "$img612" ] || { echo "debian.sh: no 6.12 kernel in the apt lists" >&2; return 1; }
	img612=${img612#linux-image-}
	kvers="${img61#linux-image-} $img612 ${img612%-amd64}-rt-amd64"
	hdrs=$(for k in $kvers; do echo "linux-headers-$k"; done)
	# HEADERS DEPENDENCY, for the headers' -common and linux-kbuild
	# shellcheck disable=SC2086
	deps=$(apt-cache depends $hdrs | awk '
		/^[^ |]/ { p = $1 }
		$1 == "Depends:" && $2 ~ /^linux-headers-.*-common(-rt)?$|^linux-kbuild-/ { print p, $2 }')
	pkgs=$({ for k in $kvers; do echo "linux-image-$k linux-headers-$k"; done
		awk '{ print $2 }' <<<"$deps"
		echo linux-source-6.12 prometheus
		[ -z "$bench" ] || echo prometheus-node-exporter; } |
		tr ' ' '\n' | sort -u)
	# PACKAGE VERSION, what apt would install
	# shellcheck disable=SC2086
	policy=$(apt-cache policy $pkgs | awk '
		/^[^ ]/ { p = $1; sub(/:$/, "", p) }
		$1 == "Candidate:" && $2 != "(none)" { print p, $2 }')
	ver() {
		local v
		v=$(awk -v p="$1" '$1 == p { print $2 }' <<<"$policy")
		[ -n "$v" ] || { echo "debian.sh: no $1 in the apt lists" >&2; return 1; }
		echo "$v"
	}
	for k in $kvers; do
		v=$(ver "linux-image-$k")
		line="linux-${k}_$v fix_kernel linux-image-$k=$v"
		v=$(ver "linux-headers-$k")
		line+=" linux-headers-$k=$v"
		for d in $(awk -v p="linux-headers-$k" '$1 == p { print $2 }' <<<"$deps"); do
			v=$(ver "$d")
			line+=" $d=$v"
		done
		[[ $line == *-common*=* && $line == *linux-kbuild-*=* ]] || {
			echo "debian.sh: cannot resolve what linux-headers-$k depends on" >&2
			return 1
		}
		echo "$line"
	done
	v=$(ver linux-source-6.12)
	echo "linux-source-6.12_$v fix_none linux-source-6.12=$v"
	v=$(ver prometheus)
	echo "prometheus_$v fix_prometheus prometheus=$v"
	[ -n "$bench" ] || return 0
	v=$(ver prometheus-node-exporter)
	echo "prometheus-node-exporter_$v fix_node_exporter prometheus-node-exporter=$v"
}

# Nothing to do when the entries of what the apt lists offer are there
# (no network). Otherwise the lists are refreshed first (as root), as
# apt-get install would want, and what is missing is fetched.
fetch() {
	local todo line
	# one fetcher at a time; the others find its entries
	mkdir -p "$deb"
	exec 9>"$deb/.lock"
	flock 9
	todo=$(plan 2>/dev/null | while read -r line; do
		[ -d "$deb/${line%% *}" ] || echo "$line"
	done) || todo=missing
	[ -n "$todo" ] || return 0
	refresh
	todo=$(plan)
	while read -r line; do
		# shellcheck disable=SC2086
		unpack $line
	done <<<"$todo"
}

# the newest cache entry of package @1 (or, if @2 is given, of @2 when @1
# has none), or exit with where it should be
entry() {
	newest "$1" || { [ -n "${2:-}" ] && newest "$2"; } || {
		echo "debian.sh: $1 is not in $deb (scripts/deps.sh fetches it)" >&2
		exit 1
	}
}

bench=
case ${1:-} in
fetch)
	case ${2:-} in
	--bench) bench=1 ;;
	'') ;;
	*) usage ;;
	esac
	fetch
	;;
kernel)
	[ -n "${2:-}" ] || usage
	entry "linux-$2"
	;;
pkg)
	[ -n "${2:-}" ] || usage
	entry "$2"
	;;
version)
	[ -n "${2:-}" ] || usage
	e=$(entry "$2" "linux-$2")
	echo "${e##*_}"
	;;
*) usage ;;
esac
