#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: what tcpfsm costs a busy server, next to the tools it
# replaces. Installs what is missing (scripts/deps.sh --bench), builds the
# module, the command, the benchmark's programs and its probe-cost module,
# boots the 6.12 kernel once in QEMU and runs bench/bench-guest.sh there,
# then prints the tables (bench/report.awk), also kept in
# build/bench/result.txt; the raw figures are in build/bench/vm/results.
#
# BENCH_KERNEL=VERSION picks another kernel (e.g. the 6.1 one);
# BENCH_ICOUNT=1 runs the guests with a clock that counts instructions
# (scripts/vm.sh, TCPFSM_VM_ICOUNT): rates and costs are then
# instructions, the same from run to run on a busy host, where the host's
# time varies by a quarter from one window to the next;
# BENCH_ROUNDS, BENCH_SECONDS, BENCH_THREADS, BENCH_CONNS, BENCH_READ_REPS
# size the run (bench/bench-guest.sh); BENCH_VM_MEM (MiB, default 3072)
# and BENCH_VM_CPUS (2) size the guest. Figures are printed, never
# asserted.
set -euo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$top"

scripts/deps.sh --bench
k=${BENCH_KERNEL:-$(scripts/kernels.sh --debian | tail -n 1)}
ko=$(scripts/build-module.sh "$k")
make -s -C userspace OUTPUT="$top/build/userspace"
make -s -C bench OUTPUT="$top/build/bench"

# the probe-cost module, built as build-module.sh builds tcpfsm
kmod=$top/build/bench/$k/kmod
mkdir -p "$kmod"
cp -u bench/kmod/Kbuild bench/kmod/*.c "$kmod/"
kdir=$(scripts/kpath.sh "$k" build)
make -s -C "$kdir" M="$kmod" W=1 modules >&2

out=$top/build/bench/vm
rm -rf "$out"
mkdir -p "$out"
# node_exporter, unpacked in the cache (scripts/debian.sh), not installed
node_exporter=$(scripts/debian.sh pkg prometheus-node-exporter)/usr/bin/prometheus-node-exporter
{
	for v in BENCH_ROUNDS BENCH_SECONDS BENCH_THREADS BENCH_CONNS BENCH_READ_REPS \
		BENCH_READ_SECONDS BENCH_AB_PAIRS BENCH_AB_SECONDS BENCH_STALL_REPS \
		BENCH_ICOUNT; do
		[ -z "${!v+set}" ] || printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'export NODE_EXPORTER=%q\n' "$node_exporter"
} >"$out/env"

# memory: two short boots of their own, without and with tcpfsm
mem=$top/build/bench/mem
rm -rf "$mem"
for m in without with; do
	echo "booting Linux $k in QEMU (TCG): memory, $m tcpfsm..." >&2
	TCPFSM_VM_MEM=${BENCH_VM_MEM:-3072} TCPFSM_VM_CPUS=${BENCH_VM_CPUS:-2} \
		TCPFSM_VM_ICOUNT=${BENCH_ICOUNT:-} scripts/vm.sh "$k" "$mem/$m" \
		"bash bench/mem-guest.sh $m $ko build/userspace/tcpfsm /run/out/mem ${BENCH_NETNS:-300}" ||
		echo "bench.sh: the memory guest ($m) exited $?; see $mem/$m/console" >&2
done

echo "booting Linux $k in QEMU (TCG); the run takes about 9 minutes..." >&2
rc=0
TCPFSM_VM_MEM=${BENCH_VM_MEM:-3072} TCPFSM_VM_CPUS=${BENCH_VM_CPUS:-2} \
	TCPFSM_VM_TIMEOUT=${TCPFSM_VM_TIMEOUT:-3600} TCPFSM_VM_ICOUNT=${BENCH_ICOUNT:-} \
	scripts/vm.sh "$k" "$out" \
	". /run/out/env; bash bench/bench-guest.sh $ko $kmod/tcpfsm_probe_bench.ko build/bench build/userspace/tcpfsm /run/out/results" ||
	rc=$?
if [ ! -s "$out/results" ]; then
	echo "bench.sh: the guest wrote no results (exit $rc)" >&2
	exit 1
fi
memres=()
for m in "$mem"/*/mem; do
	[ ! -f "$m" ] || memres+=("$m")
done
awk -f bench/report.awk "$out/results" "${memres[@]}" | tee build/bench/result.txt
[ "$rc" = 0 ] || echo "bench.sh: the guest script exited $rc; see $out/console" >&2
exit "$rc"
