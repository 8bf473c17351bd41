# SPDX-License-Identifier: GPL-2.0
#
# nova: kernel module, userspace library and tools, tests.
#
#   make            build nova.ko and the userspace (library, tools, tests)
#   make run        boot a QEMU guest, load nova.ko, run novainfo and nova-demo
#   make check      every test: module checks, hosted core tests, in-guest tests
#   make deps       install what the above need (apt-get, as root)
#
# KDIR selects the kernel to build against: by default the Debian headers that
# the linux-headers-amd64 metapackage points at, never the running kernel.

# Kbuild reads the Kbuild file, never this one.
SHELL := /bin/bash
KDIR ?= $(shell scripts/kernel-env.sh --kdir)
BUILD := $(CURDIR)/build
USERSPACE := $(BUILD)/userspace
GUEST_RUN := scripts/guest-run.sh

.PHONY: all module userspace hosted deps run check check-module check-hosted \
	check-guest install clean help

all: module userspace

help:
	@sed -n '3,12p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/install-deps.sh

module:
	@echo "[build] nova.ko against $(KDIR)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@scripts/check-module.sh nova.ko

userspace:
	@echo "[build] libnova, tools and tests"
	$(MAKE) -C userspace O=$(USERSPACE)

hosted:
	@echo "[build] hosted core tests (ASan, UBSan)"
	$(MAKE) -C tests/hosted O=$(BUILD)/hosted

install:
	$(MAKE) -C userspace O=$(USERSPACE) install

# --- the main job --------------------------------------------------------------

run: deps
	@$(MAKE) --no-print-directory all
	@echo "[run] booting the guest: novainfo, then the buffer round trip"
	$(GUEST_RUN) --module nova.ko -- \
		sh -c '$(USERSPACE)/novainfo && echo && $(USERSPACE)/nova-demo'

# --- tests ---------------------------------------------------------------------

CHECK_LOGS := $(BUILD)/check

check: deps
	@$(MAKE) --no-print-directory all hosted
	@$(MAKE) --no-print-directory check-module check-hosted check-guest
	@scripts/check-summary.sh hosted=$(CHECK_LOGS)/hosted.log libnova=$(CHECK_LOGS)/guest.log

check-module:
	@scripts/check-module.sh nova.ko

check-hosted: hosted
	@echo "[check] hosted core tests (GoogleTest, ASan, UBSan)"
	@mkdir -p $(CHECK_LOGS)
	@set -o pipefail; $(MAKE) --no-print-directory -C tests/hosted O=$(BUILD)/hosted check \
		2>&1 | tee $(CHECK_LOGS)/hosted.log

# libnova's suite against the real module, then the driver's own accounting
# must be back to zero before rmmod.
check-guest:
	@echo "[check] in-guest tests on Debian's kernel"
	@mkdir -p $(CHECK_LOGS)
	@set -o pipefail; $(GUEST_RUN) --module nova.ko -- \
		sh -c '$(USERSPACE)/nova-libtest && tests/guest/leak-check.sh' \
		2>&1 | tee $(CHECK_LOGS)/guest.log

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
