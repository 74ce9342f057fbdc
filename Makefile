# SPDX-License-Identifier: GPL-2.0
#
# make                 build tcpfsm.ko for the running kernel
# make KVER=VERSION    ... for another installed kernel (headers needed)
# make install         install the module (into /lib/modules/KVER/updates,
#                      then depmod), the command, its man page and bash
#                      completion (PREFIX=/usr/local, DESTDIR: a staging
#                      root, where depmod is not run)
# make uninstall       remove what make install installed
# make check           build for every supported kernel and run the
#                      selftests in QEMU (installs what is missing)
# make demo            boot a VM, load the module, show /proc/net/tcpfsm
# make bench           measure what tcpfsm costs next to tcpstates and
#                      bpftrace, in one VM boot (figures, no assertions)
# make style           checkpatch and sparse on the module
#
# Debian packages (tcpfsm-dkms, tcpfsm): dpkg-buildpackage -b -us -uc

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
MODDIR ?= /lib/modules/$(KVER)/updates
INSTALL ?= install

all: module

module: headers
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# the kernel's build tree, or a hint that names the package
headers:
	@test -e $(KDIR)/Makefile || { \
		echo "tcpfsm: no kernel headers for $(KVER) in $(KDIR): install them (Debian: apt install linux-headers-$(KVER))" >&2; \
		exit 1; }

command:
	$(MAKE) -C userspace

install: module command
	$(INSTALL) -D -m 644 tcpfsm.ko $(DESTDIR)$(MODDIR)/tcpfsm.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	$(INSTALL) -D -m 755 userspace/tcpfsm $(DESTDIR)$(BINDIR)/tcpfsm
	$(INSTALL) -D -m 644 packaging/tcpfsm.8 $(DESTDIR)$(MANDIR)/man8/tcpfsm.8
	$(INSTALL) -D -m 644 packaging/tcpfsm.bash-completion \
		$(DESTDIR)$(COMPLETIONDIR)/tcpfsm

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/tcpfsm.ko $(DESTDIR)$(BINDIR)/tcpfsm \
		$(DESTDIR)$(MANDIR)/man8/tcpfsm.8 $(DESTDIR)$(COMPLETIONDIR)/tcpfsm
	$(if $(DESTDIR),,depmod -a $(KVER))

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	-$(MAKE) -C userspace clean
	rm -rf build

check:
	scripts/check.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

style:
	scripts/style.sh

.PHONY: all module headers command install uninstall clean check demo bench \
	style
