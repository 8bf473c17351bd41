// SPDX-License-Identifier: GPL-2.0
/* What nova's reliability tools share (common.h says what). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

bool nova_node_is_nova(const char *path)
{
	drmVersionPtr version;
	bool nova;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return false;
	version = drmGetVersion(fd);
	nova = version && version->name && !strcmp(version->name, "nova");
	drmFreeVersion(version);
	close(fd);
	return nova;
}

/*
 * Found once per process and node type, then remembered: probing opens the
 * other drivers' nodes, and a racing thread that still uses a descriptor
 * number its sibling just closed must never land on virtio-gpu's or vgem's
 * file (their ioctl numbers overlap nova's).
 */
static char found_path[2][300];
static pthread_mutex_t found_lock = PTHREAD_MUTEX_INITIALIZER;

int nova_node_path(enum nova_node node, char *path, size_t len)
{
	const char *prefix = node == NOVA_NODE_RENDER ? "renderD" : "card";
	struct dirent *entry;
	int ret = -ENOENT;
	DIR *dir;

	pthread_mutex_lock(&found_lock);
	if (found_path[node][0]) {
		snprintf(path, len, "%s", found_path[node]);
		pthread_mutex_unlock(&found_lock);
		return 0;
	}
	dir = opendir("/dev/dri");
	if (!dir) {
		ret = -errno;
		pthread_mutex_unlock(&found_lock);
		return ret;
	}
	while ((entry = readdir(dir))) {
		if (strncmp(entry->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, len, "/dev/dri/%s", entry->d_name);
		if (nova_node_is_nova(path)) {
			snprintf(found_path[node], sizeof(found_path[node]), "%s", path);
			ret = 0;
			break;
		}
	}
	closedir(dir);
	pthread_mutex_unlock(&found_lock);
	return ret;
}

void nova_node_forget(void)
{
	pthread_mutex_lock(&found_lock);
	memset(found_path, 0, sizeof(found_path));
	pthread_mutex_unlock(&found_lock);
}

int nova_node_open(enum nova_node node)
{
	char path[300];
	int ret, fd;

	ret = nova_node_path(node, path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int nova_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? errno : 0;
}

static int param(int fd, uint64_t id, uint64_t *value)
{
	struct drm_nova_getparam args = { .param = id };
	int ret = nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM, &args);

	if (!ret)
		*value = args.value;
	return ret;
}

int nova_read_limits(int fd, struct nova_limits *l)
{
	uint64_t va_size = 0;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = param(fd, NOVA_GETPARAM_UAPI_VERSION, &l->uapi_version);
	ret = ret ?: param(fd, NOVA_GETPARAM_PAGE_SIZE, &l->page);
	ret = ret ?: param(fd, NOVA_GETPARAM_MAX_OBJECT_SIZE, &l->max_object_size);
	ret = ret ?: param(fd, NOVA_GETPARAM_OBJECT_BUDGET, &l->budget);
	ret = ret ?: param(fd, NOVA_GETPARAM_VA_START, &l->va_start);
	ret = ret ?: param(fd, NOVA_GETPARAM_VA_SIZE, &va_size);
	ret = ret ?: param(fd, NOVA_GETPARAM_VA_ALIGNMENT, &l->va_alignment);
	ret = ret ?: param(fd, NOVA_GETPARAM_VM_BIND_MAX_OPS, &l->max_ops);
	if (!ret && l->uapi_version >= 3)
		ret = param(fd, NOVA_GETPARAM_MAX_MAPPINGS, &l->max_mappings);
	if (!ret && l->uapi_version >= 4) {
		ret = param(fd, NOVA_GETPARAM_MAX_QUEUES, &l->max_queues);
		ret = ret ?: param(fd, NOVA_GETPARAM_EXEC_MAX_CMDBUFS, &l->exec_max_cmdbufs);
		ret = ret ?: param(fd, NOVA_GETPARAM_EXEC_MAX_SYNCS, &l->exec_max_syncs);
		ret = ret ?: param(fd, NOVA_GETPARAM_MAX_CMDBUF_SIZE, &l->max_cmdbuf_size);
		ret = ret ?: param(fd, NOVA_GETPARAM_JOB_TIMEOUT_MS, &l->job_timeout_ms);
		ret = ret ?: param(fd, NOVA_GETPARAM_CALL_MAX_DEPTH, &l->call_max_depth);
		ret = ret ?: param(fd, NOVA_GETPARAM_QUEUE_MAX_JOBS, &l->queue_max_jobs);
	}
	l->va_end = l->va_start + va_size;
	return ret;
}

uint64_t nova_kernel_taint(void)
{
	unsigned long long taint = 0;
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llu", &taint) != 1)
		taint = 0;
	fclose(f);
	return taint;
}

const char *nova_errno_name(int err)
{
	static const struct {
		int value;
		const char *name;
	} names[] = {
		{ 0, "0" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" },
		{ E2BIG, "E2BIG" }, { ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EOVERFLOW, "EOVERFLOW" }, { ERANGE, "ERANGE" }, { EAGAIN, "EAGAIN" },
		{ EINTR, "EINTR" }, { ENXIO, "ENXIO" }, { EMFILE, "EMFILE" },
		{ EIO, "EIO" }, { EILSEQ, "EILSEQ" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ ECANCELED, "ECANCELED" }, { ESRCH, "ESRCH" }, { ETIME, "ETIME" },
	};
	static __thread char buf[16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].value == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

int nova_read_stats(struct nova_stats *stats)
{
	char path[300], key[32];
	unsigned long long value;
	struct dirent *entry;
	int ret = -ENOENT;
	DIR *dir;
	FILE *f;

	memset(stats, 0, sizeof(*stats));
	dir = opendir("/sys/kernel/debug/dri");
	if (!dir)
		return -errno;
	while (ret && (entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%s/nova_stats", entry->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fscanf(f, "%31[a-z_]: %llu\n", key, &value) == 2) {
			if (!strcmp(key, "objects"))
				stats->objects = value;
			else if (!strcmp(key, "object_bytes"))
				stats->object_bytes = value;
			else if (!strcmp(key, "files"))
				stats->files = value;
			else if (!strcmp(key, "mappings"))
				stats->mappings = value;
			else if (!strcmp(key, "mapping_bytes"))
				stats->mapping_bytes = value;
		}
		fclose(f);
		ret = 0;
	}
	closedir(dir);
	return ret;
}

double nova_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int nova_sysfs_write(const char *path, const char *text)
{
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Copies @src into @dst of @len bytes; false if it does not fit. */
static bool copy_name(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

/*
 * Walks the render nodes in /sys/class/drm: the one whose device is a PCI
 * function (@pci, if given) with nova's auxiliary device under it.
 */
bool nova_dev_find(struct nova_dev *dev, const char *pci)
{
	char link[PATH_MAX], path[PATH_MAX + 64], name[300];
	struct dirent *e, *c;
	bool found = false;
	DIR *d, *cd;

	d = opendir("/sys/class/drm");
	if (!d)
		return false;
	while (!found && (e = readdir(d))) {
		ssize_t n;
		char *base;

		if (strncmp(e->d_name, "renderD", 7))
			continue;
		snprintf(path, sizeof(path), "/sys/class/drm/%s/device", e->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		if (!copy_name(name, sizeof(name), base))
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", name);
		if (access(path, F_OK) || (pci && strcmp(pci, base)))
			continue;	/* not a PCI function, or not that one */
		if (!copy_name(name, sizeof(dev->render) - 10, e->d_name))
			continue;
		snprintf(dev->render, sizeof(dev->render), "/dev/dri/%s", name);
		if (!nova_node_is_nova(dev->render) || !copy_name(dev->pci, sizeof(dev->pci), base))
			continue;
		dev->aux[0] = 0;
		cd = opendir(path);
		while (cd && (c = readdir(cd)))
			if (!strncmp(c->d_name, "nova_core.drm.", 14))
				copy_name(dev->aux, sizeof(dev->aux), c->d_name);
		if (cd)
			closedir(cd);
		found = dev->aux[0] != 0;
	}
	closedir(d);
	return found;
}

bool nova_dev_wait(struct nova_dev *dev, const char *pci, double seconds)
{
	double end = nova_now() + seconds;
	char want[sizeof(dev->pci)];

	/* @pci may be dev->pci itself, which each attempt overwrites. */
	if (pci)
		pci = copy_name(want, sizeof(want), pci) ? want : NULL;
	while (nova_now() < end) {
		if (nova_dev_find(dev, pci))
			return true;
		usleep(50 * 1000);
	}
	return false;
}

int nova_dev_set_bound(const struct nova_dev *dev, enum nova_dev_level level, bool bound)
{
	char path[128];

	if (level == NOVA_DEV_AUX) {
		snprintf(path, sizeof(path), "/sys/bus/auxiliary/drivers/nova/%s",
			 bound ? "bind" : "unbind");
		return nova_sysfs_write(path, dev->aux);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/nova_core/%s", bound ? "bind" : "unbind");
	return nova_sysfs_write(path, dev->pci);
}
