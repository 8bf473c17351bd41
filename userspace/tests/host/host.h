/* SPDX-License-Identifier: MIT */
/*
 * The hosted test programs: one table of cases each, run by host_main.c with
 * the runner of libnova's suite.
 */
#ifndef NOVA_TEST_HOST_H
#define NOVA_TEST_HOST_H

#include "../runner.h"

/* The program's cases, ended by an entry whose name is NULL. */
extern const struct test_case host_tests[];
/* The name on the closing line, e.g. "vaheap". */
extern const char host_suite_name[];

#endif /* NOVA_TEST_HOST_H */
