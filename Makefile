# SPDX-License-Identifier: GPL-2.0
#
# migvisor: make            module (against KDIR) + tools + selftests
#           make check      everything, in emulated Intel hosts; see README
#           make bench      benchmarks against peers; see bench/README.md
#           make style      checkpatch + sparse
#           make fuzz       libFuzzer harnesses, MV_FUZZ_SECONDS (600) each
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
# Every kernel scripts/install-deps prepared (6.1, 6.12, 7.2): `make ko`
# builds the module for each with each flavour. KERNELS=6.1 narrows it.
# (deps.env is shell too: there the list is quoted, and make keeps quotes.)
KERNELS ?= $(or $(subst ",,$(MV_KERNELS)),6.1)
# A deps.env of before the newer kernels names 6.1's headers only thus.
MV_KDIR_6_1_CLOUD ?= $(MV_KDIR_CLOUD)
MV_KDIR_6_1_GENERIC ?= $(MV_KDIR_GENERIC)

all: modules tools selftests guests

need-kdir:
	@test -n "$(KDIR)" -a -f "$(KDIR)/Makefile" || { \
	  echo "No kernel headers$(if $(KDIR), in KDIR=$(KDIR)):" \
	       "apt install linux-headers-$$(uname -r), set KDIR= to a" \
	       "kernel build tree, or run scripts/install-deps" >&2; exit 1; }

modules: need-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C userspace

# The harness may come from KDIR's tree: the selftests look there first.
selftests:
	$(MAKE) -C selftests/migvisor KDIR=$(KDIR)

guests:
	$(MAKE) -C guests

# The module for each kernel and flavour the test hosts can boot, in
# build/ko/<kernel>-<flavour>/ (6.1-cloud-amd64, 7.2-amd64, ...), each from
# its own copy of the sources so that builds do not share objects. The
# newer kernels build in their Debian root (scripts/kroot). For 6.1,
# build/ko/<flavour> is a link to it, the place of the module before.
ko: $(foreach k,$(KERNELS),$(foreach f,$(FLAVOURS),build/ko/$(k)-$(f)/kmod/migvisor.ko))

# 6.12-cloud-amd64 -> 6.12, cloud-amd64, and deps.env's 6_12_CLOUD
ko_kernel = $(firstword $(subst -, ,$(1)))
ko_flavour = $(patsubst $(call ko_kernel,$(1))-%,%,$(1))
ko_kdir = $(MV_KDIR_$(subst .,_,$(call ko_kernel,$(1)))_$(if $(filter \
  cloud-amd64,$(call ko_flavour,$(1))),CLOUD,GENERIC))

# Six builds one after the other would leave a core idle: without a -j of
# the caller's, each build uses every core. (MAKEFLAGS shows a -j only at
# recipe time, so this expands there.)
ko_jobs = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))

build/ko/%/kmod/migvisor.ko: FORCE
	@test -n "$(call ko_kdir,$*)" || { echo "no headers for $* in" \
	  "$(MV_CACHE)/deps.env: run scripts/install-deps" >&2; exit 1; }
	@mkdir -p build/ko/$*
	@tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	  --exclude='*.mod' --exclude='*.mod.c' --exclude=modules.order \
	  $(KSRC_FILES) | tar -xf - -C build/ko/$*
	scripts/kroot $(call ko_kernel,$*) $(MAKE) $(ko_jobs) \
	  -C $(call ko_kdir,$*) M=$(CURDIR)/build/ko/$* modules
	@if [ $(call ko_kernel,$*) = 6.1 ]; then \
	  l=build/ko/$(call ko_flavour,$*); \
	  [ -L $$l ] || rm -rf $$l; ln -sfn $* $$l; fi

unit: tools selftests
	$(MAKE) -C userspace/tests run

# By hand, not in "make all": they need clang and take minutes each.
fuzz:
	$(MAKE) -C userspace/fuzz run

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
	$(MAKE) -C userspace/fuzz clean
	$(MAKE) -C selftests/migvisor clean
	$(MAKE) -C guests clean
	$(MAKE) -C bench clean
	rm -rf build

FORCE:
.PHONY: all need-kdir modules tools selftests guests ko unit fuzz demo bench check style install clean FORCE
