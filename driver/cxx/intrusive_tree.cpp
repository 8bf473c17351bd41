// SPDX-License-Identifier: GPL-2.0
//
// The AVL algorithms behind IntrusiveTree.
//
// Directions are indices: 0 is left, 1 is right, so each algorithm is
// written once instead of once per mirror image. A node's balance is
// height(right) - height(left). Insertion and erasure relink nodes and then
// retrace towards the root along parent links, rotating where a balance
// reaches +-2; nothing recurses and nothing allocates.
#include "cxx/intrusive_tree.hpp"

namespace nova {

static int max0(int value)
{
	return value > 0 ? value : 0;
}

static int min0(int value)
{
	return value < 0 ? value : 0;
}

TreeLinks *TreeBase::first(TreeLinks *node, int dir)
{
	if (node)
		while (node->child_[dir])
			node = node->child_[dir];
	return node;
}

// The neighbour of @node in direction @dir (1: successor, 0: predecessor).
TreeLinks *TreeBase::step(TreeLinks *node, int dir)
{
	if (node->child_[dir])
		return first(node->child_[dir], !dir);
	while (node->parent_ && node == node->parent_->child_[dir])
		node = node->parent_;
	return node->parent_;
}

void TreeBase::replace_child(TreeLinks *parent, TreeLinks *old, TreeLinks *node)
{
	if (!parent)
		root_ = node;
	else
		parent->child_[parent->child_[1] == old] = node;
}

// Moves @x down in direction @dir and its child on the other side up into
// its place; returns that child. The balances follow from the subtree
// heights (x' and y' are the new balances):
//   left  (dir 0): x' = x - 1 - max(y, 0)   y' = y - 1 + min(x', 0)
//   right (dir 1): x' = x + 1 - min(y, 0)   y' = y + 1 + max(x', 0)
// which covers the single and both halves of the double rotations of
// insertion and erasure alike.
TreeLinks *TreeBase::rotate(TreeLinks *x, int dir)
{
	TreeLinks *y = x->child_[!dir];
	TreeLinks *inner = y->child_[dir];
	int xb = x->balance_, yb = y->balance_;

	x->child_[!dir] = inner;
	if (inner)
		inner->parent_ = x;
	replace_child(x->parent_, x, y);
	y->parent_ = x->parent_;
	y->child_[dir] = x;
	x->parent_ = y;

	if (dir == 0) {
		xb = xb - 1 - max0(yb);
		yb = yb - 1 + min0(xb);
	} else {
		xb = xb + 1 - min0(yb);
		yb = yb + 1 + max0(xb);
	}
	x->balance_ = static_cast<signed char>(xb);
	y->balance_ = static_cast<signed char>(yb);
	return y;
}

// @node's balance is +-2: rotates it back into shape and returns the new
// root of its subtree.
TreeLinks *TreeBase::rebalance(TreeLinks *node)
{
	int heavy = node->balance_ > 0;
	TreeLinks *child = node->child_[heavy];

	// A child leaning away from the heavy side needs the double rotation.
	if (child->balance_ == (heavy ? -1 : 1))
		rotate(child, heavy);
	return rotate(node, !heavy);
}

// The subtree rooted at @node has grown by one level.
void TreeBase::grew(TreeLinks *node)
{
	for (TreeLinks *parent = node->parent_; parent; node = parent, parent = node->parent_) {
		parent->balance_ += parent->child_[1] == node ? 1 : -1;
		// Balanced again: the shorter side caught up, the height holds.
		if (parent->balance_ == 0)
			return;
		// After an insertion one rotation restores the old height.
		if (parent->balance_ == 2 || parent->balance_ == -2) {
			rebalance(parent);
			return;
		}
	}
}

// The child subtree @dir of @parent has lost one level.
void TreeBase::shrank(TreeLinks *parent, int dir)
{
	for (;;) {
		TreeLinks *top = parent;

		parent->balance_ += dir ? -1 : 1;
		// It was balanced: the other side still holds the height.
		if (parent->balance_ == 1 || parent->balance_ == -1)
			return;
		if (parent->balance_ != 0) {
			top = rebalance(parent);
			// A rotation around a balanced child keeps the height.
			if (top->balance_ != 0)
				return;
		}
		// @top's subtree is one level shorter: tell its parent.
		parent = top->parent_;
		if (!parent)
			return;
		dir = parent->child_[1] == top;
	}
}

void TreeBase::link(TreeLinks *node, TreeLinks *parent, int dir)
{
	node->parent_ = parent;
	node->child_[0] = node->child_[1] = nullptr;
	node->balance_ = 0;
	node->linked_ = true;
	if (parent)
		parent->child_[dir] = node;
	else
		root_ = node;
	size_++;
	grew(node);
}

void TreeBase::link_after(TreeLinks *pos, TreeLinks *node)
{
	if (!pos->child_[1])
		link(node, pos, 1);
	else
		link(node, first(pos->child_[1], 0), 0);
}

void TreeBase::link_before(TreeLinks *pos, TreeLinks *node)
{
	if (!pos)
		link(node, first(root_, 1), 1);
	else if (!pos->child_[0])
		link(node, pos, 0);
	else
		link(node, first(pos->child_[0], 1), 1);
}

void TreeBase::unlink(TreeLinks *node)
{
	TreeLinks *parent;
	int dir;

	if (node->child_[0] && node->child_[1]) {
		// Two children: the successor (leftmost of the right subtree,
		// which has no left child) takes the node's place and balance,
		// and the level is lost where the successor was.
		TreeLinks *next = first(node->child_[1], 0);

		if (next == node->child_[1]) {
			parent = next;
			dir = 1;
		} else {
			TreeLinks *right = next->child_[1];

			parent = next->parent_;
			dir = 0;
			parent->child_[0] = right;
			if (right)
				right->parent_ = parent;
			next->child_[1] = node->child_[1];
			next->child_[1]->parent_ = next;
		}
		next->child_[0] = node->child_[0];
		next->child_[0]->parent_ = next;
		next->parent_ = node->parent_;
		next->balance_ = node->balance_;
		replace_child(node->parent_, node, next);
	} else {
		TreeLinks *only = node->child_[node->child_[0] ? 0 : 1];

		parent = node->parent_;
		dir = parent && parent->child_[1] == node;
		if (only)
			only->parent_ = parent;
		replace_child(parent, node, only);
	}

	node->parent_ = node->child_[0] = node->child_[1] = nullptr;
	node->balance_ = 0;
	node->linked_ = false;
	size_--;
	if (parent)
		shrank(parent, dir);
}

TreeLinks *TreeBase::detach_all()
{
	size_ = 0;
	return exchange(root_, static_cast<TreeLinks *>(nullptr));
}

TreeLinks *TreeBase::take_leaf(TreeLinks *&cursor)
{
	TreeLinks *node = cursor;

	if (!node)
		return nullptr;
	// Children go before their parent: descend to a leaf.
	while (TreeLinks *down = node->child_[0] ? node->child_[0] : node->child_[1])
		node = down;
	cursor = node->parent_;
	if (cursor)
		cursor->child_[cursor->child_[1] == node] = nullptr;
	node->parent_ = nullptr;
	node->balance_ = 0;
	node->linked_ = false;
	return node;
}

void TreeBase::swap(TreeBase &other)
{
	root_ = exchange(other.root_, root_);
	size_ = exchange(other.size_, size_);
}

} // namespace nova
