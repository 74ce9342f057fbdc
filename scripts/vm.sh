#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot kernel KVER (Debian's, unpacked in the project's cache, or the
# project's debug kernel: scripts/kpath.sh finds them) in QEMU (TCG) with
# the host's root filesystem shared read-only,
# run COMMAND (a shell command line) in the project directory as root, power
# off. The guest's console goes to OUTDIR/console; OUTDIR is writable from
# the guest at /run/out. Exits with the command's status, or 124 if the
# guest hung (TCPFSM_VM_TIMEOUT seconds, default 2400: Debian's suite takes
# 13 to 17 minutes beside two other guests on 2 cores; 3600 on the debug
# kernel), or 125 if it died (panic, Oops) before finishing; in
# both cases the console tail is printed.
#
# usage: scripts/vm.sh KVER OUTDIR COMMAND
set -euo pipefail

kver=${1:?usage: vm.sh KVER OUTDIR COMMAND}
outdir=${2:?usage: vm.sh KVER OUTDIR COMMAND}
cmd=${3:?usage: vm.sh KVER OUTDIR COMMAND}
here=$(dirname "$(readlink -f "$0")")
top=$(dirname "$here")

# A kernel built with KASAN is the debug kernel: several times slower, it
# needs more memory (shadow, quarantine, kmemleak's objects) and time, and
# panics on a warning (panic_on_warn=1; 6.12's KASAN reports go through
# check_panic_on_warn() too, so a KASAN report panics as well). Lockdep,
# "sleeping function called" and kmemleak reports do not panic: the guest
# (selftests/run_guest.sh) and check.sh read the log for them. Its soft
# lockup detector stays on, at the longest threshold (120 s) an emulated CPU
# starved by a busy host does not reach. pci=noacpi: its ACPI interpreter,
# under KASAN and lockdep in TCG, runs past the 30 s limit of AML loops in
# the _PRT method ("AE_AML_LOOP_TIMEOUT"), leaving virtio-pci without an
# interrupt; the BIOS's PIRQ table routes them instead.
config=$("$here/kpath.sh" "$kver" config)
if grep -qx 'CONFIG_KASAN=y' "$config"; then
	mem=${TCPFSM_VM_MEM:-2048}
	timeout=${TCPFSM_VM_TIMEOUT:-3600}
	args="panic_on_warn=1 watchdog_thresh=60 pci=noacpi"
else
	mem=${TCPFSM_VM_MEM:-1024}
	timeout=${TCPFSM_VM_TIMEOUT:-2400}
	args=nosoftlockup
fi

mkdir -p "$outdir"
outdir=$(readlink -f "$outdir")
rm -f "$outdir/exit-status" "$outdir/console"
printf '%s\n' "$cmd" >"$outdir/cmd"

image=$("$here/kpath.sh" "$kver" image)
# the kernel's modules are in the project's cache (ROOT/lib/modules/KVER,
# not the host's /lib/modules): the guest's modprobe is pointed there
modroot=$("$here/kpath.sh" "$kver" modroot)
# and promtool (of Debian's prometheus, unpacked there too) is on its PATH
promdir=$("$here/debian.sh" pkg prometheus 2>/dev/null)/usr/bin || promdir=
initrd=$top/build/$kver/initramfs.gz
mkdir -p "$top/build/$kver"
# one build of it when two guests of a kernel start together (make check)
exec {lock}>"$top/build/$kver/initramfs.lock"
flock "$lock"
if [ ! -f "$initrd" ] || [ "$here/initramfs-init" -nt "$initrd" ] ||
   [ "$here/mkinitramfs.sh" -nt "$initrd" ] || [ "$image" -nt "$initrd" ]; then
	"$here/mkinitramfs.sh" "$kver" "$initrd"
fi
exec {lock}>&-

# nosoftlockup (Debian's kernels): an emulated CPU starved by a busy host is
# not a lockup (seen: "soft lockup - CPU#0 stuck for 28s" in early boot,
# before any test); a real hang still ends in the timeout below.
# no_timer_check: the IO-APIC timer check counts ticks in a busy-wait, and
# an emulated CPU starved by a busy host fails it (seen on 6.12-rt: "Kernel
# panic - not syncing: IO-APIC + timer doesn't work!"); KVM guests skip it
# the same way.
# KVM hangs in early boot on these machines (kernel-facts.md): TCG only,
# single-threaded: multi-threaded TCG races with the kernel patching its
# own text across CPUs (seen: "Oops: int3" in early boot of 6.12).
# TCPFSM_VM_ICOUNT=1: the guest's clock counts the instructions it runs
# (-icount shift=0: a nanosecond each; sleep=off: an idle guest jumps to
# its next timer), so that a rate measured in the guest is a count of
# instructions, the same from run to run whatever else the host runs
# (make bench, BENCH_ICOUNT). Without cmpxchg16b: with it, QEMU 7.2's
# icount corrupted EFLAGS (seen: a #DB in kmem_cache_alloc right after a
# cmpxchg16b, then a double fault); the kernel does without it.
cpu=max
icount=()
if [ -n "${TCPFSM_VM_ICOUNT:-}" ]; then
	cpu=max,-cx16
	icount=(-icount shift=0,sleep=off)
fi
set +e
timeout --foreground -k 10 "$timeout" \
	qemu-system-x86_64 -accel tcg,thread=single "${icount[@]}" -cpu "$cpu" -m "$mem" \
	-smp "${TCPFSM_VM_CPUS:-2}" -nographic -no-reboot -nic none \
	-kernel "$image" -initrd "$initrd" \
	-append "console=ttyS0 quiet loglevel=5 panic=-1 oops=panic no_timer_check $args ${TCPFSM_VM_APPEND:-} tcpfsm_dir=$top tcpfsm_modroot=$modroot tcpfsm_path=$promdir" \
	-fsdev local,id=root,path=/,readonly=on,security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=root \
	-fsdev local,id=out,path="$outdir",security_model=none \
	-device virtio-9p-pci,fsdev=out,mount_tag=out \
	</dev/null >"$outdir/console" 2>&1
qemu_rc=$?
set -e
# SeaBIOS clears the screen; keep the log plain text
sed -i 's/\x1bc//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' "$outdir/console"

if [ -f "$outdir/exit-status" ]; then
	exit "$(cat "$outdir/exit-status")"
fi
if [ "$qemu_rc" = 124 ]; then
	echo "vm.sh: guest $kver hung (no result after ${timeout}s); console tail:" >&2
	rc=124
else
	echo "vm.sh: guest $kver died before finishing (qemu exit $qemu_rc); console tail:" >&2
	rc=125
fi
tail -n 60 "$outdir/console" | sed 's/^/  | /' >&2
exit "$rc"
