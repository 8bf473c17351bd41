// SPDX-License-Identifier: GPL-2.0
/*
 * Probe: struct drm_driver still has the PRIME hooks a GEM driver must set
 * itself: gem_prime_mmap, with prime_handle_to_fd and prime_fd_to_handle
 * beside it, which the DRM core does not default before 6.6. From 6.6 the
 * core calls the GEM PRIME helpers when the hooks are NULL and
 * gem_prime_mmap is gone; both changes came together, and only the second
 * shows at compile time.
 */
#include <drm/drm_drv.h>
#include <drm/drm_prime.h>

const struct drm_driver nova_probe_driver = {
	.gem_prime_mmap = drm_gem_prime_mmap,
};
