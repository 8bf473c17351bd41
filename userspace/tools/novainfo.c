// SPDX-License-Identifier: MIT
/*
 * novainfo - list the nova devices of the system and their parameters.
 *
 * Everything comes through libnova, so what novainfo shows is exactly what
 * any libnova client sees. Parameters are listed from libnova's own table:
 * a parameter added to the library shows up here without touching this file.
 * The GPU VA space is shown as libnova's nova_vm describes it, or as absent
 * when the driver has no VM_BIND (uAPI version below 2).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nova/nova.h>

#include "cli.h"

static void usage(FILE *out, const char *argv0)
{
	fprintf(out,
		"Usage: %s [--json] [--help]\n"
		"\n"
		"List every nova DRM device: its node, its driver's name, version,\n"
		"date and description, its uAPI version, every parameter the driver\n"
		"reports, and its GPU virtual address space (VM_BIND).\n"
		"\n"
		"  --json   print one JSON object instead of text\n"
		"  --help   show this help\n"
		"\n"
		"Exit status: 0 when at least one nova device was listed, 1 when\n"
		"there is none or it cannot be opened, 2 on a usage error.\n",
		argv0);
}

static const char *or_unknown(const char *s)
{
	return s ? s : "(unknown)";
}

/* A byte count in the largest binary unit that keeps it readable. */
static void human_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double value = (double)bytes;
	unsigned int u = 0;

	while (value >= 1024 && u < sizeof(units) / sizeof(units[0]) - 1) {
		value /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
	else
		snprintf(buf, len, "%.2f %s", value, units[u]);
}

static void print_vm_text(struct nova_device *dev)
{
	struct nova_vm *vm;
	char size[32];
	int ret;

	ret = nova_device_get_vm(dev, &vm);
	if (ret == -EOPNOTSUPP) {
		printf("  GPU VA space: not supported (uAPI version %" PRIu64
		       "; VM_BIND needs 2)\n", nova_device_uapi_version(dev));
		return;
	}
	if (ret) {
		printf("  GPU VA space: error: %s\n", strerror(-ret));
		return;
	}

	human_size(size, sizeof(size), nova_vm_va_size(vm));
	printf("  GPU VA space (VM_BIND):\n");
	printf("    range:        0x%016" PRIx64 "-0x%016" PRIx64 " (%s)\n",
	       nova_vm_va_start(vm), nova_vm_va_start(vm) + nova_vm_va_size(vm), size);
	printf("    alignment:    %" PRIu64 " bytes\n", nova_vm_va_alignment(vm));
	printf("    max ops:      %" PRIu32 " per VM_BIND call\n", nova_vm_max_ops(vm));
}

static void print_text(struct nova_device *dev, unsigned int index)
{
	int major = 0, minor = 0, patch = 0;
	unsigned int i;

	nova_device_driver_version(dev, &major, &minor, &patch);

	printf("nova device %u: %s\n", index,
	       or_unknown(nova_device_node_path(dev)));
	printf("  driver:       %s\n", nova_device_driver_name(dev));
	printf("  version:      %d.%d.%d\n", major, minor, patch);
	printf("  date:         %s\n", nova_device_driver_date(dev));
	printf("  description:  %s\n", nova_device_driver_desc(dev));
	printf("  uAPI version: %" PRIu64 "%s\n", nova_device_uapi_version(dev),
	       nova_device_uapi_version(dev) ? "" : " (no UAPI_VERSION parameter: upstream nova?)");
	printf("  parameters:\n");

	for (i = 0; i < nova_param_count(); i++) {
		uint64_t id = nova_param_id(i), value;
		int ret = nova_device_get_param(dev, id, &value);

		if (ret == -EINVAL)
			printf("    %-20s (0x%03" PRIx64 ")  not reported by the driver\n",
			       nova_param_name(id), id);
		else if (ret)
			printf("    %-20s (0x%03" PRIx64 ")  error: %s\n",
			       nova_param_name(id), id, strerror(-ret));
		else
			printf("    %-20s (0x%03" PRIx64 ")  %" PRIu64 " (0x%" PRIx64 ")\n",
			       nova_param_name(id), id, value, value);
	}

	print_vm_text(dev);

	{
		struct nova_bo_cache_stats st = { .struct_size = sizeof(st) };

		if (!nova_device_bo_cache_stats(dev, &st))
			printf("  libnova buffer cache: %s\n", st.enabled ? "on" :
			       "off (NOVA_BO_CACHE=0)");
	}
}

/* libnova's buffer cache of this process's device (NOVA_BO_CACHE=0: off). */
static void print_cache_json(struct nova_device *dev)
{
	struct nova_bo_cache_stats st = { .struct_size = sizeof(st) };

	if (nova_device_bo_cache_stats(dev, &st)) {
		printf("null");
		return;
	}
	printf("{ \"enabled\": %s }", st.enabled ? "true" : "false");
}

static void print_json(struct nova_device *dev, bool first)
{
	int major = 0, minor = 0, patch = 0;
	const char *path = nova_device_node_path(dev);
	struct nova_vm *vm;
	unsigned int i;

	nova_device_driver_version(dev, &major, &minor, &patch);

	printf("%s\n    {\n      \"node\": ", first ? "" : ",");
	if (path)
		cli_print_json_string(path);
	else
		printf("null");
	printf(",\n      \"driver\": ");
	cli_print_json_string(nova_device_driver_name(dev));
	printf(",\n      \"version\": \"%d.%d.%d\",\n      \"date\": ",
	       major, minor, patch);
	cli_print_json_string(nova_device_driver_date(dev));
	printf(",\n      \"description\": ");
	cli_print_json_string(nova_device_driver_desc(dev));
	printf(",\n      \"uapi_version\": %" PRIu64, nova_device_uapi_version(dev));
	printf(",\n      \"parameters\": {");

	for (i = 0; i < nova_param_count(); i++) {
		uint64_t id = nova_param_id(i), value;

		printf("%s\n        ", i ? "," : "");
		cli_print_json_string(nova_param_name(id));
		if (nova_device_get_param(dev, id, &value))
			printf(": null");	/* error: the text mode says which */
		else
			printf(": %" PRIu64, value);
	}
	printf("\n      },\n      \"bo_cache\": ");
	print_cache_json(dev);
	printf(",\n      \"vm\": ");

	/* null when the driver has no VM_BIND. */
	if (nova_device_get_vm(dev, &vm)) {
		printf("null");
	} else {
		printf("{\n        \"va_start\": %" PRIu64 ",\n        \"va_end\": %" PRIu64
		       ",\n        \"va_size\": %" PRIu64 ",\n        \"va_alignment\": %" PRIu64
		       ",\n        \"vm_bind_max_ops\": %" PRIu32 "\n      }",
		       nova_vm_va_start(vm), nova_vm_va_start(vm) + nova_vm_va_size(vm),
		       nova_vm_va_size(vm), nova_vm_va_alignment(vm), nova_vm_max_ops(vm));
	}
	printf("\n    }");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, listed = false;
	int count, i, opt, status = 0;

	while ((opt = getopt_long(argc, argv, "jh", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		usage(stderr, argv[0]);
		return 2;
	}

	count = nova_device_count();
	if (count < 0) {
		fprintf(stderr, "%s: cannot search for nova devices: %s\n",
			argv[0], strerror(-count));
		return 1;
	}
	if (count == 0) {
		fprintf(stderr,
			"%s: no nova device found: no DRM node under /dev/dri "
			"belongs to the \"nova\" driver (is nova.ko loaded?)\n", argv[0]);
		if (json)
			printf("{\n  \"devices\": []\n}\n");
		return 1;
	}

	if (json)
		printf("{\n  \"devices\": [");

	for (i = 0; i < count; i++) {
		struct nova_device *dev;
		int ret = nova_device_open_index(i, &dev);

		if (ret) {
			fprintf(stderr, "%s: cannot open nova device %d: %s\n",
				argv[0], i, strerror(-ret));
			status = 1;
			continue;
		}

		if (json) {
			print_json(dev, !listed);
		} else {
			if (listed)
				putchar('\n');
			print_text(dev, i);
		}
		listed = true;
		nova_device_close(dev);
	}

	if (json)
		printf("\n  ]\n}\n");
	return status;
}
