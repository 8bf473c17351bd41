// SPDX-License-Identifier: MIT
/*
 * Which machine the benchmark runs on.
 *
 * Under QEMU's TCG every instruction is translated, so absolute times say
 * little about hardware, while ratios measured in the same run still do;
 * the report must say which case it is. The CPU itself tells: CPUID leaf 1
 * has the "hypervisor present" bit, and leaf 0x40000000 the hypervisor's
 * signature ("KVMKVMKVM" for KVM, "TCGTCGTCGTCG" for QEMU's TCG).
 * NOVA_BENCH_ACCEL overrides the guess (a harness that knows better).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "machine.h"
#include "report.h"

static void read_cpu_model(struct bench_machine *m)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "re");

	snprintf(m->cpu, sizeof(m->cpu), "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + (colon[1] == ' ');
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(m->cpu, sizeof(m->cpu), "%s", colon);
		break;
	}
	fclose(f);
}

/* The hypervisor bit and signature; false when there is no hypervisor. */
static bool hypervisor_signature(char sig[13])
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, ebx, ecx, edx;

	sig[0] = '\0';
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 31)))
		return false;
	__cpuid(0x40000000, eax, ebx, ecx, edx);
	memcpy(sig, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	sig[12] = '\0';
	return true;
#else
	sig[0] = '\0';
	return false;
#endif
}

void bench_detect_machine(struct bench_machine *m)
{
	const char *forced = getenv("NOVA_BENCH_ACCEL");
	struct utsname u;
	char sig[13];
	bool hv;

	memset(m, 0, sizeof(*m));
	read_cpu_model(m);
	snprintf(m->kernel, sizeof(m->kernel), "%s", uname(&u) ? "unknown" : u.release);

	hv = hypervisor_signature(sig);
	snprintf(m->signature, sizeof(m->signature), "%s", sig);
	if (forced && *forced) {
		snprintf(m->accel, sizeof(m->accel), "%s", forced);
		snprintf(m->how, sizeof(m->how), "NOVA_BENCH_ACCEL");
	} else if (!hv) {
		snprintf(m->accel, sizeof(m->accel), "bare metal");
		snprintf(m->how, sizeof(m->how), "no CPUID hypervisor bit");
	} else if (!strcmp(sig, "KVMKVMKVM")) {
		snprintf(m->accel, sizeof(m->accel), "KVM");
		snprintf(m->how, sizeof(m->how), "CPUID signature %s", sig);
	} else if (!strcmp(sig, "TCGTCGTCGTCG")) {
		snprintf(m->accel, sizeof(m->accel), "TCG");
		snprintf(m->how, sizeof(m->how), "CPUID signature %s", sig);
	} else if (!sig[0]) {
		/* QEMU's TCG sets the bit without a signature unless asked to. */
		snprintf(m->accel, sizeof(m->accel), "TCG");
		snprintf(m->how, sizeof(m->how), "CPUID hypervisor bit, no signature");
	} else {
		snprintf(m->accel, sizeof(m->accel), "hypervisor");
		snprintf(m->how, sizeof(m->how), "CPUID signature %s", sig);
	}
	m->emulated = !strcasecmp(m->accel, "TCG");
}
