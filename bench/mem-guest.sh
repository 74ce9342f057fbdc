#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The memory half of make bench (scripts/bench.sh), run as root in a guest
# of its own, once without tcpfsm and once with it (separate boots: memory
# the per-CPU allocator or a cache took in one run does not land in the
# other). Writes one line per reading to RESULTS:
#
#   mem without|with STAGE PERCPU_KB SUNRECLAIM_KB VMALLOC_KB
#
# from /proc/meminfo (Percpu, SUnreclaim, and the vmalloc areas of
# /proc/vmallocinfo but the per-CPU allocator's chunks, which Percpu
# counts already), at the stages:
#
#   boot      before anything (with: before insmod)
#   load      with: after insmod tcpfsm
#   netns     after N more network namespaces (ip netns add)
#   monitor   with: while tcpfsm monitor listens (in the initial netns)
#   after     with: after it exited
#
# usage: mem-guest.sh without|with TCPFSM.KO TCPFSM_CMD RESULTS [N]
# N: network namespaces to add (BENCH_NETNS, 300).
set -u

mode=${1:?usage: mem-guest.sh without|with TCPFSM.KO TCPFSM_CMD RESULTS [N]}
ko=$(readlink -f "${2:?}")
tcpfsm=$(readlink -f "${3:?}")
results=${4:?}
n=${5:-300}

log() { echo "bench: [${SECONDS}s] $*" >&2; }

# settle: freed objects reach their caches' free lists, RCU callbacks run
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 2
}

reading() { # stage
	settle
	local pcpu sunr vm
	pcpu=$(awk '/^Percpu:/ { print $2 }' /proc/meminfo)
	sunr=$(awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo)
	vm=$(awk '$0 !~ /pcpu_get_vm_areas/ && $2 ~ /^[0-9]+$/ { b += $2 } END { printf "%d", b / 1024 }' \
		/proc/vmallocinfo)
	echo "mem $mode $1 $pcpu $sunr $vm" >>"$results"
	log "$1: Percpu $pcpu kB, SUnreclaim $sunr kB, vmalloc $vm kB"
}

echo "mem $mode info cpus $(nproc)" >>"$results"
echo "mem $mode info netns $n" >>"$results"
reading boot
if [ "$mode" = with ]; then
	insmod "$ko" || { log "insmod failed"; exit 1; }
	reading load
fi
for i in $(seq "$n"); do
	ip netns add "bench$i" || { log "ip netns add bench$i failed"; exit 1; }
done
reading netns
if [ "$mode" = with ]; then
	"$tcpfsm" monitor >/dev/null 2>&1 &
	mon=$!
	sleep 2
	reading monitor
	kill -TERM "$mon"
	wait "$mon" 2>/dev/null
	reading after
fi
for i in $(seq "$n"); do
	ip netns del "bench$i"
done
[ "$mode" != with ] || rmmod tcpfsm
log "memory ($mode) done"
