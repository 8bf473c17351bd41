/* SPDX-License-Identifier: MIT */
/*
 * Timing and round statistics shared by the benchmark tools.
 */
#ifndef NOVA_BENCH_STATS_H
#define NOVA_BENCH_STATS_H

#include <stdbool.h>

/**
 * struct bench_stats - one figure measured over several rounds
 * @rounds: the value of each round (ns per operation), @count of them
 * @median, @min, @max: set by bench_stats_summarize()
 */
struct bench_stats {
	double *rounds;
	unsigned int count;
	double median;
	double min;
	double max;
};

/* CLOCK_MONOTONIC in nanoseconds. */
double bench_now_ns(void);

/* Room for @count rounds; -ENOMEM or 0. */
int bench_stats_init(struct bench_stats *s, unsigned int count);
void bench_stats_free(struct bench_stats *s);

/* @to becomes a summarized copy of @from; -ENOMEM or 0. */
int bench_stats_copy(struct bench_stats *to, const struct bench_stats *from);

/* Median, minimum and maximum of the rounds. */
void bench_stats_summarize(struct bench_stats *s);

/* (max - min) / median, in percent: how much the rounds disagree. */
double bench_stats_spread(const struct bench_stats *s);

/*
 * One timed round of a measurement: returns ns per operation, or a negative
 * value when an operation failed (it has said why on stderr).
 */
typedef double (*bench_round_fn)(void *ctx);

/*
 * Run @a and @b alternately, A B A B, for the rounds @sa and @sb have room
 * for (the same count), after one untimed warm-up call of each, so that a
 * drift of a noisy machine hits both alike. Each round is @chunks calls of
 * @a interleaved with @chunks calls of @b, its figure their mean: a burst
 * of another process's work then lands on both sides of the round instead
 * of all on one. Summarizes both. 0, or -EIO when a call failed.
 */
int bench_alternate(bench_round_fn a, void *actx, struct bench_stats *sa,
		    bench_round_fn b, void *bctx, struct bench_stats *sb,
		    unsigned int chunks);

#endif
