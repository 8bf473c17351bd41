/* SPDX-License-Identifier: MIT */
/*
 * Which machine the benchmark runs on: TCG, KVM or bare metal.
 */
#ifndef NOVA_BENCH_MACHINE_H
#define NOVA_BENCH_MACHINE_H

struct bench_machine;

void bench_detect_machine(struct bench_machine *m);

#endif
