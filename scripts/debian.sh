#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages the test bed uses without installing them into the
# host: the test kernels (image, headers with their -common and
# linux-kbuild), linux-source-6.12 and prometheus (for promtool).
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
# usage: debian.sh fetch          download and unpack the newest versions
#                                 the apt lists offer, unless cached
#        debian.sh kernel KVER    the root of kernel KVER (newest version)
#        debian.sh pkg PACKAGE    the entry of PACKAGE (linux-source-6.12,
#                                 prometheus), newest version
#        debian.sh version PACKAGE|KVER   the version of that entry
set -euo pipefail

cache=${TCPFSM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcpfsm}
deb=$(readlink -m "$cache")/debian

usage() {
	echo "usage: debian.sh fetch | kernel KVER | pkg PACKAGE | version PACKAGE|KVER" >&2
	exit 2
}

# the newest entry named PREFIX_VERSION
newest() {
	local e
	e=$(ls -d "$deb/$1"_* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$e" ] || return 1
	echo "$e"
}

# the newest package named by the regular expression in the apt lists
newest_name() {
	apt-cache search --names-only "$1" | awk '{print $1}' | sort -V | tail -n 1
}

# the version apt would install of PACKAGE (with fresh lists if the lists
# have none)
candidate() {
	local v
	v=$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	if [ -z "$v" ] || [ "$v" = "(none)" ]; then
		refresh
		v=$(apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2 }')
	fi
	[ -n "$v" ] && [ "$v" != "(none)" ] || {
		echo "debian.sh: no $1 in the archive (apt-get update?)" >&2
		exit 1
	}
	echo "$v"
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
	if ! download "$tmp/debs" "$@"; then
		# an old version may have left the archive: new lists, once more
		refresh
		download "$tmp/debs" "$@"
	fi
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

fix_prometheus() { # only promtool is used
	local root=$1
	[ -x "$root/usr/bin/promtool" ] || { echo "debian.sh: no promtool in prometheus" >&2; exit 1; }
	find "$root" -mindepth 1 -maxdepth 1 ! -name usr -exec rm -rf {} +
	find "$root/usr/bin" -mindepth 1 ! -name promtool -delete
	find "$root/usr" -mindepth 1 -maxdepth 1 ! -name bin ! -name share -exec rm -rf {} +
	find "$root/usr/share" -mindepth 1 -maxdepth 1 ! -name doc -exec rm -rf {} +
	find "$root/usr/share/doc/prometheus" -mindepth 1 -maxdepth 1 ! -name copyright -exec rm -rf {} +
}

# a kernel: the image, its headers and what they depend on from the same
# source (-common, linux-kbuild; not the compiler, a host tool)
fetch_kernel() { # image package
	local img=$1 kver ver hdr deps
	kver=${img#linux-image-}
	ver=$(candidate "$img")
	[ -d "$deb/linux-${kver}_$ver" ] && return 0
	hdr=linux-headers-$kver
	deps=$(apt-cache depends "$hdr" | awk '$1 == "Depends:" { print $2 }' |
		grep -E '^linux-headers-.*-common(-rt)?$|^linux-kbuild-' | sort -u || true)
	[ -n "$deps" ] || { echo "debian.sh: cannot resolve what $hdr depends on" >&2; exit 1; }
	# shellcheck disable=SC2086
	unpack "linux-${kver}_$ver" fix_kernel "$img=$ver" "$hdr=$ver" $deps
}

fetch() {
	local img61 img612 p ver
	# one fetcher at a time; the others find its entries
	mkdir -p "$deb"
	exec 9>"$deb/.lock"
	flock 9
	img61=$(newest_name '^linux-image-6\.1\.0-[0-9]+-amd64$')
	img612=$(newest_name '^linux-image-6\.12\.[0-9]+\+deb12-amd64$')
	if [ -z "$img61" ] || [ -z "$img612" ]; then
		refresh
		img61=$(newest_name '^linux-image-6\.1\.0-[0-9]+-amd64$')
		img612=$(newest_name '^linux-image-6\.12\.[0-9]+\+deb12-amd64$')
	fi
	[ -n "$img61" ] || { echo "debian.sh: no 6.1 kernel in the archive" >&2; exit 1; }
	[ -n "$img612" ] || { echo "debian.sh: no 6.12 kernel in the archive" >&2; exit 1; }
	# the PREEMPT_RT build of the same 6.12
	for p in "$img61" "$img612" "${img612%-amd64}-rt-amd64"; do
		fetch_kernel "$p"
	done
	ver=$(candidate linux-source-6.12)
	unpack "linux-source-6.12_$ver" fix_none linux-source-6.12="$ver"
	ver=$(candidate prometheus)
	unpack "prometheus_$ver" fix_prometheus prometheus="$ver"
}

case ${1:-} in
fetch) fetch ;;
kernel)
	[ -n "${2:-}" ] || usage
	e=$(newest "linux-$2") || {
		echo "debian.sh: kernel $2 is not in $deb (scripts/deps.sh fetches it)" >&2
		exit 1
	}
	echo "$e"
	;;
pkg)
	[ -n "${2:-}" ] || usage
	e=$(newest "$2") || {
		echo "debian.sh: $2 is not in $deb (scripts/deps.sh fetches it)" >&2
		exit 1
	}
	echo "$e"
	;;
version)
	[ -n "${2:-}" ] || usage
	e=$(newest "$2" || newest "linux-$2") || {
		echo "debian.sh: $2 is not in $deb (scripts/deps.sh fetches it)" >&2
		exit 1
	}
	echo "${e##*_}"
	;;
*) usage ;;
esac
