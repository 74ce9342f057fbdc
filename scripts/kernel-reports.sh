#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel's reports of trouble found in a kernel log: dmesg, or a
# QEMU console (only lines with a printk timestamp count, so the tests' own
# output cannot match). Exits 0 if there is one, 1 if there is none. One
# list for every kernel; on Debian's most of these instruments are off, and
# their reports simply never appear:
#   WARN() and BUG() (WARNING:, BUG:, Oops, general protection, Call Trace),
#   KASAN (BUG: KASAN), lockdep (possible circular or recursive locking,
#   inconsistent lock state, suspicious RCU usage, lockdep's own limits),
#   might_sleep() (sleeping function called from invalid context), RCU
#   stalls, soft lockups and hung tasks, debugobjects (ODEBUG), kmemleak
#   (suspected leaks; kmemleak turning itself off).
#
# usage: scripts/kernel-reports.sh [LOG]   (default: standard input)
set -uo pipefail

re='WARNING:|BUG:|Oops|general protection|Call Trace:'
re+='|possible (circular|recursive) locking|inconsistent lock state'
re+='|suspicious RCU usage|lockdep is turned off|DEBUG_LOCKS_WARN_ON'
re+='|sleeping function called from invalid context'
re+='|detected stalls?|self-detected stall|rcu_sched kthread starved'
re+='|soft lockup|blocked for more than|Disabling lock debugging'
re+='|ODEBUG: |suspected memory leak'
re+='|kmemleak: (Memory pool empty|Cannot allocate|Kernel memory leak detector disabled)'

tr -d '\r' <"${1:-/dev/stdin}" | grep -aE "\[ *[0-9]+\.[0-9]+\] .*($re)"
