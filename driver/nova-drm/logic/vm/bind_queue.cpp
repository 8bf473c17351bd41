// SPDX-License-Identifier: GPL-2.0
//
// The file's bind queue, made once.
#include "vm/bind_queue.hpp"

namespace nova {

Result<nova_svc_bind_queue *> BindQueue::get(nova_svc_file *file)
{
	if (nova_svc_bind_queue *queue = existing())
		return queue;

	nova_svc_bind_queue *made;
	NOVA_TRY(nova_svc_bind_queue_create(file, &made));
	nova_svc_bind_queue *winner = nullptr;
	if (__atomic_compare_exchange_n(&queue_, &winner, made, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return made;
	nova_svc_bind_queue_destroy(made);
	return winner;
}

void BindQueue::destroy()
{
	if (nova_svc_bind_queue *queue = __atomic_exchange_n(&queue_, nullptr, __ATOMIC_ACQ_REL))
		nova_svc_bind_queue_destroy(queue);
}

} // namespace nova
