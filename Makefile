# SPDX-License-Identifier: GPL-2.0
#
# nova: kernel module, userspace library and tools, tests.
#
#   make            build nova_core.ko, nova.ko and the userspace (library,
#                   tools, tests)
#   make run        boot a QEMU guest, load nova_core.ko and nova.ko, run
#                   novainfo and nova-demo
#   make check      every test: module and uAPI checks, hosted C++ tests, KUnit
#                   on UML, libnova's hosted tests and ABI (abidiff), the DKMS
#                   package, libnova's and igt's tests in the guest, the same
#                   on the backports kernel, and check-debug; then the
#                   summary. SUITES="hosted guest ..." runs only those layers
#                   (module uapi docs summary hosted fuzz kunit lib dkms guest
#                   igt debug module-backports kunit-backports guest-backports
#                   igt-backports novainfo-kernels)
#   V=1             show the build's full commands
#   make bench      nova-bench in a guest: nova next to vgem and the ioctl floor
#   make profile-exec  an empty EXEC's round trip, stage by stage (tracepoints)
#   make bench-vm   VM_BIND cost per operation at 1k, 64k and 1M live mappings
#   make bench-gpuvm nova's VA space beside drm_gpuvm (KUnit on UML, backports kernel)
#   make coverage   line and branch coverage of the C++ core by the hosted
#                   tests and tests/fuzz's corpora (gcov): a table per file
#                   and area, the lines never run, HTML in
#                   build/coverage/html (Documentation/coverage.rst)
#   make abi-baseline  record libnova's ABI (userspace/libnova/libnova.abixml)
#   make check-debug  the debug-kernel suite (KASAN, lockdep, kmemleak, UBSAN:
#                   fuzzer with unplug events, stress, isolation, load cycles;
#                   builds the kernel when cold)
#   make check-long the same suite, nightly-style and not part of make check:
#                   1 million fuzz iterations (NOVA_LONG_FUZZ_ITERATIONS, in
#                   NOVA_LONG_FUZZ_JOBS parallel processes, default 2) and 10
#                   minutes of racing clients (NOVA_LONG_STRESS_SECONDS), then
#                   the debug report; about an hour on two quiet cores (two on
#                   busy ones)
#   make fuzz       the libFuzzer targets of tests/fuzz (the ioctl sequence,
#                   the command engine), both at once for FUZZ_SECONDS
#                   (default 600) each; make check-fuzz runs each for a fixed
#                   number of executions (Documentation/fuzzing.rst)
#   make docs       HTML documentation (Sphinx) in build/docs/html
#   make deb        the nova-dkms Debian package (DKMS source) in build/deb
#   make deps       install what the above need (apt-get, as root)
#
# KDIR selects the kernel to build against: by default the Debian headers that
# the linux-headers-amd64 metapackage points at, never the running kernel
# (NOVA_KERNEL=backports: bookworm-backports' instead, see scripts/kernel-env.sh;
# make check's *-backports layers build and test on that kernel themselves).

# Kbuild reads the Kbuild file, never this one.
SHELL := /bin/bash
KDIR ?= $(shell scripts/kernel-env.sh --kdir)
BUILD := $(CURDIR)/build
USERSPACE := $(BUILD)/userspace
GUEST_RUN := scripts/guest-run.sh
# Every guest loads nova_core.ko first: nova.ko needs its symbols, and binds
# the auxiliary device of each function nova_core makes (the guest's edu
# PCI functions, one by default).
GUEST_MODULES_IN = --module $(1)/nova_core.ko --module $(1)/nova.ko
GUEST_MODULES := $(call GUEST_MODULES_IN,$(CURDIR))
# Quiet like Kbuild: V=1 shows the commands (Kbuild reads V itself).
Q := $(if $(filter 1,$(V)),,@)
ifneq ($(V),1)
MAKEFLAGS += --no-print-directory
endif

.PHONY: all module userspace hosted deps run check check-module check-uapi check-hosted \
	check-lib check-guest uapi-baseline abi-baseline install docs bench profile-exec clean help

all: module userspace

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' Makefile

deps:
	@scripts/install-deps.sh

module:
	@echo "[build] nova_core.ko and nova.ko against $(KDIR)"
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	@scripts/check-module.sh nova.ko nova_core.ko

userspace:
	@echo "[build] libnova, tools and tests"
	$(Q)$(MAKE) -C userspace O=$(USERSPACE)
	$(Q)$(MAKE) -C tests/uapi O=$(BUILD)/uapi USERSPACE=$(USERSPACE) errors
	$(Q)$(MAKE) -C tests/reliability O=$(BUILD)/reliability

hosted:
	@echo "[build] hosted C++ logic tests (ASan, UBSan)"
	$(Q)$(MAKE) -C tests/hosted O=$(BUILD)/hosted

install:
	$(MAKE) -C userspace O=$(USERSPACE) install

# HTML documentation; the uAPI's kernel-doc comments are extracted with the
# kernel's own scripts/kernel-doc. Warnings fail the build.
docs: deps
	@echo "[docs] kernel-doc of nova_drm.h and nova_function.h, then Sphinx"
	@mkdir -p $(BUILD)/docs/gen
	@perl $(KDIR)/scripts/kernel-doc -rst -Werror driver/uapi/nova_drm.h > $(BUILD)/docs/gen/nova_drm.kernel-doc.rst
	@perl $(KDIR)/scripts/kernel-doc -rst -Werror driver/include/nova_function.h > $(BUILD)/docs/gen/nova_function.kernel-doc.rst
	@sphinx-build -q -W -b html Documentation $(BUILD)/docs/html
	@echo "[docs] $(BUILD)/docs/html/index.html"

# The documentation must keep building without a warning.
.PHONY: check-docs
check-docs:
	$(call layer,docs,$(MAKE) --no-print-directory docs)

# --- the main job --------------------------------------------------------------

run: deps
	@$(MAKE) --no-print-directory all
	@echo "[run] booting the guest: novainfo, then the buffer round trip"
	$(GUEST_RUN) $(GUEST_MODULES) -- \
		sh -c '$(USERSPACE)/novainfo && echo && $(USERSPACE)/nova-demo'

# --- benchmarks -----------------------------------------------------------------

# Figures, never a test: nova-bench in one guest boot (TCG unless KVM works;
# the tool prints which, and warns that TCG times are emulated). BENCH_ARGS
# passes options, e.g. BENCH_ARGS="--json" or BENCH_ARGS="--rounds 15".
BENCH_ARGS ?=
bench: deps
	@$(MAKE) --no-print-directory all
	@echo "[bench] nova-bench in the guest: every row next to its reference"
	$(GUEST_RUN) --timeout 1800 $(GUEST_MODULES) -- $(USERSPACE)/nova-bench $(BENCH_ARGS)

# Where an empty job's EXEC round trip goes: nova-bench's exec rows traced
# with the kernel's tracepoints in the guest, broken into stages on the host.
profile-exec: deps
	@$(MAKE) --no-print-directory all
	@echo "[profile-exec] tracing nova-bench --only exec in the guest"
	$(GUEST_RUN) --timeout 900 --out $(BUILD)/profile-exec $(GUEST_MODULES) \
		--env NOVA_BENCH=$(USERSPACE)/nova-bench --env NOVA_TRACE=$(BUILD)/profile-exec/exec-trace.txt \
		--script scripts/exec-profile-guest.sh
	scripts/exec-profile.py $(BUILD)/profile-exec/exec-trace.txt

# VM_BIND's cost per operation at 1 thousand, 64 thousand and 1 million live
# mappings, single and batched, and the kernel bytes per mapping: a table,
# never a test (nothing asserts a timing).
.PHONY: bench-vm
bench-vm: deps
	@$(MAKE) --no-print-directory all
	@echo "[bench] nova-bench --vm-scaling in the guest"
	$(GUEST_RUN) --timeout 900 $(GUEST_MODULES) -- $(USERSPACE)/nova-bench --vm-scaling

# nova's VA space beside drm_gpuvm, the kernel's own VA manager, in one KUnit
# run on UML with the backports kernel (drm_gpuvm arrived in 6.6): the suite
# nova_vm_gpuvm_bench at 1 thousand, 64 thousand and 1 million live
# mappings, in a UML kernel without KASAN and lockdep
# (tests/kunit/bench.kunitconfig, a build of its own). Prints its "bench:"
# lines; it fails only when the two VA managers end with different mappings.
GPUVM_BENCH_LIVE ?= 1024,65536,1048576
.PHONY: bench-gpuvm
bench-gpuvm: deps
	@echo "[bench] nova's VA space beside drm_gpuvm, KUnit on UML, backports kernel"
	NOVA_KERNEL=backports scripts/kunit-run.sh --kunitconfig tests/kunit/bench.kunitconfig \
		--filter nova_vm_gpuvm_bench --timeout 1800 \
		--kernel-arg nova.gpuvm_bench_live=$(GPUVM_BENCH_LIVE)

# --- coverage ------------------------------------------------------------------

# Line and branch coverage of the C++ core (driver/nova-drm/logic,
# driver/nova-core/engine, driver/cxx) by the hosted tests and by the fuzz
# targets' corpora replayed once, measured with gcov: g++ --coverage at
# -O0 on the core alone (clang 14's source-based coverage counts the code
# after a block that can return as never run, a pattern every Guard scope
# here has). A report, not a test: not in make check, but a failed build,
# test or replayed input fails it. Documentation/coverage.rst.
COVERAGE_DIR := $(BUILD)/coverage
COVERAGE_FLAGS := --coverage -fprofile-update=atomic -O0
# The targets tests/fuzz/Makefile declares, built as gcov sees them: g++,
# no sanitizers, replay_main.cpp in place of libFuzzer.
coverage_fuzz_targets = $(if $(wildcard tests/fuzz/Makefile),$(shell $(MAKE) -s \
	--no-print-directory -C tests/fuzz --eval 'coverage-targets: ; @echo $$(TARGETS)' \
	coverage-targets))
COVERAGE_FUZZ := $(MAKE) --no-print-directory -C tests/fuzz O=$(COVERAGE_DIR)/fuzz \
	CLANGXX=g++ SANITIZE= FUZZ_MAIN=replay FUZZ_CFLAGS="$(COVERAGE_FLAGS)" FUZZ_LDFLAGS=--coverage
.PHONY: coverage
coverage:
	@rm -f $$(find $(COVERAGE_DIR) -name '*.gcda' 2>/dev/null)
	@echo "[coverage] hosted tests built with gcov in $(COVERAGE_DIR)/hosted"
	$(Q)$(MAKE) -C tests/hosted O=$(COVERAGE_DIR)/hosted COVERAGE=1
	@echo "[coverage] running the hosted tests"
	$(Q)$(COVERAGE_DIR)/hosted/nova-hosted-tests --gtest_brief=1
	$(Q)targets="$(coverage_fuzz_targets)"; \
	if [ -z "$$targets" ]; then echo "[coverage] no tests/fuzz: the hosted tests alone"; exit 0; fi; \
	echo "[coverage] fuzz targets built with gcov in $(COVERAGE_DIR)/fuzz: $$targets"; \
	$(COVERAGE_FUZZ) all || exit 1; \
	for t in $$targets; do \
		echo "[coverage] fuzz target $$t: tests/fuzz/corpus/$$t replayed"; \
		$(COVERAGE_DIR)/fuzz/nova-fuzz-$$t tests/fuzz/corpus/$$t || exit 1; \
	done
	@echo "[coverage] gcov's counts merged: the core's lines and branches"
	$(Q)set -o pipefail; scripts/coverage-report.py --root . --html $(COVERAGE_DIR)/html \
		$(COVERAGE_DIR)/hosted $(COVERAGE_DIR)/fuzz | tee $(COVERAGE_DIR)/report.txt

# --- tests ---------------------------------------------------------------------
#
# make check runs every layer below (check-LAYER) even after one failed, then
# scripts/check-summary.py prints the tests passed, failed and skipped per
# layer and suite from the machine output each left in build/check/LAYER/
# (GoogleTest's and kunit.py's JSON, one result file per suite written as
# it ran), names what failed, and fails if anything did. SUITES= picks
# layers, e.g. make check SUITES="hosted guest".

CHECK := $(BUILD)/check
CHECK_LAYERS := module uapi docs summary hosted fuzz kunit lib dkms guest igt debug
SUITES ?= $(CHECK_LAYERS)
# The suites each layer reports (none: only its exit status counts).
SUITES_summary := summary-selftest
SUITES_hosted := hosted
SUITES_fuzz := fuzz-ioctl fuzz-engine
SUITES_kunit := kunit
SUITES_lib := vaheap bocache fakedrm cmdstream install
SUITES_guest := functions libnova nova.hpp nova-demo novainfo-json bo-churn uapi-errors bench-smoke isolation limits unplug
SUITES_igt := igt-api igt
SUITES_debug = $(addprefix debug-,$(DEBUG_SUITES))
comma := ,
empty :=
space := $(empty) $(empty)

# Two at a time, on two cores: the layers of CHECK_BESIDE (the fuzz
# targets, about 6 minutes with their build, which is theirs alone; then
# the debug kernel's suite, one TCG guest of about 13 minutes, and its
# kernel build when cold) run in a second stream beside the others, which
# run one after another in the first, about as long. The builds both streams use are made before they split,
# so that no two makes build the same thing at once. The second stream's
# output goes to $(CHECK)/beside.log only (each layer's to its own log as
# always); its results join the summary.
CHECK_BESIDE := fuzz debug
check_beside = $(filter $(CHECK_BESIDE),$(SUITES))
check_in_turn = $(filter-out $(CHECK_BESIDE),$(SUITES))

check: deps
	$(Q)rm -rf $(addprefix $(CHECK)/,$(SUITES)) && mkdir -p $(CHECK)
	$(Q)$(MAKE) --no-print-directory module userspace
	$(if $(check_beside),@echo "[check] beside the other layers: $(check_beside) (log: $(CHECK)/beside.log)")
	$(Q)beside=; \
	if [ -n "$(check_beside)" ]; then \
		$(MAKE) --no-print-directory -k $(addprefix check-,$(check_beside)) >$(CHECK)/beside.log 2>&1 & \
		beside=$$!; \
	fi; \
	$(if $(check_in_turn),$(MAKE) --no-print-directory -k $(addprefix check-,$(check_in_turn));) \
	if [ -n "$$beside" ]; then \
		echo "[check] waiting for $(check_beside) (log: $(CHECK)/beside.log)"; \
		wait $$beside; \
	fi; true
	$(Q)scripts/check-summary.py report $(CHECK) \
		$(foreach l,$(SUITES),$(l)=$(subst $(space),$(comma),$(strip $(SUITES_$(l)))))

# $(call layer,NAME,COMMAND): the recipe of check-NAME. Runs the shell
# COMMAND with NOVA_RESULTS=$(CHECK)/NAME (emptied first) for the suites'
# results, its output also in $(CHECK)/NAME.log and its exit status in
# $(CHECK)/NAME/exit-status (scripts/check-summary.py reads them).
define layer
$(Q)rm -rf $(CHECK)/$(1) && mkdir -p $(CHECK)/$(1)
$(Q)set -o pipefail; export NOVA_RESULTS=$(CHECK)/$(1); \
	{ ( $(2) ) 2>&1; echo $$? >$(CHECK)/$(1)/exit-status; } | tee $(CHECK)/$(1).log; \
	exit $$(cat $(CHECK)/$(1)/exit-status)
endef

# The modules' shape, the probes' answers, and the kernel's coding style on
# the kernel C (checkpatch.pl of the release kernel's linux-source).
check-module: module
	$(call layer,module,scripts/check-module.sh nova.ko nova_core.ko && \
		scripts/check-probes.sh $(KDIR) $(CURDIR) && scripts/check-style.sh)

# The frozen uAPI: header hygiene, layout pins, upstream compatibility and the
# layout baseline. Uses the sanitized kernel uapi headers the module build made.
check-uapi: module
	@echo "[check] uAPI header: hygiene, pins, upstream compatibility, layout baseline"
	$(call layer,uapi,$(MAKE) --no-print-directory -C tests/uapi O=$(BUILD)/uapi KUAPI=$(BUILD)/kernel-uapi check)

# The summary itself, on fake results with one failing suite.
.PHONY: check-summary
check-summary:
	$(call layer,summary,scripts/check-summary.py selftest | scripts/check-summary.py record $(CHECK)/summary summary-selftest)

# Records appended ioctls, structs and fields in driver/uapi/nova_drm.layout;
# refuses any other change of the uAPI.
uapi-baseline:
	@$(MAKE) --no-print-directory -C tests/uapi O=$(BUILD)/uapi baseline

# The VA space's differential test runs 200,000 operations here, not its
# default million: the fuzz layer's ioctl target drives the same reference
# model for 500,000 sequences, guided by coverage, and the two together must
# leave make check within its 20 minutes warm.
CHECK_DIFF_OPS ?= 200000
check-hosted: hosted
	@echo "[check] hosted C++ logic tests (GoogleTest, ASan, UBSan)"
	$(call layer,hosted,GTEST_OUTPUT=json:$(CHECK)/hosted/hosted.json NOVA_DIFF_OPS=$(CHECK_DIFF_OPS) \
		$(MAKE) --no-print-directory -C tests/hosted O=$(BUILD)/hosted check)

# The libFuzzer targets (tests/fuzz), each for a fixed number of
# executions on its seed corpus, one after the other on one core (the layer
# runs beside the others); a finding fails the layer, its reproducer in
# $(BUILD)/fuzz/TARGET/artifacts/ and the command that replays it printed.
# make fuzz runs them as long as FUZZ_SECONDS says, new inputs in
# $(BUILD)/fuzz/TARGET/corpus (make -C tests/fuzz merge keeps them).
FUZZ_SECONDS ?= 600
.PHONY: fuzz check-fuzz
fuzz:
	@echo "[fuzz] tests/fuzz targets for $(FUZZ_SECONDS) s each, two at once"
	$(Q)$(MAKE) -C tests/fuzz O=$(BUILD)/fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz

check-fuzz:
	@echo "[check] libFuzzer targets: ioctl sequences and the command engine (ASan, UBSan)"
	$(call layer,fuzz,$(MAKE) --no-print-directory -C tests/fuzz O=$(BUILD)/fuzz check | \
		scripts/check-summary.py record $(CHECK)/fuzz $(SUITES_fuzz))

# libnova without a device: the VA heap and buffer cache unit tests, the
# library on a fake kernel, the C++ wrapper's build, and the ABI: abidiff
# against userspace/libnova/libnova.abixml and the exported symbol list
# (any change fails; a deliberate break is checked to fail too).
check-lib: userspace
	@echo "[check] libnova hosted tests, C++ wrapper, ABI (abidiff)"
	$(call layer,lib,$(MAKE) --no-print-directory -C userspace O=$(USERSPACE) check-host | \
		scripts/check-summary.py record $(CHECK)/lib $(SUITES_lib))

# Records libnova's ABI as built: after reviewing that the change only adds.
abi-baseline: userspace
	@$(MAKE) --no-print-directory -C userspace O=$(USERSPACE) abi-baseline

# KUnit suites on UML, in Debian's linux-source tree of the headers' version
# with nova built in (tree and build cached outside the checkout; a cold run
# builds a whole UML kernel, several minutes).
.PHONY: check-kunit
check-kunit: deps
	@echo "[check] KUnit suites on UML (kunit.py)"
	$(call layer,kunit,scripts/kunit-run.sh)

# One boot on Debian's kernel, tests/guest/check-guest.sh: libnova's and
# the C++ wrapper's suites, nova-demo, novainfo's JSON, the buffer churn
# benchmark and nova-bench as smoke runs, the documented errno table, the
# isolation tests and the limits tests (memory cgroup, mapping limit,
# unprivileged clients, module parameters: nova-limits reloads nova), the
# unplug scenarios under running clients (nova-unplug, with QEMU's monitor
# for device_del), and the functions suite: nova_core bound to both edu
# functions, nova to their auxiliary devices, libdrm's drmdevice listing
# them with PCI bus info, novainfo listing both, PRIME between them
# (nova-prime-pair). The guest has two functions (two nova devices) for
# that; the other suites use the first. After each, nova's accounting must
# be back to zero and nova must reload (nova_core stays loaded).
# $(call GUEST_ENV,LAYER,NOVA_KO): what the guest's suite runner needs.
GUEST_ENV = --env NOVA_KO=$(2) --env NOVA_CORE_KO=$(dir $(2))nova_core.ko \
	--env NOVA_USERSPACE=$(USERSPACE) \
	--env NOVA_UAPI=$(BUILD)/uapi --env NOVA_RELIABILITY=$(BUILD)/reliability \
	--env NOVA_RESULTS=$(CHECK)/$(1)
# 10 cycles of each scenario (2 to 3 s a cycle under TCG): the unplug
# bugs found so far failed nearly every cycle; make check stays within 20
# minutes warm.
NOVA_UNPLUG_CYCLES ?= 10
# $(call GUEST_SUITE,LAYER,MODULE_DIR,UNPLUG_CYCLES): that boot, with the
# modules of MODULE_DIR, for guest-run.sh's kernel (NOVA_KERNEL).
GUEST_SUITE = $(GUEST_RUN) --timeout 900 --out $(CHECK)/$(1) --functions 2 --monitor \
	$(call GUEST_MODULES_IN,$(2)) $(call GUEST_ENV,$(1),$(2)/nova.ko) --env NOVA_GUEST_FUNCTIONS=2 \
	--env NOVA_UNPLUG_CYCLES=$(3) --script tests/guest/check-guest.sh
check-guest: module userspace
	@echo "[check] in-guest tests on Debian's kernel"
	$(call layer,guest,$(call GUEST_SUITE,guest,$(CURDIR),$(NOVA_UNPLUG_CYCLES)))

# --- DKMS and the Debian package ------------------------------------------------
#
# make deb: nova-dkms_VERSION_all.deb in build/deb, made by dpkg-buildpackage
# with debhelper's DKMS add-on from a staged copy of the module source and
# packaging/ (scripts/deb-build.sh; VERSION is the driver's, from
# nova_drv.h). check-dkms: the package's contents, then DKMS builds and
# installs it for the release and the backports kernel in a scratch tree,
# build/dkms, never the host's /var/lib/dkms, /lib/modules or /usr/src
# (scripts/check-dkms.sh). A kernel's build is kept while the packaged
# source, the headers, dkms and the compiler stay the same.

.PHONY: deb check-dkms
DEB = $(BUILD)/deb/nova-dkms_$(shell scripts/deb-build.sh --print-version)_all.deb
DKMS_KERNELS := release backports
SUITES_dkms := dkms-package $(addprefix dkms-,$(DKMS_KERNELS))
deb: deps
	@echo "[build] nova-dkms Debian package in $(BUILD)/deb"
	@scripts/deb-build.sh --out $(BUILD)/deb >/dev/null

check-dkms: deb
	@echo "[check] nova-dkms: contents, then DKMS builds for $(DKMS_KERNELS) in $(BUILD)/dkms"
	$(call layer,dkms,scripts/check-dkms.sh --deb $(DEB) --out $(BUILD)/dkms \
		$(foreach k,$(DKMS_KERNELS),$(k)=$$(NOVA_KERNEL=$(k) scripts/kernel-env.sh --kdir)) | \
		scripts/check-summary.py record $(CHECK)/dkms $(SUITES_dkms))

# --- the debug kernel ----------------------------------------------------------
#
# A kernel from Debian's linux-source of the headers' version with KASAN,
# lockdep, kmemleak, debug objects and UBSAN (tests/debug/kernel.config),
# built once and cached under ~/.cache/nova/debug-kernel (a cold build takes
# 13 minutes on 2 quiet cores, 45 on busy ones). nova.ko is built against
# it from a copy of the sources in build/debug/module (Kbuild in 6.1 has no
# MO=, and an in-tree M= build would overwrite the Debian-kernel nova.ko). The whole in-guest
# suite, the fuzzer, the stress test and 10 load/unload cycles then run on
# it; any kernel report fails the run (scripts/debug-report.sh).

DEBUG_MODULE := $(BUILD)/debug/module
NOVA_FUZZ_ITERATIONS ?= 20000
NOVA_STRESS_SECONDS ?= 20
NOVA_LOAD_CYCLES ?= 10
DEBUG_SUITES := libnova uapi-errors isolation limits fuzz stress unplug-aux unplug-function load-cycles
# Under KASAN and TCG a million mappings per file (the default limit, which
# uapi-errors and limits fill on Debian's kernel in seconds) take many
# minutes: the debug run loads nova with a smaller limit, every reload too
# (eight full VM_BIND batches, and room for nova-limits' 2 x 10000 mappings).
DEBUG_NOVA_PARAMS := max_mappings=32768
# nova-unplug on the debug kernel: 10 cycles of nova's own unbind (about
# 1.5 s each), 2 of each scenario that probes the function again (nova_core's
# unbind, PCI remove, device_del, rmmod; about 10 s a cycle). make check-long
# runs twice as many unplug and load cycles (LONG_CYCLES_FACTOR): make check's
# counts were halved when the fuzz layer joined it, to keep it within 20
# minutes warm.
DEBUG_UNPLUG_CYCLES ?= 10
LONG_CYCLES_FACTOR := 2
DEBUG_UNPLUG_FUNCTION_CYCLES ?= 2
# nova-fuzz's unplug events: about one per 1000 iterations (aux unbind and
# bind, about a second each), one in twenty of them nova_core's unbind
# from the PCI function (a probe of the function, about 10 s).
DEBUG_FUZZ_UNPLUG_EVERY ?= 1000
DEBUG_FUZZ_UNPLUG_FUNCTION ?= 5
# Under KASAN and TCG, evaluating QEMU's ACPI _PRT (interrupt routing) runs
# its AML loop into ACPI's 30 s loop timeout (AE_AML_LOOP_TIMEOUT): four
# times at boot, and once at every pci_enable_device(). Every device of the
# guest uses MSI or MSI-X, so the debug guest boots with acpi=noirq, which
# skips _PRT: 20 s to boot instead of 155 s, unplug-function's cycles 10 s
# instead of 29 s. ACPI hotplug (device_del) does not depend on it.
DEBUG_GUEST_CMDLINE := acpi=noirq

.PHONY: debug-kernel module-debug check-debug
debug-kernel:
	@echo "[build] debug kernel (scripts/debug-kernel.sh; cached after the first build)"
	@scripts/debug-kernel.sh >/dev/null

module-debug: debug-kernel
	@echo "[build] nova_core.ko and nova.ko against the debug kernel, in $(DEBUG_MODULE)"
	@scripts/module-tree.sh $(DEBUG_MODULE)
	$(Q)$(MAKE) -C $$(scripts/debug-kernel.sh --print-dir) M=$(DEBUG_MODULE) modules
	@scripts/check-module.sh $(DEBUG_MODULE)/nova.ko $(DEBUG_MODULE)/nova_core.ko
	@scripts/check-instrumented.sh $(DEBUG_MODULE)

# $(call DEBUG_GUEST,LAYER,TIMEOUT,FUZZ_ITERATIONS,FUZZ_JOBS,STRESS_SECONDS,CYCLES_FACTOR):
# the debug suite's boot and its report, for check-debug and check-long;
# CYCLES_FACTOR multiplies the unplug-aux and load cycles.
# The guest's output dir is the layer's: debug-report reads its dmesg.
DEBUG_GUEST = $(GUEST_RUN) --kernel $$(scripts/debug-kernel.sh --print-dir) \
	--out $(CHECK)/$(1) --timeout $(2) --memory 2048 --monitor --append $(DEBUG_GUEST_CMDLINE) \
	--module $(DEBUG_MODULE)/nova_core.ko --module $(DEBUG_MODULE)/nova.ko:$(DEBUG_NOVA_PARAMS) \
	$(call GUEST_ENV,$(1),$(DEBUG_MODULE)/nova.ko) --env NOVA_KO_PARAMS=$(DEBUG_NOVA_PARAMS) \
	--env NOVA_UNPLUG_CYCLES=$$(($(DEBUG_UNPLUG_CYCLES) * $(6))) \
	--env NOVA_UNPLUG_FUNCTION_CYCLES=$(DEBUG_UNPLUG_FUNCTION_CYCLES) \
	--env NOVA_FUZZ_ITERATIONS=$(3) --env NOVA_FUZZ_JOBS=$(4) \
	--env NOVA_FUZZ_UNPLUG_EVERY=$(DEBUG_FUZZ_UNPLUG_EVERY) \
	--env NOVA_FUZZ_UNPLUG_FUNCTION=$(DEBUG_FUZZ_UNPLUG_FUNCTION) \
	--env NOVA_STRESS_SECONDS=$(5) \
	--env NOVA_LOAD_CYCLES=$$(($(NOVA_LOAD_CYCLES) * $(6))) \
	--script tests/reliability/guest-suite.sh; rc=$$?; \
	scripts/debug-report.sh $(CHECK)/$(1) $(CHECK)/$(1).log || rc=1; exit $$rc

check-debug: deps module-debug userspace
	@echo "[check] in-guest suite on the debug kernel (KASAN, lockdep, kmemleak, UBSAN)"
	$(call layer,debug,$(call DEBUG_GUEST,debug,2400,$(NOVA_FUZZ_ITERATIONS),1,$(NOVA_STRESS_SECONDS),1))

# --- the long run on the debug kernel -------------------------------------------
#
# Nightly-style, never part of make check: the debug suite with a million
# fuzz iterations and ten minutes of nova-stress's racing clients, then the
# debug report, its results summarised like make check's (layer "long",
# in $(CHECK)/long). The fuzzer runs as NOVA_LONG_FUZZ_JOBS processes,
# seeds one apart, sharing out the iterations: the guest's two vCPUs run
# them in parallel (QEMU's multi-threaded TCG). The guest's timeout allows
# 100 iterations a second (half what they do on two quiet cores) besides
# the rest of the suite. The knobs scale it down for a quick try, e.g.
#   make check-long NOVA_LONG_FUZZ_ITERATIONS=20000 NOVA_LONG_STRESS_SECONDS=30
NOVA_LONG_FUZZ_ITERATIONS ?= 1000000
NOVA_LONG_FUZZ_JOBS ?= 2
NOVA_LONG_STRESS_SECONDS ?= 600
LONG_TIMEOUT = $$((2400 + $(NOVA_LONG_FUZZ_ITERATIONS) / 100 + 2 * $(NOVA_LONG_STRESS_SECONDS)))
SUITES_long = $(SUITES_debug)

.PHONY: check-long check-long-guest
check-long: deps module-debug userspace
	@echo "[check] the long run: $(NOVA_LONG_FUZZ_ITERATIONS) fuzz iterations in" \
		"$(NOVA_LONG_FUZZ_JOBS) jobs, $(NOVA_LONG_STRESS_SECONDS) s of stress, on the debug kernel"
	$(Q)$(MAKE) --no-print-directory check-long-guest; \
	scripts/check-summary.py report $(CHECK) long=$(subst $(space),$(comma),$(strip $(SUITES_long)))

check-long-guest:
	$(call layer,long,$(call DEBUG_GUEST,long,$(LONG_TIMEOUT),$(NOVA_LONG_FUZZ_ITERATIONS),$(NOVA_LONG_FUZZ_JOBS),$(NOVA_LONG_STRESS_SECONDS),$(LONG_CYCLES_FACTOR)))

# igt tests (tests/igt) on the real igt runtime, libigt.so.0 of Debian's
# intel-gpu-tools: their igt API declarations checked on the host, then one
# boot runs every subtest in its own process (about 70 of them, 2-3 minutes
# under TCG); the driver's accounting must be back to zero afterwards.
.PHONY: igt check-igt
# Named, not globbed: a test binary that was not built fails the run.
IGT_TESTS := $(shell sed -n 's/^TESTS := //p' tests/igt/Makefile)
igt:
	@echo "[build] igt tests against libigt.so.0"
	$(Q)$(MAKE) -C tests/igt O=$(BUILD)/igt

# $(call IGT_GUEST,LAYER,MODULE_DIR): that boot, with the modules of
# MODULE_DIR, for guest-run.sh's kernel (NOVA_KERNEL).
IGT_GUEST = $(GUEST_RUN) --timeout 600 --out $(CHECK)/$(1) $(call GUEST_MODULES_IN,$(2)) \
	$(call GUEST_ENV,$(1),$(2)/nova.ko) -- sh tests/guest/check-guest.sh --igt $(BUILD)/igt $(IGT_TESTS)
check-igt: igt module
	@echo "[check] igt API declarations, then the igt tests in the guest"
	$(call layer,igt,$(MAKE) --no-print-directory -C tests/igt O=$(BUILD)/igt check-api | \
		scripts/check-summary.py record $(CHECK)/igt igt-api && $(call IGT_GUEST,igt,$(CURDIR)))

# --- the backports kernel -------------------------------------------------------
#
# The same suites on bookworm-backports' 6.12 (NOVA_KERNEL=backports, see
# scripts/kernel-env.sh), with the same userspace binaries: nova_core.ko and
# nova.ko built against its headers from a copy of the sources in
# $(BACKPORTS_MODULE) (scripts/module-tree.sh, as for the debug kernel),
# KUnit on UML in its linux-source tree, the guest suites (fewer unplug
# cycles than on the release kernel, for time) and igt on its image, and
# novainfo's report compared between the two kernels. Its caches (image,
# initramfs, source, KUnit build) are keyed by its headers' package
# version, like the release kernel's.

BACKPORTS_MODULE := $(BUILD)/backports/module
# Recursive: asked of apt only by the recipes that need it.
BACKPORTS_KDIR = $(shell NOVA_KERNEL=backports scripts/kernel-env.sh --kdir)
BACKPORTS_UNPLUG_CYCLES ?= 4
CHECK_LAYERS += module-backports kunit-backports guest-backports igt-backports novainfo-kernels
SUITES_kunit-backports := kunit
SUITES_guest-backports := $(SUITES_guest)
SUITES_igt-backports := igt
SUITES_novainfo-kernels := novainfo-kernels
# Each kernel's module directory, for the comparison.
MODULE_DIR_release := $(CURDIR)
MODULE_DIR_backports := $(BACKPORTS_MODULE)

.PHONY: module-backports check-module-backports check-kunit-backports check-guest-backports \
	check-igt-backports check-novainfo-kernels
module-backports:
	@echo "[build] nova_core.ko and nova.ko against the backports kernel, in $(BACKPORTS_MODULE)"
	@scripts/module-tree.sh $(BACKPORTS_MODULE)
	$(Q)$(MAKE) -C $(BACKPORTS_KDIR) M=$(BACKPORTS_MODULE) modules

# As the module layer: the modules' shape, and the probes' answers.
check-module-backports: module-backports
	$(call layer,module-backports,scripts/check-module.sh $(BACKPORTS_MODULE)/nova.ko \
		$(BACKPORTS_MODULE)/nova_core.ko && scripts/check-probes.sh $(BACKPORTS_KDIR) $(BACKPORTS_MODULE))

check-kunit-backports: deps
	@echo "[check] KUnit suites on UML, in the backports kernel's tree"
	$(call layer,kunit-backports,NOVA_KERNEL=backports scripts/kunit-run.sh)

check-guest-backports: module-backports userspace
	@echo "[check] in-guest tests on the backports kernel"
	$(call layer,guest-backports,NOVA_KERNEL=backports \
		$(call GUEST_SUITE,guest-backports,$(BACKPORTS_MODULE),$(BACKPORTS_UNPLUG_CYCLES)))

check-igt-backports: igt module-backports
	@echo "[check] the igt tests in the guest, on the backports kernel"
	$(call layer,igt-backports,NOVA_KERNEL=backports $(call IGT_GUEST,igt-backports,$(BACKPORTS_MODULE)))

# The uAPI does not change with the kernel: novainfo --json (the same
# binary) in one short boot on each kernel must report the same driver,
# uAPI version, parameters and VM.
check-novainfo-kernels: module module-backports userspace
	@echo "[check] novainfo on both kernels: the same parameters"
	$(call layer,novainfo-kernels,$(foreach k,release backports,NOVA_KERNEL=$(k) $(GUEST_RUN) \
		--out $(CHECK)/novainfo-kernels/$(k) $(call GUEST_MODULES_IN,$(MODULE_DIR_$(k))) -- \
		sh -c '$(USERSPACE)/novainfo --json >$(CHECK)/novainfo-kernels/$(k)/novainfo.json' &&) \
		scripts/novainfo-compare.py $(CHECK)/novainfo-kernels/release/novainfo.json \
		$(CHECK)/novainfo-kernels/backports/novainfo.json | \
		scripts/check-summary.py record $(CHECK)/novainfo-kernels novainfo-kernels)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
