#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of `make profile-exec` (scripts/exec-profile.py is the host
# half): traces nova-bench's exec rows with the kernel's own tracepoints
# (the scheduler's, dma-fence's, the workqueue's, interrupts and the ioctl
# syscalls) into $NOVA_TRACE, for the host to break an empty
# job's round trip into its stages.
set -e
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T
echo 0 >$T/tracing_on
echo >$T/trace
echo 65536 >$T/buffer_size_kb
echo mono >$T/trace_clock
for e in gpu_scheduler/drm_sched_job gpu_scheduler/drm_run_job gpu_scheduler/drm_sched_process_job \
	dma_fence/dma_fence_signaled workqueue/workqueue_execute_start workqueue/workqueue_execute_end \
	irq/irq_handler_entry; do
	echo 1 >$T/events/$e/enable
done
# ioctl(2) only: the EXEC and the wait around each job.
echo 'id == 16' >$T/events/raw_syscalls/sys_enter/filter
echo 'id == 16' >$T/events/raw_syscalls/sys_exit/filter
echo 1 >$T/events/raw_syscalls/sys_enter/enable
echo 1 >$T/events/raw_syscalls/sys_exit/enable
echo 1 >$T/tracing_on
"$NOVA_BENCH" --only exec --rounds 1 --quick
echo 0 >$T/tracing_on
cat $T/trace >"$NOVA_TRACE"
echo "exec-profile: $(wc -l <"$NOVA_TRACE") trace lines"
