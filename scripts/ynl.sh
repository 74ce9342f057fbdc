#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink spec is the contract (Documentation/netlink/specs/tcpfsm.yaml).
# This runs the kernel's own YNL tools from Debian's linux-source-6.12:
#
#   scripts/ynl.sh gen     regenerate include/uapi/linux/tcpfsm.h and
#                          module/genl.h (handler prototypes, group ids)
#   scripts/ynl.sh check   validate the spec against the genetlink schema,
#                          check both headers are what the generator makes
#                          of it and module/netlink.c's policies and ops
#                          agree with the generator's (scripts/ynl-check.py)
#   scripts/ynl.sh cli ARGS...
#                          run tools/net/ynl/cli.py with our spec
#
# The 6.12 generator is not used for the kernel tables themselves: its
# output needs genl_split_ops (6.2+) and drops the admin-perm flag of
# multicast groups, so module/netlink.c is written by hand and checked.
set -euo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
tarball=/usr/src/linux-source-6.12.tar.xz
dest=$top/build/ksft
src=$dest/linux-source-6.12
py=/usr/bin/python3

if [ ! -f "$src/tools/net/ynl/.extracted" ] || [ "$tarball" -nt "$src/tools/net/ynl/.extracted" ]; then
	mkdir -p "$dest"
	tar -C "$dest" -xJf "$tarball" linux-source-6.12/tools/net/ynl \
		linux-source-6.12/Documentation/netlink/genetlink.yaml \
		linux-source-6.12/Documentation/netlink/genetlink-c.yaml \
		linux-source-6.12/Documentation/netlink/genetlink-legacy.yaml
	touch "$src/tools/net/ynl/.extracted"
fi

# The generator finds the schema next to the spec and the "kernel root" by
# its MAINTAINERS file: give it a tree of that shape (on the host: the
# guest sees the tree read-only and uses what the host staged).
stage=$top/build/ynl
spec=$stage/Documentation/netlink/specs/tcpfsm.yaml
stage() {
	mkdir -p "$stage/Documentation/netlink/specs"
	touch "$stage/MAINTAINERS"
	cp "$src"/Documentation/netlink/genetlink*.yaml "$stage/Documentation/netlink/"
	cp "$top/Documentation/netlink/specs/tcpfsm.yaml" "$spec"
}
gen() { # mode header|source output
	timeout 60 "$py" "$src/tools/net/ynl/ynl-gen-c.py" --mode "$1" "--$2" \
		--spec "$spec" -o "$3"
}

case "${1:-}" in
gen)
	stage
	gen uapi header "$top/include/uapi/linux/tcpfsm.h"
	gen kernel header "$top/module/genl.h"
	;;
check)
	stage
	gen uapi header "$stage/tcpfsm.h"
	gen kernel header "$stage/genl.h"
	gen kernel source "$stage/genl.c"
	rc=0
	for f in include/uapi/linux/tcpfsm.h:tcpfsm.h module/genl.h:genl.h; do
		if ! diff -u "$top/${f%%:*}" "$stage/${f#*:}"; then
			echo "ynl.sh: ${f%%:*} is stale: run scripts/ynl.sh gen" >&2
			rc=1
		fi
	done
	"$py" "$top/scripts/ynl-check.py" "$spec" "$stage/genl.c" \
		"$top/module/netlink.c" || rc=1
	exit "$rc"
	;;
cli)
	shift
	exec "$py" "$src/tools/net/ynl/cli.py" --spec "$spec" \
		--schema "$stage/Documentation/netlink/genetlink.yaml" "$@"
	;;
*)
	echo "usage: scripts/ynl.sh gen|check|cli ARGS" >&2
	exit 1
	;;
esac
