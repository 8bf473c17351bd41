// SPDX-License-Identifier: GPL-2.0
//
// Intrusive balanced search tree (AVL): the node lives inside the element,
// so inserting never allocates and erasing cannot fail.
//
// An element joins a tree by deriving from TreeNode<Tag>, as with ListNode.
// The tree knows nothing about keys: first_where() takes a predicate and
// the caller inserts next to what it found, so one element type can be
// ordered any way its user needs (a VA space orders mappings by address).
//
// Every operation is iterative: insert, erase and their rebalancing walk
// parent links upwards, and clear() dismantles the tree in post-order
// without a stack, so kernel stack use does not grow with the element count.
// The algorithms work on untyped TreeLinks and live in intrusive_tree.cpp,
// compiled once for every element type.
#pragma once

#include "cxx/types.hpp"

namespace nova {

struct DefaultTreeTag {};
struct TreeInspector; // defined by tests only, to check the invariants

class TreeLinks : NoCopy {
public:
	bool linked() const { return linked_; }

protected:
	TreeLinks() = default;
	~TreeLinks() { NOVA_ASSERT(!linked_); }

private:
	friend class TreeBase;
	template <typename T, typename Tag> friend class NodeStack;
	friend struct TreeInspector;

	TreeLinks *parent_ = nullptr;
	TreeLinks *child_[2] = {}; // left, right
	// height(right) - height(left): -1, 0 or 1 between operations.
	signed char balance_ = 0;
	bool linked_ = false;
	// The derived element's first small field can use the remaining tail
	// padding (the ABI reuses it in a non-POD base): keep it that way.
};

template <typename Tag = DefaultTreeTag> class TreeNode : public TreeLinks {};

// The untyped algorithms, shared by every IntrusiveTree.
class TreeBase : NoCopy {
protected:
	TreeBase() = default;
	~TreeBase() { NOVA_ASSERT(root_ == nullptr); }

	static TreeLinks *first(TreeLinks *node, int dir);
	static TreeLinks *step(TreeLinks *node, int dir);
	static TreeLinks *child(const TreeLinks *node, int dir) { return node->child_[dir]; }

	// Links @node as child @dir of @parent (which has none there), or as
	// the root when @parent is null, then restores the balance.
	void link(TreeLinks *node, TreeLinks *parent, int dir);
	// Links @node right after @pos in order.
	void link_after(TreeLinks *pos, TreeLinks *node);
	// Links @node right before @pos in order, or last when @pos is null.
	void link_before(TreeLinks *pos, TreeLinks *node);
	void unlink(TreeLinks *node);
	// Empties the tree in O(1) and returns its old root, from which
	// take_leaf() dismantles the detached nodes.
	TreeLinks *detach_all();
	// Unlinks and returns the next node of a detached tree in post-order
	// (always a leaf by then); @cursor starts at the detached root. O(1)
	// amortized per node; nullptr at the end.
	static TreeLinks *take_leaf(TreeLinks *&cursor);
	void swap(TreeBase &other);

	TreeLinks *root_ = nullptr;
	u64 size_ = 0;

private:
	friend struct TreeInspector;

	void replace_child(TreeLinks *parent, TreeLinks *old, TreeLinks *node);
	TreeLinks *rotate(TreeLinks *node, int dir);
	TreeLinks *rebalance(TreeLinks *node);
	void grew(TreeLinks *node);
	void shrank(TreeLinks *parent, int dir);
};

// A tree of T, which derives from TreeNode<Tag>. The tree does not own its
// elements: it must be empty when destroyed.
template <typename T, typename Tag = DefaultTreeTag> class IntrusiveTree : TreeBase {
	using Node = TreeNode<Tag>;

public:
	IntrusiveTree() = default;

	bool empty() const { return root_ == nullptr; }
	u64 size() const { return size_; }

	T *first() const { return to_element(TreeBase::first(root_, 0)); }
	static T *next(T &element) { return to_element(step(&links(element), 1)); }

	// The first element in order for which @pred holds. @pred must be
	// monotonic along the order: false for a prefix, true for the rest.
	template <typename Pred> T *first_where(Pred &&pred) const
	{
		TreeLinks *found = nullptr;

		for (TreeLinks *node = root_; node;) {
			bool holds = pred(static_cast<const T &>(*to_element(node)));

			if (holds)
				found = node;
			node = child(node, holds ? 0 : 1);
		}
		return to_element(found);
	}

	// Inserts @element right after @pos, which must be in this tree; the
	// caller guarantees the order.
	void insert_after(T &pos, T &element)
	{
		if (NOVA_WARN_ON(!links(pos).linked() || links(element).linked()))
			return;
		link_after(&links(pos), &links(element));
	}

	// Inserts @element right before @pos, or last when @pos is null. A
	// caller that has just found @pos saves the second descent of insert():
	// the path to @pos's neighbour is the one it walked.
	void insert_before(T *pos, T &element)
	{
		if (NOVA_WARN_ON((pos && !links(*pos).linked()) || links(element).linked()))
			return;
		link_before(pos ? &links(*pos) : nullptr, &links(element));
	}

	void erase(T &element)
	{
		if (NOVA_WARN_ON(!links(element).linked()))
			return;
		unlink(&links(element));
	}

	// Unlinks every element and calls fn(T &) on it; fn may free it. O(n)
	// and iterative, whatever the tree's size.
	template <typename Fn> void clear(Fn &&fn)
	{
		TreeLinks *cursor = detach_all();

		while (TreeLinks *node = take_leaf(cursor))
			fn(*to_element(node));
	}

	// Exchanges the contents of two trees in O(1): a VA space hands its
	// mappings to a local tree under its lock and frees them outside it.
	void swap(IntrusiveTree &other) { TreeBase::swap(other); }

private:
	friend struct TreeInspector;

	static TreeLinks &links(T &element)
	{
		Node &node = element;
		return node;
	}
	static T *to_element(TreeLinks *node)
	{
		return node ? static_cast<T *>(static_cast<Node *>(node)) : nullptr;
	}
};

// A stack of elements that are in no tree, chained through their idle tree
// links, so that a batch can keep nodes aside (allocated ahead of time, or
// removed and waiting to be freed) without allocating anything for it.
// Destroying the stack deletes what is left on it.
template <typename T, typename Tag = DefaultTreeTag> class NodeStack : NoCopy {
	using Node = TreeNode<Tag>;

public:
	NodeStack() = default;
	~NodeStack()
	{
		while (T *element = pop())
			delete element;
	}

	void push(T &element)
	{
		Node &node = element;

		if (NOVA_WARN_ON(node.linked()))
			return;
		node.child_[1] = top_;
		top_ = &node;
	}

	T *pop()
	{
		if (!top_)
			return nullptr;
		TreeLinks *node = exchange(top_, top_->child_[1]);
		node->child_[1] = nullptr;
		return static_cast<T *>(static_cast<Node *>(node));
	}

private:
	TreeLinks *top_ = nullptr;
};

} // namespace nova
