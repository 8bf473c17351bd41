// SPDX-License-Identifier: MIT
/*
 * Running one test case in a child process and reporting its result.
 *
 * The child sends its failure or skip reason through a pipe and reports the
 * result in its exit status; anything else (a signal, a timeout, a stray
 * exit) is a failure described by the parent.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner.h"

/* Generous: the guest runs under TCG, where a page fault is slow. */
#define TEST_TIMEOUT_S	300

static char reason[512];

static __attribute__((format(printf, 2, 0)))
void set_reason(const char *prefix, const char *fmt, va_list ap)
{
	size_t len;

	len = (size_t)snprintf(reason, sizeof(reason), "%s", prefix);
	if (len < sizeof(reason))
		vsnprintf(reason + len, sizeof(reason) - len, fmt, ap);
}

enum test_result test_fail(const char *file, int line, const char *fmt, ...)
{
	char where[128];
	va_list ap;

	snprintf(where, sizeof(where), "%s:%d: ", file, line);
	va_start(ap, fmt);
	set_reason(where, fmt, ap);
	va_end(ap);
	return TEST_FAIL;
}

enum test_result test_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_reason("", fmt, ap);
	va_end(ap);
	return TEST_SKIP;
}

const char *test_errname(int err)
{
	/* Several may appear in one message: rotate through a few buffers. */
	static char bufs[4][32];
	static unsigned int next;
	char *buf = bufs[next++ % 4];
	const char *name;

	if (err == 0)
		return "0";

	name = err < 0 ? strerrorname_np(-err) : NULL;
	if (name)
		snprintf(buf, sizeof(bufs[0]), "-%s", name);
	else
		snprintf(buf, sizeof(bufs[0]), "%d", err);
	return buf;
}

static void child(const struct test_case *tc, int fd)
{
	enum test_result result;
	ssize_t written;

	alarm(TEST_TIMEOUT_S);
	reason[0] = '\0';
	result = tc->run();

	written = write(fd, reason, strlen(reason));
	(void)written;	/* the parent copes with a missing reason */
	_exit((int)result);
}

/* Read the child's reason until it closes the pipe (by exiting). */
static void read_reason(int fd)
{
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(reason) - 1) {
		n = read(fd, reason + len, sizeof(reason) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	reason[len] = '\0';
}

static enum test_result run_in_child(const struct test_case *tc)
{
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return test_fail(TEST_FILE, __LINE__, "pipe: %s", strerror(errno));

	/* Buffered output would otherwise be printed by both processes. */
	fflush(stdout);
	fflush(stderr);

	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return test_fail(TEST_FILE, __LINE__, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		child(tc, fds[1]);
	}

	close(fds[1]);
	read_reason(fds[0]);
	close(fds[0]);

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return test_fail(TEST_FILE, __LINE__, "waitpid: %s",
					 strerror(errno));
	}

	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		if (sig == SIGALRM)
			snprintf(reason, sizeof(reason), "timed out after %d s",
				 TEST_TIMEOUT_S);
		else
			snprintf(reason, sizeof(reason), "killed by signal %d (%s)",
				 sig, strsignal(sig));
		return TEST_FAIL;
	}
	if (WIFEXITED(status)) {
		switch (WEXITSTATUS(status)) {
		case TEST_PASS:
			return TEST_PASS;
		case TEST_SKIP:
			return TEST_SKIP;
		case TEST_FAIL:
			return TEST_FAIL;
		}
		snprintf(reason, sizeof(reason), "exited with status %d",
			 WEXITSTATUS(status));
	}
	return TEST_FAIL;
}

void test_run_case(const struct test_case *tc, const char *no_device_reason,
		   struct test_counts *counts)
{
	enum test_result result;

	reason[0] = '\0';
	if ((tc->flags & TEST_NEEDS_DEVICE) && no_device_reason) {
		snprintf(reason, sizeof(reason), "%s", no_device_reason);
		result = TEST_FAIL;
	} else {
		result = run_in_child(tc);
	}

	switch (result) {
	case TEST_PASS:
		printf("ok %s\n", tc->name);
		counts->passed++;
		break;
	case TEST_SKIP:
		printf("skip %s: %s\n", tc->name, reason[0] ? reason : "(no reason given)");
		counts->skipped++;
		break;
	case TEST_FAIL:
		printf("FAIL %s: %s\n", tc->name, reason[0] ? reason : "(no reason given)");
		counts->failed++;
		break;
	}
	fflush(stdout);
}

static void usage(FILE *out, const char *argv0, const char *about)
{
	fprintf(out,
		"Usage: %s [--list] [--run NAME]... [--help]\n"
		"\n"
		"%s\n"
		"\n"
		"  --list       print the names of the test cases and exit\n"
		"  --run NAME   run only the case NAME (may be repeated)\n"
		"  --help       show this help\n",
		argv0, about);
}

/* Every case of @suites, in order; NULL after the last. */
struct case_iter {
	const struct test_case *const *suites;
	size_t nsuites, s;
	const struct test_case *tc;
};

static const struct test_case *next_case(struct case_iter *it)
{
	if (it->tc && it->tc->name)
		it->tc++;
	while (it->s < it->nsuites) {
		if (!it->tc)
			it->tc = it->suites[it->s];
		if (it->tc->name)
			return it->tc;
		it->s++;
		it->tc = NULL;
	}
	return NULL;
}

static const struct test_case *find_case(const struct test_case *const *suites,
					 size_t nsuites, const char *name)
{
	struct case_iter it = { suites, nsuites, 0, NULL };
	const struct test_case *tc;

	while ((tc = next_case(&it)))
		if (!strcmp(tc->name, name))
			return tc;
	return NULL;
}

int test_main(int argc, char **argv, const char *name, const char *about,
	      const struct test_case *const *suites, size_t nsuites,
	      const char *(*check_device)(void))
{
	static const struct option options[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "run", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct case_iter it = { suites, nsuites, 0, NULL };
	const struct test_case **selected, *tc;
	struct test_counts counts = { 0 };
	const char *no_device = NULL;
	unsigned int nselected = 0, i;
	bool list = false, need_device = false;
	int opt, status = 2;
	size_t total = 0;

	while (next_case(&it))
		total++;
	it = (struct case_iter){ suites, nsuites, 0, NULL };
	/* Every case, or the --run ones: fewer than argc. */
	selected = calloc(total + (size_t)argc, sizeof(*selected));
	if (!selected) {
		perror("calloc");
		return 1;
	}
	while ((opt = getopt_long(argc, argv, "lr:h", options, NULL)) != -1) {
		switch (opt) {
		case 'l':
			list = true;
			break;
		case 'r':
			tc = find_case(suites, nsuites, optarg);
			if (!tc) {
				fprintf(stderr, "%s: unknown test case '%s' (see --list)\n",
					argv[0], optarg);
				goto out;
			}
			selected[nselected++] = tc;
			break;
		case 'h':
			usage(stdout, argv[0], about);
			status = 0;
			goto out;
		default:
			usage(stderr, argv[0], about);
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		usage(stderr, argv[0], about);
		goto out;
	}

	if (!nselected)
		while ((tc = next_case(&it)))
			selected[nselected++] = tc;
	if (list) {
		for (i = 0; i < nselected; i++)
			printf("%s\n", selected[i]->name);
		status = 0;
		goto out;
	}
	for (i = 0; i < nselected; i++)
		need_device |= selected[i]->flags & TEST_NEEDS_DEVICE;
	if (need_device && check_device)
		no_device = check_device();
	for (i = 0; i < nselected; i++)
		test_run_case(selected[i], no_device, &counts);

	if (counts.skipped)
		printf("%s: %u passed, %u failed, %u skipped\n", name,
		       counts.passed, counts.failed, counts.skipped);
	else
		printf("%s: %u passed, %u failed\n", name, counts.passed, counts.failed);
	status = counts.failed ? 1 : 0;
out:
	free(selected);
	return status;
}
