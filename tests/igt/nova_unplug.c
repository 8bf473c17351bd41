// SPDX-License-Identifier: MIT
/*
 * nova_unplug: nova's DRM device going away and coming back under its
 * clients, through sysfs: nova unbound from and rebound to its auxiliary
 * device nova_core.drm.N, and nova_core unbound from and rebound to the PCI
 * function, which deletes and re-creates that auxiliary device.
 *
 * What Documentation/nova-core.rst promises and this checks: after the
 * unbind every nova ioctl on an old file fails with -ENODEV, an old CPU
 * mapping stays readable (its pages live until the object is freed), the
 * old device is freed once its last file closes, and a rebind gives a
 * device that a new client uses normally, with nothing of the old clients
 * in its accounting (debugfs nova_stats).
 *
 * Each subtest leaves nova bound as it found it, also when it fails: every
 * subtest starts by restoring the binding, and an igt exit handler does the
 * same when the process ends, by exit or by a signal. Needs root and a nova
 * device on an auxiliary device; skips otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "nova_helpers.h"

IGT_TEST_DESCRIPTION("Unbind and rebind of the nova driver and of nova_core under open files");

#define AUX_DEVICES		"/sys/bus/auxiliary/devices"
#define NOVA_AUX_DRIVER		"/sys/bus/auxiliary/drivers/nova"
#define CORE_PCI_DRIVER		"/sys/bus/pci/drivers/nova_core"
#define AUX_PREFIX		"nova_core.drm."
#define DEBUGFS_DRI		"/sys/kernel/debug/dri"
#define LOOP_CYCLES		20
/* How long a (re)bind may take to show its device: generous for TCG. */
#define BIND_TIMEOUT_MS		20000

/*
 * File scope, for the exit handler and because igt leaves a subtest with
 * siglongjmp() (see nova_basic.c).
 */
/* The function's bus device (sysfs path, resolved) and its name. */
static char bus_path[PATH_MAX];
static char bus_name[NAME_MAX + 1];
/* The auxiliary device nova binds; re-created, maybe renamed, by rebind-core. */
static char aux_name[NAME_MAX + 1];
/* What this process unbound and has not bound back yet. */
static volatile bool nova_unbound, core_unbound;
/* The current subtest's client from before the unbind, if still open. */
static int old_fd = -1;
static void *old_map = MAP_FAILED;
static size_t old_map_size;
/* Where the old client's object is mapped in its GPU VA space. */
static uint64_t old_va;

/* ---- sysfs ------------------------------------------------------------- */

/*
 * snprintf() into @buf, false if the result did not fit. Paths are built
 * through this so that a truncated one is never used (and so that the
 * compiler's truncation warnings, which cannot know sysfs' path lengths,
 * have a check to see).
 */
__attribute__((format(printf, 3, 4)))
static bool pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len >= 0 && (size_t)len < size;
}

/* Writes @value to the sysfs attribute @path: 0 or -errno. */
static int sysfs_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, value, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret < 0 ? (int)ret : ret == (ssize_t)len ? 0 : -EIO;
}

/* The name of the driver bound to the device at @dev_path, or "" if none. */
static const char *driver_of(const char *dev_path, char *buf, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t len;
	const char *slash;

	snprintf(link, sizeof(link), "%s/driver", dev_path);
	len = readlink(link, target, sizeof(target) - 1);
	buf[0] = '\0';
	if (len <= 0)
		return buf;
	target[len] = '\0';
	slash = strrchr(target, '/');
	if (!pathf(buf, size, "%s", slash ? slash + 1 : target))
		buf[0] = '\0';
	return buf;
}

static bool bound_to(const char *dev_path, const char *driver)
{
	char buf[NAME_MAX + 1];

	return strcmp(driver_of(dev_path, buf, sizeof(buf)), driver) == 0;
}

static bool aux_bound_to_nova(void)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), AUX_DEVICES "/%s", aux_name);
	return bound_to(path, "nova");
}

/* The resolved sysfs path of the device behind @fd's DRM minor. */
static bool bus_device_of_fd(int fd, char *out)
{
	char path[PATH_MAX];
	struct stat st;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return false;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device", major(st.st_rdev),
		 minor(st.st_rdev));
	return realpath(path, out) != NULL;
}

/*
 * The auxiliary device nova_core made for the function at bus_path: the
 * nova_core.drm.N of /sys/bus/auxiliary/devices whose sysfs parent is the
 * function. Found through the bus, not by guessing N, since the id is
 * nova_core's to choose and a rebind of nova_core may change it.
 */
static bool find_aux_device(char *name, size_t size)
{
	struct dirent *entry;
	bool found = false;
	DIR *dir = opendir(AUX_DEVICES);

	if (!dir)
		return false;
	while (!found && (entry = readdir(dir))) {
		char path[PATH_MAX], real[PATH_MAX];
		char *slash;

		if (strncmp(entry->d_name, AUX_PREFIX, strlen(AUX_PREFIX)) != 0)
			continue;
		snprintf(path, sizeof(path), AUX_DEVICES "/%s", entry->d_name);
		if (!realpath(path, real))
			continue;
		slash = strrchr(real, '/');
		if (!slash)
			continue;
		*slash = '\0';
		if (strcmp(real, bus_path) == 0) {
			snprintf(name, size, "%s", entry->d_name);
			found = true;
		}
	}
	closedir(dir);
	return found;
}

/* The cardN of the DRM device on bus_path, or false if it has none now. */
static bool find_card(char *name, size_t size)
{
	char path[PATH_MAX];
	struct dirent *entry;
	bool found = false;
	DIR *dir;

	if (!pathf(path, sizeof(path), "%s/drm", bus_path))
		return false;
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (entry = readdir(dir))) {
		if (strncmp(entry->d_name, "card", 4) == 0) {
			snprintf(name, size, "%s", entry->d_name);
			found = true;
		}
	}
	closedir(dir);
	return found;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Waits until the function's auxiliary device exists and nova is bound to
 * it; updates aux_name. Binding is synchronous, but udev and devtmpfs are
 * not the test's to rely on, so it polls.
 */
static bool wait_for_nova(void)
{
	uint64_t end = now_ms() + BIND_TIMEOUT_MS;

	do {
		char name[NAME_MAX + 1], card[NAME_MAX + 1];

		if (find_aux_device(name, sizeof(name))) {
			snprintf(aux_name, sizeof(aux_name), "%s", name);
			if (aux_bound_to_nova() && find_card(card, sizeof(card)))
				return true;
		}
		usleep(10 * 1000);
	} while (now_ms() < end);
	return false;
}

/* ---- restoring the binding --------------------------------------------- */

static void drop_old_client(void)
{
	if (old_map != MAP_FAILED)
		munmap(old_map, old_map_size);
	old_map = MAP_FAILED;
	if (old_fd >= 0)
		close(old_fd);
	old_fd = -1;
}

/*
 * Binds back what this process unbound, asserting nothing: it runs from the
 * exit handler as well as before each subtest. The old client goes first so
 * that the old device is freed before the new one appears.
 */
static void restore_binding(void)
{
	char path[PATH_MAX];

	drop_old_client();
	if (core_unbound) {
		if (!bound_to(bus_path, "nova_core"))
			sysfs_write(CORE_PCI_DRIVER "/bind", bus_name);
		core_unbound = false;
		/* nova_core's probe makes the auxiliary device; nova binds it. */
		wait_for_nova();
	}
	if (nova_unbound) {
		snprintf(path, sizeof(path), AUX_DEVICES "/%s", aux_name);
		if (!bound_to(path, "nova"))
			sysfs_write(NOVA_AUX_DRIVER "/bind", aux_name);
		nova_unbound = false;
		wait_for_nova();
	}
}

static void exit_handler(int sig)
{
	(void)sig;
	restore_binding();
}

/* ---- the steps of the subtests ------------------------------------------ */

static void unbind_nova(void)
{
	char card[NAME_MAX + 1];

	nova_unbound = true;
	igt_assert_eq(sysfs_write(NOVA_AUX_DRIVER "/unbind", aux_name), 0);
	igt_assert_f(!aux_bound_to_nova(), "%s is still bound to nova\n", aux_name);
	/* drm_dev_unplug() unregisters the minors at once, open files or not. */
	igt_assert_f(!find_card(card, sizeof(card)), "%s/drm/%s is still there\n", bus_path,
		     card);
}

static void bind_nova(void)
{
	igt_assert_eq(sysfs_write(NOVA_AUX_DRIVER "/bind", aux_name), 0);
	nova_unbound = false;
	igt_assert_f(wait_for_nova(), "nova did not bind %s again\n", aux_name);
}

static void unbind_core(void)
{
	char name[NAME_MAX + 1];

	core_unbound = true;
	igt_assert_eq(sysfs_write(CORE_PCI_DRIVER "/unbind", bus_name), 0);
	igt_assert_f(!bound_to(bus_path, "nova_core"), "%s is still bound to nova_core\n",
		     bus_name);
	/* nova_core's remove deletes the auxiliary device before anything else. */
	igt_assert_f(!find_aux_device(name, sizeof(name)), "%s outlived nova_core's unbind\n",
		     name);
	igt_assert_f(!find_card(name, sizeof(name)), "%s/drm/%s is still there\n", bus_path,
		     name);
}

static void bind_core(void)
{
	igt_assert_eq(sysfs_write(CORE_PCI_DRIVER "/bind", bus_name), 0);
	core_unbound = false;
	igt_assert_f(wait_for_nova(), "no nova device on %s after binding nova_core\n",
		     bus_name);
}

/* Opens the primary node of the DRM device on bus_path, nova's. */
static int open_device(void)
{
	char card[NAME_MAX + 1], path[PATH_MAX], bus[PATH_MAX];
	int fd;

	igt_assert_f(find_card(card, sizeof(card)), "no DRM device on %s\n", bus_path);
	snprintf(path, sizeof(path), "/dev/dri/%s", card);
	fd = open(path, O_RDWR | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open %s: %s\n", path, strerror(errno));
	igt_assert(nova_is_device(fd));
	igt_assert(bus_device_of_fd(fd, bus));
	igt_assert_f(strcmp(bus, bus_path) == 0, "%s is on %s, not on %s\n", path, bus,
		     bus_path);
	return fd;
}

/* Device-wide counters of nova_stats, and how many clients it lists. */
struct nova_stats {
	uint64_t objects, object_bytes, files, mappings, mapping_bytes;
	unsigned int clients;
};

static void read_stats(int fd, struct nova_stats *stats)
{
	char path[PATH_MAX], line[256];
	struct stat st;
	FILE *file;

	igt_assert_eq(fstat(fd, &st), 0);
	/* debugfs names a primary minor's directory by its minor number. */
	snprintf(path, sizeof(path), DEBUGFS_DRI "/%u/nova_stats", minor(st.st_rdev));
	file = fopen(path, "re");
	igt_require_f(file, "cannot read %s (debugfs mounted?): %s\n", path, strerror(errno));
	memset(stats, 0, sizeof(*stats));
	while (fgets(line, sizeof(line), file)) {
		char key[64];
		unsigned long long value;
		int pid;

		if (sscanf(line, " pid %d", &pid) == 1) {
			stats->clients++;
			continue;
		}
		if (sscanf(line, "%63[a-z_]: %llu", key, &value) != 2)
			continue;
		if (strcmp(key, "objects") == 0)
			stats->objects = value;
		else if (strcmp(key, "object_bytes") == 0)
			stats->object_bytes = value;
		else if (strcmp(key, "files") == 0)
			stats->files = value;
		else if (strcmp(key, "mappings") == 0)
			stats->mappings = value;
		else if (strcmp(key, "mapping_bytes") == 0)
			stats->mapping_bytes = value;
	}
	fclose(file);
	igt_debug("%s: objects %llu bytes %llu files %llu mappings %llu clients %u\n", path,
		  (unsigned long long)stats->objects, (unsigned long long)stats->object_bytes,
		  (unsigned long long)stats->files, (unsigned long long)stats->mappings,
		  stats->clients);
}

/* Size of the test's objects: a page, or the VA alignment if larger. */
static uint64_t object_size(int fd)
{
	uint64_t page = nova_getparam(fd, NOVA_GETPARAM_PAGE_SIZE);
	uint64_t align = nova_getparam(fd, NOVA_GETPARAM_VA_ALIGNMENT);

	return page > align ? page : align;
}

static int __vm_map(int fd, uint32_t handle, uint64_t va, uint64_t range)
{
	struct drm_nova_vm_bind_op op = {
		.op = NOVA_VM_BIND_OP_MAP,
		.handle = handle,
		.va = va,
		.range = range,
	};
	struct drm_nova_vm_bind args = {
		.op_count = 1,
		.op_stride = sizeof(op),
		.ops = (uintptr_t)&op,
	};

	return __nova_ioctl_vm_bind(fd, &args);
}

/*
 * A new client on the current device works: GEM_CREATE, GEM_INFO, and the
 * device's accounting shows this client and its one object only, so nothing
 * of an earlier client (or an earlier device) is left in it.
 */
static void check_new_client(void)
{
	struct nova_stats stats;
	uint64_t size;
	uint32_t handle;
	int fd = open_device();

	size = object_size(fd);
	read_stats(fd, &stats);
	igt_assert_eq_u64(stats.files, 1);
	igt_assert_eq_u64(stats.objects, 0);
	igt_assert_eq_u64(stats.object_bytes, 0);
	igt_assert_eq_u64(stats.mappings, 0);
	igt_assert_eq_u64(stats.mapping_bytes, 0);
	igt_assert_eq(stats.clients, 1);

	handle = nova_gem_create(fd, size);
	igt_assert_eq_u64(nova_gem_info(fd, handle), size);
	read_stats(fd, &stats);
	igt_assert_eq_u64(stats.objects, 1);
	igt_assert_eq_u64(stats.object_bytes, size);
	gem_close(fd, handle);
	close(fd);
}

/*
 * The old client: a file with one object, CPU-mapped with a pattern written
 * through the mapping, and mapped into the file's GPU VA space.
 */
#define PATTERN 0xa5

static uint32_t make_old_client(void)
{
	struct nova_stats stats;
	uint64_t size, va;
	uint32_t handle;

	old_fd = open_device();
	igt_require_f(nova_getparam(old_fd, NOVA_GETPARAM_UAPI_VERSION) >= 2,
		      "VM_BIND needs uAPI version 2\n");
	size = object_size(old_fd);
	va = nova_getparam(old_fd, NOVA_GETPARAM_VA_START);
	old_va = va;
	handle = nova_gem_create(old_fd, size);
	old_map = nova_gem_mmap(old_fd, handle, size, PROT_READ | PROT_WRITE);
	old_map_size = size;
	memset(old_map, PATTERN, size);
	igt_assert_eq(__vm_map(old_fd, handle, va, size), 0);

	/* The counters are those of this client: what the new device must lack. */
	read_stats(old_fd, &stats);
	igt_assert_eq_u64(stats.objects, 1);
	igt_assert_eq_u64(stats.mappings, 1);
	igt_assert_eq(stats.clients, 1);
	return handle;
}

/* Every nova ioctl of the old file fails with -ENODEV once the device is gone. */
static void check_old_client_gone(uint32_t handle, bool every_ioctl)
{
	struct drm_nova_getparam getparam = { .param = NOVA_GETPARAM_UAPI_VERSION };
	struct drm_nova_gem_create create = { .size = old_map_size };
	struct drm_nova_gem_info gem_info = { .handle = handle };
	struct drm_nova_gem_mmap_offset mmap_offset = { .handle = handle };

	igt_assert_eq(__nova_ioctl_getparam(old_fd, &getparam), -ENODEV);
	if (every_ioctl) {
		/* Arguments valid before the unbind, so only the unplug refuses them. */
		igt_assert_eq(__nova_ioctl_gem_create(old_fd, &create), -ENODEV);
		igt_assert_eq(__nova_ioctl_gem_info(old_fd, &gem_info), -ENODEV);
		igt_assert_eq(__nova_ioctl_gem_mmap_offset(old_fd, &mmap_offset), -ENODEV);
		/* Beside the existing mapping: a MAP that would succeed. */
		igt_assert_eq(__vm_map(old_fd, handle, old_va + old_map_size, old_map_size),
			      -ENODEV);
	}
	/*
	 * The unplug zapped the CPU mapping; touching it faults the object's
	 * pages back in, which stay until the object is freed.
	 */
	igt_assert_f(nova_memchk(old_map, PATTERN, old_map_size),
		     "the old CPU mapping lost its contents\n");
}

/*
 * One cycle with a client holding a file, an object, a CPU mapping and a GPU
 * mapping: unbind nova, the old file is dead but its mapping readable, close
 * it, rebind, a new client works on a clean device.
 */
static void cycle_with_open_file(bool every_ioctl)
{
	uint32_t handle = make_old_client();

	unbind_nova();
	check_old_client_gone(handle, every_ioctl);
	drop_old_client();
	bind_nova();
	check_new_client();
}

igt_main
{
	igt_fixture {
		char real[PATH_MAX];
		const char *slash;
		int fd;

		igt_require_f(geteuid() == 0, "unbinding drivers needs root\n");
		fd = nova_open();
		igt_assert(bus_device_of_fd(fd, real));
		close(fd);
		snprintf(bus_path, sizeof(bus_path), "%s", real);
		slash = strrchr(bus_path, '/');
		igt_assert(slash);
		snprintf(bus_name, sizeof(bus_name), "%s", slash + 1);
		igt_require_f(find_aux_device(aux_name, sizeof(aux_name)),
			      "nova's device on %s is not on an auxiliary device\n", bus_path);
		igt_require_f(aux_bound_to_nova(), "%s is not bound to nova\n", aux_name);
		igt_info("function %s, auxiliary device %s\n", bus_name, aux_name);
		igt_install_exit_handler(exit_handler);
	}

	igt_describe("nova unbinds from its auxiliary device with no client and binds "
		     "again; the device's DRM nodes go and come back, and a new client "
		     "creates objects.");
	igt_subtest("unbind-rebind-idle") {
		restore_binding();
		unbind_nova();
		bind_nova();
		check_new_client();
	}

	igt_describe("nova unbinds while a client has a file, an object, a CPU mapping "
		     "and a GPU mapping: every nova ioctl of that file fails with -ENODEV, "
		     "the CPU mapping still reads what was written; after the file closes "
		     "and nova binds again, a new client works and the device's "
		     "accounting holds nothing of the old one.");
	igt_subtest("unbind-with-open-file") {
		restore_binding();
		cycle_with_open_file(true);
	}

	igt_describe("20 unbind/rebind cycles of nova, each with a client holding a file, "
		     "CPU and GPU mappings across the unbind and a new client after it.");
	igt_subtest("unbind-rebind-loop") {
		restore_binding();
		for (int i = 0; i < LOOP_CYCLES; i++) {
			igt_debug("cycle %d\n", i);
			cycle_with_open_file(false);
		}
	}

	igt_describe("nova_core unbinds from the PCI function with a client open, which "
		     "deletes the auxiliary device and so nova's device: the old file gets "
		     "-ENODEV; nova_core binds again, re-creates the auxiliary device, nova "
		     "binds it, and a new client works.");
	igt_subtest("rebind-core") {
		char subsystem[PATH_MAX], real[PATH_MAX];
		uint32_t handle;

		restore_binding();
		igt_assert(pathf(subsystem, sizeof(subsystem), "%s/subsystem", bus_path));
		igt_require_f(realpath(subsystem, real) && strcmp(strrchr(real, '/'), "/pci") == 0,
			      "%s is not a PCI function (a virtual function?)\n", bus_name);
		igt_require_f(bound_to(bus_path, "nova_core"), "%s is not bound to nova_core\n",
			      bus_name);
		handle = make_old_client();
		unbind_core();
		check_old_client_gone(handle, true);
		drop_old_client();
		bind_core();
		check_new_client();
	}

	igt_fixture
		restore_binding();
}
