#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test guest, run from the host's root filesystem (read-only,
# over 9p). Mounts what a system needs, mounts the host's output directory
# (tag "out", writable) at /run/out, runs /run/out/cmd there, records its
# exit status and powers off. See scripts/vm.sh.
# tcpfsm_modroot, tcpfsm_path: see scripts/vm.sh
export PATH=/run/tcpfsm/bin${tcpfsm_path:+:$tcpfsm_path}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# The project may live under a directory that gets a tmpfs (a clone in
# /tmp): hold it on a bind mount meanwhile, and put it back at its path.
dir=${tcpfsm_dir:-/}
mkdir /dev/.project
mount --bind "$dir" /dev/.project
for d in /tmp /run /var/tmp /var/log; do
	mount -t tmpfs tmpfs "$d"
done
mkdir -p "$dir"
mount --move /dev/.project "$dir"
rmdir /dev/.project
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mkdir -p /run/out /run/netns /run/tcpfsm/bin
# The kernel's modules are not in the host's /lib/modules but in the
# project's cache, ROOT/lib/modules/KVER: modprobe, whether run by a test or
# by the kernel (request_module: veth, nf_tables...), is a wrapper that
# looks there. Empty ROOT: a kernel with everything built in.
if [ -n "${tcpfsm_modroot:-}" ]; then
	printf '#!/bin/sh\nexec /sbin/modprobe -d \047%s\047 "$@"\n' "$tcpfsm_modroot" \
		>/run/tcpfsm/bin/modprobe
	chmod 755 /run/tcpfsm/bin/modprobe
	echo /run/tcpfsm/bin/modprobe >/proc/sys/kernel/modprobe
fi
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /run/out

hostname tcpfsm-vm
ip link set lo up

cd "$dir" || exit 1
echo "tcpfsm-vm: $(uname -r) up"
bash /run/out/cmd
echo "$?" >/run/out/exit-status
sync
echo "tcpfsm-vm: done"
busybox poweroff -f
