#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink spec is the contract (Documentation/netlink/specs/tcpfsm.yaml).
# This runs the kernel's own YNL tools from Debian's linux-source-6.12
# (unpacked in the project's cache by scripts/debian.sh):
#
#   scripts/ynl.sh gen     regenerate include/uapi/linux/tcpfsm.h,
#                          module/genl.h (handler prototypes, group ids),
#                          module/genl.c (policies, ops, family) and
#                          userspace/spec.[ch] (the attribute tables of
#                          the command and the selftests)
#   scripts/ynl.sh check   validate the spec against the genetlink schema
#                          and check those files are, byte for byte,
#                          what the generators make of it
#   scripts/ynl.sh cli ARGS...
#                          run tools/net/ynl/cli.py with our spec
#
# module/genl.c comes from scripts/genl-gen.py, which renders with the
# generator's own parser and printers but writes the ops as struct
# genl_ops (the 6.12 generator's genl_split_ops need 6.2+) and keeps the
# admin-perm flag of multicast groups (which it drops).
set -euo pipefail

top=$(dirname "$(dirname "$(readlink -f "$0")")")
tarball=$("$top/scripts/debian.sh" pkg linux-source-6.12)/usr/src/linux-source-6.12.tar.xz
dest=$top/build/ksft
src=$dest/linux-source-6.12
py=/usr/bin/python3

if [ "$(cat "$src/tools/net/ynl/.extracted" 2>/dev/null)" != "$tarball" ]; then
	mkdir -p "$dest"
	tar -C "$dest" -xJf "$tarball" linux-source-6.12/tools/net/ynl \
		linux-source-6.12/Documentation/netlink/genetlink.yaml \
		linux-source-6.12/Documentation/netlink/genetlink-c.yaml \
		linux-source-6.12/Documentation/netlink/genetlink-legacy.yaml
	echo "$tarball" >"$src/tools/net/ynl/.extracted"
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

genl_c() { # output
	timeout 60 "$py" "$top/scripts/genl-gen.py" \
		"$src/tools/net/ynl/ynl-gen-c.py" "$spec" "$1"
}

case "${1:-}" in
gen)
	stage
	gen uapi header "$top/include/uapi/linux/tcpfsm.h"
	gen kernel header "$top/module/genl.h"
	genl_c "$top/module/genl.c"
	"$py" "$top/scripts/spec-tables.py" "$spec" "$top/userspace/spec.h" \
		"$top/userspace/spec.c"
	;;
check)
	stage
	gen uapi header "$stage/tcpfsm.h"
	gen kernel header "$stage/genl.h"
	genl_c "$stage/genl.c"
	"$py" "$top/scripts/spec-tables.py" "$spec" "$stage/spec.h" \
		"$stage/spec.c"
	rc=0
	for f in include/uapi/linux/tcpfsm.h:tcpfsm.h module/genl.h:genl.h \
		 module/genl.c:genl.c userspace/spec.h:spec.h \
		 userspace/spec.c:spec.c; do
		if ! diff -u "$top/${f%%:*}" "$stage/${f#*:}"; then
			echo "ynl.sh: ${f%%:*} is stale: run scripts/ynl.sh gen" >&2
			rc=1
		fi
	done
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
