// SPDX-License-Identifier: GPL-2.0
//
// Lock rules written into the types, for clang's thread-safety analysis.
//
// A lock is a capability (TA_CAP); data names the lock that guards it
// (TA_GUARDED); a function names the locks it needs held (TA_REQ), takes
// (TA_ACQ) or drops (TA_REL); a guard object holds one for its scope
// (TA_SCOPED_CAP). Under clang with -Wthread-safety a broken rule is a
// compile error (tests/hosted's check builds all of nova's C++ that way). g++,
// which builds nova.ko, has no such analysis: there the macros are empty.
// The names follow Zircon's <lib/zircon-internal/thread_annotations.h>.
#pragma once

#if defined(__clang__)
#define NOVA_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define NOVA_THREAD_ANNOTATION(x)
#endif

#define TA_CAP(kind) NOVA_THREAD_ANNOTATION(capability(kind))
#define TA_SCOPED_CAP NOVA_THREAD_ANNOTATION(scoped_lockable)
#define TA_GUARDED(lock) NOVA_THREAD_ANNOTATION(guarded_by(lock))
#define TA_REQ(...) NOVA_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define TA_ACQ(...) NOVA_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define TA_REL(...) NOVA_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TA_ASSERT(...) NOVA_THREAD_ANNOTATION(assert_capability(__VA_ARGS__))
// Only for a C entry point that takes or drops a lock its caller holds
// across calls (nova_logic_file_va_lock()): the analysis cannot follow a
// lock from one C call to the next.
#define TA_NO_THREAD_SAFETY_ANALYSIS NOVA_THREAD_ANNOTATION(no_thread_safety_analysis)
