/* SPDX-License-Identifier: MIT */
/*
 * Finding vgem, the reference driver, among the DRM devices.
 */
#ifndef NOVA_BENCH_VGEM_H
#define NOVA_BENCH_VGEM_H

#include <stddef.h>

/*
 * Open vgem's primary node (dumb buffers are not allowed on render nodes)
 * and put its path in @path. Returns the fd, or -ENODEV when no DRM device
 * belongs to the "vgem" driver, or another -errno. @how says whether
 * drmGetDevices2() listed it or the /dev/dri scan found it.
 */
int bench_open_vgem(char *path, size_t len, const char **how);

#endif
