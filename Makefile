# SPDX-License-Identifier: GPL-2.0
#
# migvisor: make            module (against KDIR) + tools + selftests
#           make check      everything, in emulated Intel hosts; see README
#           make bench      benchmarks against peers; see bench/README.md
#           make style      checkpatch + sparse
#           make man-lint   lint the man pages (mandoc or groff)
#           make fuzz       libFuzzer harnesses, MV_FUZZ_SECONDS (600) each
#           make install    module, tools and man pages on a real server
#           make uninstall  what make install put
#           make deb        Debian packages migvisor-dkms, migvisor-tools

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
	@# kbuild compiles with the kernel's own compiler (Debian's headers
	@# name gcc-12, x86_64-linux-gnu-gcc-14, ...) and, without it, says
	@# only "gcc-12: not found". A clang kernel's text starts otherwise;
	@# a CC= of the caller's is kbuild's instead.
	@$(if $(filter command line,$(origin CC)),:,cc=$$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*gcc[^ ]*\) .*/\1/p' \
	  "$(KDIR)/.config" 2>/dev/null); \
	test -z "$$cc" || command -v "$$cc" >/dev/null || { \
	  echo "$(KDIR) was built with $$cc, which is not installed:" \
	       "apt install $${cc#*-linux-gnu-}" >&2; exit 1; })

modules: need-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# mvctl carries the Linux personality, a guest image: under -j, guests/
# is built once, before, and not by two makes at once.
tools: guests
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
# With the debug kernel (the "kasan" host's, 6.1 only) also for that.
ko: $(foreach k,$(KERNELS),$(foreach f,$(FLAVOURS),build/ko/$(k)-$(f)/kmod/migvisor.ko)) \
  $(if $(and $(filter 6.1,$(KERNELS)),$(MV_KDIR_6_1_KASAN)),build/ko/6.1-kasan/kmod/migvisor.ko)

# 6.12-cloud-amd64 -> 6.12, cloud-amd64, and deps.env's 6_12_CLOUD
ko_kernel = $(firstword $(subst -, ,$(1)))
ko_flavour = $(patsubst $(call ko_kernel,$(1))-%,%,$(1))
ko_kdir = $(MV_KDIR_$(subst .,_,$(call ko_kernel,$(1)))_$(if $(filter \
  cloud-amd64,$(call ko_flavour,$(1))),CLOUD,$(if $(filter kasan,$(call \
  ko_flavour,$(1))),KASAN,GENERIC)))

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

# mandoc -Tlint, else groff -ww; also that each --help option is in its page
man-lint: tools
	scripts/man-lint $(MANPAGES)

# Where modules_install puts the module: KDIR's release, which need not be
# the running kernel's. (Not KVER: deps.env's KVER is a package version.)
# Debian's headers say it in .kernelvariables, which kbuild reads there;
# their include/config/kernel.release has the upstream version instead.
ifeq ($(origin KRELEASE),undefined)
KRELEASE := $(shell { sed -n 's/^override KERNELRELEASE = //p' \
  $(KDIR)/.kernelvariables; cat $(KDIR)/include/config/kernel.release; } \
  2>/dev/null | head -n 1)
endif
# Kbuild keeps the module's path under M= (obj-m := kmod/).
MODULE_FILE := kmod/migvisor.ko
# A kernel configured to sign every module names a key that only its own
# build tree has; a distro's headers do not, and sign-file then fails
# loudly (kbuild ignores that for external modules). Without the key, do
# not try: for Secure Boot, sign migvisor.ko with your own (MOK) key.
MV_SIGKEY := $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"$$/\1/p' $(KDIR)/.config 2>/dev/null)
MV_NOSIGN := $(if $(MV_SIGKEY),$(if $(filter pkcs11:%,$(MV_SIGKEY))$(wildcard \
  $(MV_SIGKEY) $(KDIR)/$(MV_SIGKEY)),,CONFIG_MODULE_SIG_ALL=))
# updates/ comes before the kernel's own modules in depmod's search order.
INSTALL_MOD_DIR ?= updates
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share/migvisor
YNL_SPEC := Documentation/netlink/specs/migvisor.yaml
MANDIR ?= $(PREFIX)/share/man
MODDIR = $(DESTDIR)/lib/modules/$(KRELEASE)/$(INSTALL_MOD_DIR)
TOOLS := userspace/mvctl/mvctl userspace/mvmig/mvmig
MANPAGES := $(wildcard docs/man/*.8)

# depmod here, not kbuild's: kbuild skips it without a System.map (every
# headers package), and with DESTDIR it would leave modules.* files there
# that uninstall cannot tell from a package's. A package runs depmod in
# its postinst instead.
define depmod
	@if [ -n "$(DESTDIR)" ]; then \
	  echo "DESTDIR set: run depmod $(KRELEASE) on the target"; \
	elif command -v depmod >/dev/null; then \
	  echo "depmod -a $(KRELEASE)"; depmod -a $(KRELEASE); \
	else \
	  echo "depmod not found: apt install kmod, then run depmod $(KRELEASE)" >&2; \
	  exit 1; \
	fi
endef

install: modules tools
	@test -n "$(KRELEASE)" || { echo "no $(KDIR)/include/config/kernel.release:" \
	  "set KRELEASE=" >&2; exit 1; }
	$(if $(MV_NOSIGN),@echo "$(MODULE_FILE) stays unsigned: $(KDIR) has no" \
	  "signing key $(MV_SIGKEY)")
	@# modules_install compresses as the kernel's configuration says
	@# (Debian 13 and later: xz), and without the tool says only "xz: not
	@# found", after the module was copied.
	@for z in XZ:xz:xz-utils ZSTD:zstd:zstd GZIP:gzip:gzip; do \
	  grep -q "^CONFIG_MODULE_COMPRESS_$${z%%:*}=y" "$(KDIR)/.config" 2>/dev/null || continue; \
	  t=$${z#*:}; command -v $${t%%:*} >/dev/null || { \
	    echo "$(KDIR) compresses its modules with $${t%%:*}, which is not installed:" \
	         "apt install $${t#*:}" >&2; exit 1; }; \
	done
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
	  INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) cmd_depmod=: quiet_cmd_depmod= \
	  $(MV_NOSIGN) modules_install
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(TOOLS) $(DESTDIR)$(SBINDIR)/
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man8/
	@# The family's YNL spec, for the kernel's own client:
	@# tools/net/ynl/cli.py --spec $(DATADIR)/migvisor.yaml --dump guest-get
	install -d $(DESTDIR)$(DATADIR)
	install -m 0644 $(YNL_SPEC) $(DESTDIR)$(DATADIR)/
	$(depmod)

# Exactly what install put: the module (compressed too, if the kernel's
# configuration had modules_install compress it), the tools and the pages.
uninstall:
	@test -n "$(KRELEASE)" || { echo "no kernel release: set KDIR= or" \
	  "KRELEASE= as for install" >&2; exit 1; }
	rm -f $(MODDIR)/$(MODULE_FILE) $(addprefix $(MODDIR)/$(MODULE_FILE).,xz gz zst)
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(notdir $(TOOLS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MANPAGES)))
	rm -f $(DESTDIR)$(DATADIR)/$(notdir $(YNL_SPEC))
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null
	$(depmod)

# The Debian packages, in build/deb/: built from a copy of the tree's
# files (tracked and not ignored, so no objects of a build here) in
# build/deb/migvisor-<version>, since dpkg-buildpackage writes its
# results beside the tree it builds. Binary only (-b): the source package
# is this repository. lintian, if installed, checks the result.
MV_VERSION := $(shell cat VERSION)
DEB_DIR := build/deb
DEB_TREE := $(DEB_DIR)/migvisor-$(MV_VERSION)
# What debian/control's Build-Depends and dpkg-buildpackage come from, as
# Debian packages (Build-Depends names virtual ones, dh-sequence-dkms).
DEB_PKGS := dpkg-dev debhelper dh-dkms gcc make pkg-config libnl-3-dev \
  libnl-genl-3-dev libjson-c-dev

deb:
	@miss=; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || miss="$$miss $$p"; done; \
	test -z "$$miss" || { echo "make deb needs Debian packages:" \
	  "apt install$$miss (or run scripts/install-deps)" >&2; exit 1; }
	@command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1 || { \
	  echo "make deb copies the tree's files as git lists them:" \
	       "run it in a git checkout" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_TREE)
	git ls-files -z --cached --others --exclude-standard | \
	  tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(DEB_TREE)
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b
	rm -rf $(DEB_TREE)
	@ls -1 $(DEB_DIR)/*.deb
	@if command -v lintian >/dev/null; then \
	  echo "lintian $(DEB_DIR)/*.changes"; \
	  lintian --fail-on error,warning $(DEB_DIR)/*.changes; \
	else echo "lintian not installed: the packages are not checked"; fi

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
.PHONY: all need-kdir modules tools selftests guests ko unit fuzz demo bench check style man-lint install uninstall deb clean FORCE
