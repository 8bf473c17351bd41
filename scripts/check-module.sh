#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks that the built modules keep their promises.
#
# nova.ko, the DRM driver with the freestanding C++ logic:
#  - it contains the logic (C++ objects and the extern "C" entry points);
#  - no global constructors or destructors (.init_array, .ctors, ...): the
#    kernel's module loader would never run them (on a KASAN kernel, only
#    the compiler's KASAN global-registration constructors are allowed);
#  - no exception tables (.gcc_except_table, .eh_frame);
#  - no reference to a C++ runtime symbol (operator new that throws,
#    __cxa_*, __gxx_personality_*, _Unwind_*): the kernel has none, and
#    modpost would only warn about it.
#
# nova_core.ko, the hardware module, is kernel C plus the command engine's
# freestanding C++ (driver/nova-core/engine/): the same section and runtime
# checks; it contains the engine (nova_engine_execute and C++ symbols of
# namespace nova::engine only), nothing of nova.ko's logic or C++ runtime
# (operator new/delete, __cxa_pure_virtual: it allocates nothing), no
# nova_svc_* service (those are nova.ko's), and it exports the interface of
# driver/include/nova_function.h in the NOVA_CORE namespace.
set -euo pipefail

if [ "${1:-}" = "--help" ] || [ $# -lt 1 ]; then
	echo "usage: $0 MODULE.ko..."
	echo "Fails when nova.ko lacks the C++ logic or carries C++ runtime baggage,"
	echo "or when nova_core.ko lacks the engine, carries C++ runtime or services,"
	echo "or does not export the nova_function interface."
	[ "${1:-}" = "--help" ]
	exit
fi

# The module being checked, and whether it failed a check.
module=
fail=0

complain() {
	echo "check-module: $module: $*" >&2
	fail=1
}

# The checks both modules share, then each one's own.
check() {
	local sections symbols undefined runtime
	module=$1
	fail=0

	sections=$(readelf -S -W "$module" | sed -n -E 's/^ *\[ *[0-9]+\] +([^ ]+) .*/\1/p')
	symbols=$(nm "$module")

	# On a KASAN kernel the compiler gives every object a constructor that
	# registers its globals with KASAN (_sub_I_65535_N, run by the module
	# loader through CONFIG_CONSTRUCTORS) and a matching destructor. Those are
	# the only entries .init_array/.fini_array may hold: C++ global
	# constructors (_GLOBAL__sub_I_*) stay forbidden.
	sanitizer_only() { # section, local symbol of the sanitizer's functions
		local entries funcs
		entries=$(readelf -r -W "$module" | awk -v s="'.rela$1'" 'index($0, "section " s) {print $(NF-1)}')
		funcs=$(grep -cE " t $2[0-9]+\$" <<<"$symbols" || true)
		[[ -n $entries && $entries -eq $funcs ]] &&
			grep -q ' U __asan_register_globals$' <<<"$symbols" &&
			! grep -q '_GLOBAL__sub_[ID]_' <<<"$symbols"
	}
	for forbidden in .init_array .fini_array .ctors .dtors .preinit_array .gcc_except_table .eh_frame; do
		if grep -qx -- "$forbidden" <<<"$sections"; then
			case $forbidden in
			.init_array) sanitizer_only .init_array _sub_I_65535_ && continue ;;
			.fini_array) sanitizer_only .fini_array _sub_D_65535_ && continue ;;
			esac
			complain "has section $forbidden"
		fi
	done

	undefined=$(nm -u "$module" | awk '{print $2}')
	runtime=$(grep -E '^(_Z|__cxa_|__gxx_|_Unwind_|__dso_handle$|__cxx_)' <<<"$undefined" || true)
	if [ -n "$runtime" ]; then
		complain "references C++ runtime symbols:"
		sed 's/^/    /' <<<"$runtime" >&2
	fi

	defined=$(nm --defined-only "$module" | awk '{print $3}')
	case $(basename "$module") in
	nova_core.ko) check_core ;;
	*) check_logic ;;
	esac
	[ $fail -eq 0 ]
}

# nova.ko: the logic is in it.
check_logic() {
	local cxx_symbols entry
	cxx_symbols=$(grep -c '^_ZN4nova' <<<"$defined" || true)
	if [ "$cxx_symbols" -eq 0 ]; then
		complain "contains no C++ logic symbols (_ZN4nova...)"
	fi
	for entry in nova_logic_device_create nova_logic_ioctl_getparam nova_logic_ioctl_gem_create \
		     nova_logic_ioctl_gem_info nova_logic_ioctl_gem_mmap_offset nova_logic_ioctl_vm_bind \
		     nova_logic_file_for_each_mapping; do
		grep -qx "$entry" <<<"$defined" || complain "lacks logic entry point $entry"
	done
	[ $fail -ne 0 ] ||
		echo "check-module: $module: C++ logic present ($cxx_symbols symbols), no constructors, no C++ runtime references"
}

# nova_core.ko: C and the engine's C++, and the interface is exported.
check_core() {
	local cxx foreign entry services
	cxx=$(grep -E '^_Z' <<<"$defined" || true)
	foreign=$(grep -vE '^_ZN4nova6engine' <<<"$cxx" || true)
	[ -z "$foreign" ] ||
		complain "defines C++ symbols outside nova::engine: $(head -n 3 <<<"$foreign" | tr '\n' ' ')"
	[ -n "$cxx" ] || complain "contains no engine C++ symbols (_ZN4nova6engine...)"
	grep -qx nova_engine_execute <<<"$defined" || complain "lacks the engine's nova_engine_execute"
	! grep -qx __cxa_pure_virtual <<<"$defined" || complain "carries nova.ko's C++ runtime (__cxa_pure_virtual)"
	services=$(grep -E '^nova_svc_' <<<"$undefined" || true)
	[ -z "$services" ] || complain "calls nova.ko's services: $(tr '\n' ' ' <<<"$services")"
	local exports=(nova_function_from_auxdev nova_function_bus_device nova_function_get_info
		       nova_function_irq_register nova_function_irq_unregister nova_function_irq_raise
		       nova_function_engine_channel_create nova_function_engine_submit
		       nova_function_engine_channel_destroy nova_function_engine_reap)
	for entry in "${exports[@]}"; do
		grep -qx "__ksymtab_$entry" <<<"$defined" || complain "does not export $entry"
	done
	# The namespace is what makes a user say MODULE_IMPORT_NS(NOVA_CORE).
	local ns
	ns=$(grep -c '^__kstrtabns_nova_function_' <<<"$defined" || true)
	[ "$ns" -eq ${#exports[@]} ] ||
		complain "exports $ns of the ${#exports[@]} nova_function symbols in a namespace, not all"
	[ $fail -ne 0 ] ||
		echo "check-module: $module: engine C++ present ($(wc -l <<<"$cxx") symbols), no constructors, no C++ runtime, no services, exports the nova_function interface (NOVA_CORE)"
}

status=0
for m in "$@"; do
	check "$m" || status=1
done
exit $status
