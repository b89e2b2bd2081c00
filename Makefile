# SPDX-License-Identifier: GPL-2.0
#
# migvisor: make            module (against KDIR) + tools + selftests
#           make check      everything, in emulated Intel hosts; see README
#           make bench      benchmarks against peers; see bench/README.md
#           make style      checkpatch + sparse
#           make install    module and tools on a real server

MV_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/migvisor
export MV_CACHE
-include $(MV_CACHE)/deps.env

# The running kernel's headers if installed, else the distro headers that
# scripts/install-deps resolved (the kernel the emulated hosts boot).
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) $(MV_KDIR_CLOUD))

PREFIX ?= /usr/local
FLAVOURS := cloud-amd64 amd64
KSRC_FILES := Kbuild kmod common uapi

all: modules tools selftests guests

need-kdir:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { \
	  echo "No kernel headers: install linux-headers-$$(uname -r)," \
	       "run scripts/install-deps, or set KDIR=" >&2; exit 1; }

modules: need-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C userspace

selftests:
	$(MAKE) -C selftests/migvisor

guests:
	$(MAKE) -C guests

# The module for each kernel flavour the test hosts boot, built from a copy
# of the sources so that flavours do not share objects.
ko: $(foreach f,$(FLAVOURS),build/ko/$(f)/kmod/migvisor.ko)

build/ko/%/kmod/migvisor.ko: FORCE
	@mkdir -p build/ko/$*
	@tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	  --exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order \
	  $(KSRC_FILES) | tar -xf - -C build/ko/$*
	$(MAKE) -C /usr/src/linux-headers-$(KABI)-$* M=$(CURDIR)/build/ko/$* modules

unit: tools selftests
	$(MAKE) -C userspace/tests run

demo:
	scripts/demo

bench:
	scripts/bench

check:
	scripts/check

style: need-kdir
	scripts/style

install: modules tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 0755 userspace/mvctl/mvctl $(DESTDIR)$(PREFIX)/sbin/mvctl
	install -D -m 0644 docs/man/mvctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/mvctl.8
	install -D -m 0755 userspace/mvmig/mvmig $(DESTDIR)$(PREFIX)/sbin/mvmig
	install -D -m 0644 docs/man/mvmig.8 $(DESTDIR)$(PREFIX)/share/man/man8/mvmig.8

clean:
	-test -d "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C userspace/tests clean
	$(MAKE) -C selftests/migvisor clean
	$(MAKE) -C guests clean
	$(MAKE) -C bench clean
	rm -rf build

FORCE:
.PHONY: all need-kdir modules tools selftests guests ko unit demo bench check style install clean FORCE
