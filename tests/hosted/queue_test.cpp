// SPDX-License-Identifier: GPL-2.0
//
// Queues and EXEC through nova_logic.h: QUEUE_CREATE, QUEUE_DESTROY, EXEC
// and QUEUE_GET_STATE against the hosted fake queues, every errno the logic
// decides, what reaches the glue, and the engine's view of the VA space.
#include "vm_fixture.hpp"
