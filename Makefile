# SPDX-License-Identifier: GPL-2.0
#
# make                 build tcpfsm.ko for the running kernel
# make KVER=VERSION    ... for another installed kernel (headers needed)
# make check           build for every supported kernel and run the
#                      selftests in QEMU (installs what is missing)
# make demo            boot a VM, load the module, show /proc/net/tcpfsm
# make bench           measure what tcpfsm costs next to tcpstates and
#                      bpftrace, in one VM boot (figures, no assertions)
# make style           checkpatch and sparse on the module

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build

check:
	scripts/check.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

style:
	scripts/style.sh

.PHONY: all module clean check demo bench style
