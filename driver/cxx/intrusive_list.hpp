// SPDX-License-Identifier: GPL-2.0
//
// Intrusive doubly linked list: the node lives inside the element, so linking
// never allocates and unlinking cannot fail.
//
// An element joins a list by deriving from ListNode<Tag>; the Tag tells apart
// several lists one element can be on at once. Getting from the node back to
// the element is then a static_cast, with no offset arithmetic.
#pragma once

#include "cxx/types.hpp"

namespace nova {

struct DefaultListTag {};

template <typename Tag = DefaultListTag> class ListNode : NoCopy {
public:
	ListNode() = default;
	~ListNode() { NOVA_ASSERT(!linked()); }

	bool linked() const { return next_ != nullptr; }

private:
	template <typename T, typename L> friend class IntrusiveList;

	ListNode *prev_ = nullptr;
	ListNode *next_ = nullptr;
};

// A list of T, which derives from ListNode<Tag>. The list does not own its
// elements: it must be empty when destroyed.
template <typename T, typename Tag = DefaultListTag> class IntrusiveList : NoCopy {
	using Node = ListNode<Tag>;

public:
	IntrusiveList() { head_.prev_ = head_.next_ = &head_; }
	~IntrusiveList()
	{
		NOVA_ASSERT(empty());
		// The sentinel is not an element; keep ListNode's check quiet.
		head_.prev_ = head_.next_ = nullptr;
	}

	bool empty() const { return head_.next_ == &head_; }

	void push_back(T &element)
	{
		Node &node = element;

		// Linking a linked node would corrupt both lists.
		if (NOVA_WARN_ON(node.linked()))
			return;
		node.prev_ = head_.prev_;
		node.next_ = &head_;
		head_.prev_->next_ = &node;
		head_.prev_ = &node;
	}

	void remove(T &element)
	{
		// Through the list, not just the node: a list guarded by a lock
		// is then seen touched (clang's thread-safety analysis).
		unlink(element);
	}

	// A linked node knows its neighbours, so an element can leave its
	// list without anyone naming the list (when nobody knows which one).
	static void unlink(T &element)
	{
		Node &node = element;

		if (NOVA_WARN_ON(!node.linked()))
			return;
		node.prev_->next_ = node.next_;
		node.next_->prev_ = node.prev_;
		node.prev_ = node.next_ = nullptr;
	}

	// Unlinks and returns the first element; nullptr when empty.
	T *pop_front()
	{
		if (empty())
			return nullptr;
		T *element = static_cast<T *>(head_.next_);
		remove(*element);
		return element;
	}

	// Calls fn(T &) for each element; fn may unlink the element it is given.
	template <typename Fn> void for_each(Fn &&fn)
	{
		for (Node *node = head_.next_; node != &head_;) {
			Node *next = node->next_;
			fn(*static_cast<T *>(node));
			node = next;
		}
	}

private:
	Node head_;
};

} // namespace nova
