#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs for kernel KVER: a static busybox, the modules
# needed to mount the host's root filesystem over virtio-9p (decompressed,
# in load order, from the kernel's tree in the project's cache,
# scripts/kpath.sh; none when the kernel has them built in, as the debug
# kernel does), and scripts/initramfs-init as /init.
#
# usage: scripts/mkinitramfs.sh KVER OUTPUT
set -euo pipefail

kver=${1:?usage: mkinitramfs.sh KVER OUTPUT}
out=${2:?usage: mkinitramfs.sh KVER OUTPUT}
here=$(dirname "$(readlink -f "$0")")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,modules}
cp /bin/busybox "$tmp/bin/busybox"
cp "$here/initramfs-init" "$tmp/init"
chmod 755 "$tmp/init"

config=$("$here/kpath.sh" "$kver" config)
modroot=$("$here/kpath.sh" "$kver" modroot)
: >"$tmp/modules/order"
for m in virtio_pci:VIRTIO_PCI 9pnet_virtio:NET_9P_VIRTIO 9p:9P_FS; do
	grep -qx "CONFIG_${m#*:}=y" "$config" ||
		modprobe -d "${modroot:?no modules for $kver}" -S "$kver" \
			--show-depends "${m%%:*}"
done |
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
	while read -r ko; do
		name=$(basename "$ko")
		case "$ko" in
		*.xz)  name=${name%.xz};  xz -dc "$ko" >"$tmp/modules/$name" ;;
		*.zst) name=${name%.zst}; zstd -qdc "$ko" >"$tmp/modules/$name" ;;
		*)     cp "$ko" "$tmp/modules/$name" ;;
		esac
		echo "$name" >>"$tmp/modules/order"
	done

(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
