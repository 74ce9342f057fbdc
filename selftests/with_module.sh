#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one tcpfsm test (PROGRAM, beside this script) the way kselftest runs
# it, with the module where the test wants it:
#
#   loaded    tcpfsm loaded for the test: if it is not, this loads it
#             (insmod $TCPFSM_KO if the caller set it, else modprobe
#             tcpfsm) and unloads it after the test, which fails if the
#             unload fails or leaves a /proc/net/tcpfsm behind.
#   unloaded  the test loads and unloads the module itself and starts with
#             it unloaded (it skips, saying so, if it is loaded).
#
# Either way the test gets TCPFSM_KO, the path of tcpfsm.ko, for the
# module that modprobe finds (modinfo -n tcpfsm; a compressed one is
# decompressed into a temporary file for finit_module(2)) unless the
# caller set it, and TCPFSM_CMD, the tcpfsm command found in PATH, unless
# the caller set it.
#
# usage: with_module.sh loaded|unloaded PROGRAM [ARGS...]
# Exit status: the test's (0 pass, 1 fail, 4 skip), 1 if the module could
# not be unloaded after it, 4 if it needs the module and none is found.
set -u

ksft_skip=4
mode=${1:?usage: with_module.sh loaded|unloaded PROGRAM [ARGS...]}
prog=${2:?usage: with_module.sh loaded|unloaded PROGRAM [ARGS...]}
shift 2
here=$(dirname "$(readlink -f "$0")")
tmp=
loaded_here=

loaded() { [ -e /sys/module/tcpfsm ]; }

unload() {
	local i

	for i in $(seq 50); do
		rmmod tcpfsm 2>/dev/null && break
		sleep 0.1
	done
	if loaded; then
		echo "# with_module.sh: rmmod tcpfsm failed after $prog" >&2
		return 1
	fi
	if [ -e /proc/net/tcpfsm ]; then
		echo "# with_module.sh: /proc/net/tcpfsm left after rmmod" >&2
		return 1
	fi
}

# after the test, or when the runner's timeout stops it
on_exit() {
	local rc=$?

	if [ -n "$loaded_here" ] && ! unload; then
		rc=1
	fi
	[ -z "$tmp" ] || rm -rf "$tmp"
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

ko_given=${TCPFSM_KO:-}
if [ -z "$ko_given" ] && ko=$(modinfo -n tcpfsm 2>/dev/null); then
	case $ko in
	*.xz|*.zst|*.gz)
		tmp=$(mktemp -d)
		case $ko in
		*.xz) xz -dc "$ko" ;;
		*.zst) zstd -qdc "$ko" ;;
		*.gz) gzip -dc "$ko" ;;
		esac >"$tmp/tcpfsm.ko" && ko=$tmp/tcpfsm.ko
		;;
	esac
	export TCPFSM_KO=$ko
fi
if [ -z "${TCPFSM_CMD:-}" ] && cmd=$(command -v tcpfsm); then
	export TCPFSM_CMD=$cmd
fi

case $mode in
loaded)
	if ! loaded; then
		if [ -n "$ko_given" ]; then
			insmod "$ko_given" || exit 1
		elif ! modprobe tcpfsm; then
			echo "# SKIP: tcpfsm is not loaded, modprobe does not find it and TCPFSM_KO is not set"
			exit "$ksft_skip"
		fi
		loaded_here=1
	fi
	;;
unloaded) ;;
*)
	echo "usage: with_module.sh loaded|unloaded PROGRAM [ARGS...]" >&2
	exit 2
	;;
esac

"$here/$prog" "$@"
