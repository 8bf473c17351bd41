# SPDX-License-Identifier: GPL-2.0
#
# nova: kernel module, userspace library and tools, tests.
#
#   make            build nova.ko and the userspace (library, tools, tests)
#   make run        boot a QEMU guest, load nova.ko, run novainfo and nova-demo
#   make check      every test: module and uAPI checks, hosted core tests, KUnit
#                   on UML, libnova's hosted tests and ABI (abidiff), libnova's
#                   and igt's tests in the guest, and check-debug
#   make bench      nova-bench in a guest: nova next to vgem and the ioctl floor
#   make bench-vm   VM_BIND cost per operation at 1k, 64k and 1M live mappings
#   make abi-baseline  record libnova's ABI (userspace/libnova/libnova.abixml)
#   make check-debug  the debug-kernel suite (KASAN, lockdep, kmemleak, UBSAN:
#                   fuzzer, stress, isolation, load cycles; builds the kernel
#                   when cold)
#   make docs       HTML documentation (Sphinx) in build/docs/html
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

.PHONY: all module userspace hosted deps run check check-module check-uapi check-hosted \
	check-lib check-guest uapi-baseline abi-baseline install docs bench clean help

all: module userspace

help:
	@sed -n '3,20p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@scripts/install-deps.sh

module:
	@echo "[build] nova.ko against $(KDIR)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@scripts/check-module.sh nova.ko

userspace:
	@echo "[build] libnova, tools and tests"
	$(MAKE) -C userspace O=$(USERSPACE)
	$(MAKE) -C tests/uapi O=$(BUILD)/uapi USERSPACE=$(USERSPACE) errors
	$(MAKE) -C tests/reliability O=$(BUILD)/reliability

hosted:
	@echo "[build] hosted core tests (ASan, UBSan)"
	$(MAKE) -C tests/hosted O=$(BUILD)/hosted

install:
	$(MAKE) -C userspace O=$(USERSPACE) install

# HTML documentation; the uAPI's kernel-doc comments are extracted with the
# kernel's own scripts/kernel-doc. Warnings fail the build.
docs: deps
	@echo "[docs] kernel-doc of nova_drm.h, then Sphinx"
	@mkdir -p $(BUILD)/docs/gen
	@perl $(KDIR)/scripts/kernel-doc -rst -Werror driver/uapi/nova_drm.h > $(BUILD)/docs/gen/nova_drm.kernel-doc.rst
	@sphinx-build -q -W -b html Documentation $(BUILD)/docs/html
	@echo "[docs] $(BUILD)/docs/html/index.html"

# The documentation must keep building without a warning.
.PHONY: check-docs
check-docs: docs

# --- the main job --------------------------------------------------------------

run: deps
	@$(MAKE) --no-print-directory all
	@echo "[run] booting the guest: novainfo, then the buffer round trip"
	$(GUEST_RUN) --module nova.ko -- \
		sh -c '$(USERSPACE)/novainfo && echo && $(USERSPACE)/nova-demo'

# --- benchmarks -----------------------------------------------------------------

# Figures, never a test: nova-bench in one guest boot (TCG unless KVM works;
# the tool prints which, and warns that TCG times are emulated). BENCH_ARGS
# passes options, e.g. BENCH_ARGS="--json" or BENCH_ARGS="--rounds 15".
BENCH_ARGS ?=
bench: deps
	@$(MAKE) --no-print-directory all
	@echo "[bench] nova-bench in the guest: every row next to its reference"
	$(GUEST_RUN) --timeout 1800 --module nova.ko -- $(USERSPACE)/nova-bench $(BENCH_ARGS)

# VM_BIND's cost per operation at 1 thousand, 64 thousand and 1 million live
# mappings, single and batched, and the kernel bytes per mapping: a table,
# never a test (nothing asserts a timing).
.PHONY: bench-vm
bench-vm: deps
	@$(MAKE) --no-print-directory all
	@echo "[bench] nova-bench --vm-scaling in the guest"
	$(GUEST_RUN) --timeout 900 --module nova.ko -- $(USERSPACE)/nova-bench --vm-scaling

# --- tests ---------------------------------------------------------------------

CHECK_LOGS := $(BUILD)/check

check: deps
	@$(MAKE) --no-print-directory all hosted
	@$(MAKE) --no-print-directory check-module check-uapi check-docs check-hosted \
		check-kunit check-lib check-guest check-igt check-debug
	@scripts/check-summary.sh hosted=$(CHECK_LOGS)/hosted.log kunit=$(CHECK_LOGS)/kunit.log \
		vaheap=$(CHECK_LOGS)/lib.log bocache=$(CHECK_LOGS)/lib.log \
		fakedrm=$(CHECK_LOGS)/lib.log install=$(CHECK_LOGS)/lib.log \
		libnova=$(CHECK_LOGS)/guest.log nova.hpp=$(CHECK_LOGS)/guest.log \
		novainfo-json=$(CHECK_LOGS)/guest.log uapi-errors=$(CHECK_LOGS)/guest.log isolation=$(CHECK_LOGS)/guest.log limits=$(CHECK_LOGS)/guest.log bench-smoke=$(CHECK_LOGS)/guest.log \
		igt=$(CHECK_LOGS)/igt.log \
		$(foreach s,$(DEBUG_SUITES),debug-$(s)=$(CHECK_LOGS)/debug.log)

check-module:
	@scripts/check-module.sh nova.ko

# The frozen uAPI: header hygiene, layout pins, upstream compatibility and the
# layout baseline. Uses the sanitized kernel uapi headers the module build made.
check-uapi:
	@echo "[check] uAPI header: hygiene, pins, upstream compatibility, layout baseline"
	@$(MAKE) --no-print-directory -C tests/uapi O=$(BUILD)/uapi KUAPI=$(BUILD)/kernel-uapi check

# Records appended ioctls, structs and fields in driver/uapi/nova_drm.layout;
# refuses any other change of the uAPI.
uapi-baseline:
	@$(MAKE) --no-print-directory -C tests/uapi O=$(BUILD)/uapi baseline

check-hosted: hosted
	@echo "[check] hosted core tests (GoogleTest, ASan, UBSan)"
	@mkdir -p $(CHECK_LOGS)
	@set -o pipefail; $(MAKE) --no-print-directory -C tests/hosted O=$(BUILD)/hosted check \
		2>&1 | tee $(CHECK_LOGS)/hosted.log

# libnova without a device: the VA heap and buffer cache unit tests, the
# library on a fake kernel, the C++ wrapper's build, and the ABI: abidiff
# against userspace/libnova/libnova.abixml and the exported symbol list
# (any change fails; a deliberate break is checked to fail too).
check-lib: userspace
	@echo "[check] libnova hosted tests, C++ wrapper, ABI (abidiff)"
	@mkdir -p $(CHECK_LOGS)
	@set -o pipefail; $(MAKE) --no-print-directory -C userspace O=$(USERSPACE) check-host \
		2>&1 | tee $(CHECK_LOGS)/lib.log

# Records libnova's ABI as built: after reviewing that the change only adds.
abi-baseline: userspace
	@$(MAKE) --no-print-directory -C userspace O=$(USERSPACE) abi-baseline

# KUnit suites on UML, in Debian's linux-source tree of the headers' version
# with nova built in (tree and build cached outside the checkout; a cold run
# builds a whole UML kernel, several minutes).
.PHONY: check-kunit
check-kunit: deps
	@echo "[check] KUnit suites on UML (kunit.py)"
	@mkdir -p $(CHECK_LOGS)
	@set -o pipefail; scripts/kunit-run.sh 2>&1 | tee $(CHECK_LOGS)/kunit.log

# One boot: libnova's suite, the C++ wrapper's, nova-demo, novainfo's JSON, a short run
# of the buffer churn benchmark (figures only), a smoke run of nova-bench (its
# JSON must be complete; no timing is judged), the documented errno table and
# the isolation tests, the limits tests (memory cgroup, mapping limit,
# unprivileged clients, module parameters: nova is reloaded) against the
# real module, then the driver's own
# accounting must be back to
# zero before rmmod.
check-guest:
	@echo "[check] in-guest tests on Debian's kernel"
	@mkdir -p $(CHECK_LOGS)
	@set -o pipefail; $(GUEST_RUN) --module nova.ko -- sh -c '\
		$(USERSPACE)/nova-libtest; libnova=$$?; \
		$(USERSPACE)/nova-cxx-test; cxx=$$?; \
		$(USERSPACE)/nova-demo --size 64K; demo=$$?; \
		tests/guest/novainfo-json.sh $(USERSPACE); json=$$?; \
		$(USERSPACE)/nova-bench --bo-churn --size 64K --iterations 100 --rounds 1; bench=$$?; \
		$(BUILD)/uapi/nova-uapi-errors Documentation/uapi-errors.csv; errors=$$?; \
		$(USERSPACE)/nova-bench --quick --rounds 1 --json >/tmp/nova-bench.json 2>/tmp/nova-bench.err; \
		status=$$?; python3 tests/guest/bench-smoke.py --exit-status $$status /tmp/nova-bench.json; \
		smoke=$$?; [ $$smoke = 0 ] || cat /tmp/nova-bench.err; \
		$(BUILD)/reliability/nova-isolation; isolation=$$?; \
		$(BUILD)/reliability/nova-limits --module nova.ko; limits=$$?; \
		tests/guest/leak-check.sh && [ $$libnova = 0 ] && [ $$cxx = 0 ] && [ $$demo = 0 ] && \
		[ $$json = 0 ] && [ $$bench = 0 ] && [ $$errors = 0 ] && [ $$smoke = 0 ] && \
		[ $$isolation = 0 ] && [ $$limits = 0 ]' \
		2>&1 | tee $(CHECK_LOGS)/guest.log

# --- the debug kernel ----------------------------------------------------------
#
# A kernel from Debian's linux-source of the headers' version with KASAN,
# lockdep, kmemleak, debug objects and UBSAN (tests/debug/kernel.config),
# built once and cached under ~/.cache/nova/debug-kernel (a cold build takes
# 10-20 minutes on 2 cores). nova.ko is built against it from a copy of the
# sources in build/debug/module (Kbuild in 6.1 has no MO=, and an in-tree
# M= build would overwrite the Debian-kernel nova.ko). The whole in-guest
# suite, the fuzzer, the stress test and 50 load/unload cycles then run on
# it; any kernel report fails the run (scripts/debug-report.sh).

DEBUG_MODULE := $(BUILD)/debug/module
DEBUG_GUEST_OUT := $(BUILD)/guest-debug
NOVA_FUZZ_ITERATIONS ?= 50000
NOVA_STRESS_SECONDS ?= 30
NOVA_LOAD_CYCLES ?= 50
DEBUG_SUITES := libnova uapi-errors isolation limits fuzz stress load-cycles

.PHONY: debug-kernel module-debug check-debug
debug-kernel:
	@echo "[build] debug kernel (scripts/debug-kernel.sh; cached after the first build)"
	@scripts/debug-kernel.sh >/dev/null

module-debug: debug-kernel
	@echo "[build] nova.ko against the debug kernel, in $(DEBUG_MODULE)"
	@mkdir -p $(DEBUG_MODULE)/scripts
	@rsync -a --delete --include='*/' --include='*.c' --include='*.h' --include='*.cpp' \
		--include='*.hpp' --exclude='*.mod.c' --exclude='*' driver/ $(DEBUG_MODULE)/driver/
	@rsync -a Kbuild $(DEBUG_MODULE)/Kbuild
	@rsync -a scripts/install-kernel-uapi.sh $(DEBUG_MODULE)/scripts/
	$(MAKE) -C $$(scripts/debug-kernel.sh --print-dir) M=$(DEBUG_MODULE) modules
	@scripts/check-module.sh $(DEBUG_MODULE)/nova.ko
	@scripts/check-instrumented.sh $(DEBUG_MODULE)

check-debug: deps module-debug userspace
	@echo "[check] in-guest suite on the debug kernel (KASAN, lockdep, kmemleak, UBSAN)"
	@mkdir -p $(CHECK_LOGS)
	@set -o pipefail; $(GUEST_RUN) --kernel $$(scripts/debug-kernel.sh --print-dir) \
		--out $(DEBUG_GUEST_OUT) --timeout 2400 --memory 2048 \
		--module $(DEBUG_MODULE)/nova.ko \
		--env NOVA_KO=$(DEBUG_MODULE)/nova.ko --env NOVA_USERSPACE=$(USERSPACE) \
		--env NOVA_UAPI=$(BUILD)/uapi --env NOVA_RELIABILITY=$(BUILD)/reliability \
		--env NOVA_FUZZ_ITERATIONS=$(NOVA_FUZZ_ITERATIONS) \
		--env NOVA_STRESS_SECONDS=$(NOVA_STRESS_SECONDS) \
		--env NOVA_LOAD_CYCLES=$(NOVA_LOAD_CYCLES) \
		--script tests/reliability/guest-suite.sh 2>&1 | tee $(CHECK_LOGS)/debug.log
	@scripts/debug-report.sh $(DEBUG_GUEST_OUT) $(CHECK_LOGS)/debug.log | tee -a $(CHECK_LOGS)/debug.log

# igt tests (tests/igt) on the real igt runtime, libigt.so.0 of Debian's
# intel-gpu-tools: their igt API declarations checked on the host, then one
# boot runs every subtest in its own process (about 50 of them, 1-2 minutes
# under TCG); the driver's accounting must be back to zero afterwards.
.PHONY: igt check-igt
# Named, not globbed: a test binary that was not built fails the run.
IGT_TESTS := $(shell sed -n 's/^TESTS := //p' tests/igt/Makefile)
igt:
	@echo "[build] igt tests against libigt.so.0"
	$(MAKE) -C tests/igt O=$(BUILD)/igt

check-igt: igt
	@echo "[check] igt API declarations against libigt.so.0"
	@$(MAKE) --no-print-directory -C tests/igt O=$(BUILD)/igt check-api
	@echo "[check] igt tests in the guest"
	@mkdir -p $(CHECK_LOGS)
	@set -o pipefail; $(GUEST_RUN) --timeout 600 --module nova.ko --env IGT_FORCE_DRIVER=nova -- sh -c '\
		tests/igt/run-igt.sh $(BUILD)/igt $(IGT_TESTS); igt=$$?; \
		tests/guest/leak-check.sh && [ $$igt = 0 ]' \
		2>&1 | tee $(CHECK_LOGS)/igt.log

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
