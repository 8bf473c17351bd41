// SPDX-License-Identifier: GPL-2.0
//
// The intrusive AVL tree against std::map, with its invariants checked by a
// validator that only tests have (TreeInspector, a friend of the tree).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>

#include "cxx/intrusive_tree.hpp"
#include "hosted_services.hpp"
#include "vm/mapping.hpp"

namespace nova {

// Walks the tree's links directly: every child points back to its parent,
// every node is marked linked, every balance is height(right) - height(left)
// and within [-1, 1], the in-order sequence is sorted and as long as size().
struct TreeInspector {
	template <typename T, typename Tag, typename Key>
	static ::testing::AssertionResult check(const IntrusiveTree<T, Tag> &tree, Key key,
						int *height_out = nullptr)
	{
		std::string problem;
		u64 count = 0;
		int height = walk(tree.root_, nullptr, 0, &count, &problem);

		if (!problem.empty())
			return ::testing::AssertionFailure() << problem;
		if (count != tree.size())
			return ::testing::AssertionFailure()
			       << "size() " << tree.size() << " but " << count << " nodes";

		u64 seen = 0;
		T *prev = nullptr;
		for (T *node = tree.first(); node; node = IntrusiveTree<T, Tag>::next(*node)) {
			if (prev && key(*node) < key(*prev))
				return ::testing::AssertionFailure() << "out of order at " << key(*node);
			if (TreeInspector::prev<T, Tag>(*node) != prev)
				return ::testing::AssertionFailure() << "prev() disagrees with next()";
			prev = node;
			seen++;
		}
		if (seen != count || prev != last(tree))
			return ::testing::AssertionFailure() << "in-order walk misses nodes";
		if (height_out)
			*height_out = height;
		return ::testing::AssertionSuccess();
	}

	// The tree's walks the other way, which only this check needs.
	template <typename T, typename Tag> static T *last(const IntrusiveTree<T, Tag> &tree)
	{
		return IntrusiveTree<T, Tag>::to_element(TreeBase::first(tree.root_, 1));
	}
	template <typename T, typename Tag> static T *prev(T &element)
	{
		using Tree = IntrusiveTree<T, Tag>;

		return Tree::to_element(TreeBase::step(&Tree::links(element), 0));
	}

private:
	// Recursion is fine here: depth is capped, and an over-deep tree is
	// itself a failure.
	static int walk(const TreeLinks *node, const TreeLinks *parent, int depth, u64 *count,
			std::string *problem)
	{
		if (!node || !problem->empty())
			return 0;
		if (depth > 64) {
			*problem = "tree deeper than 64: not balanced";
			return 0;
		}
		if (node->parent_ != parent)
			*problem = "broken parent link";
		if (!node->linked_)
			*problem = "node in a tree but not marked linked";
		++*count;
		int left = walk(node->child_[0], node, depth + 1, count, problem);
		int right = walk(node->child_[1], node, depth + 1, count, problem);
		if (node->balance_ != right - left)
			*problem = "balance " + std::to_string(node->balance_) + " but heights " +
				   std::to_string(left) + "/" + std::to_string(right);
		if (right - left > 1 || left - right > 1)
			*problem = "subtree out of balance";
		return 1 + (left > right ? left : right);
	}
};

} // namespace nova

namespace {

using nova::IntrusiveTree;
using nova::TreeInspector;
using nova::TreeNode;
using nova::u64;

struct Item : TreeNode<> {
	explicit Item(u64 k) : key(k) {}
	u64 key;
};

using Tree = IntrusiveTree<Item>;

u64 key_of(const Item &item)
{
	return item.key;
}

bool less(const Item &a, const Item &b)
{
	return a.key < b.key;
}

// Inserts @item after every element it is not less than, the way the VA
// space inserts: find the place with first_where(), link with
// insert_before().
template <typename T, typename Tag, typename Less>
void insert(IntrusiveTree<T, Tag> &tree, T &item, Less &&less)
{
	tree.insert_before(tree.first_where([&](const T &other) { return less(item, other); }), item);
}

// The AVL bound: height < 1.4405 log2(n + 2) - 0.3277.
double avl_height_bound(u64 n)
{
	return 1.4405 * std::log2(double(n) + 2) - 0.3277;
}

TEST(IntrusiveTree, RandomInsertEraseMatchesStdMap)
{
	std::mt19937_64 rng(12345);
	std::map<u64, Item *> reference;
	Tree tree;

	for (int step = 0; step < 200000; step++) {
		u64 key = rng() % 5000;
		auto it = reference.find(key);

		if (it == reference.end()) {
			Item *item = new Item(key);
			insert(tree, *item, less);
			reference[key] = item;
		} else {
			tree.erase(*it->second);
			ASSERT_FALSE(it->second->linked());
			delete it->second;
			reference.erase(it);
		}

		// first_where is lower_bound.
		u64 probe = rng() % 5100;
		Item *found = tree.first_where([probe](const Item &i) { return i.key >= probe; });
		auto lower = reference.lower_bound(probe);
		ASSERT_EQ(found, lower == reference.end() ? nullptr : lower->second) << probe;

		ASSERT_EQ(tree.size(), reference.size());
		if (step % 2000 == 0) {
			ASSERT_TRUE(TreeInspector::check(tree, key_of)) << "step " << step;
		}
	}
	ASSERT_TRUE(TreeInspector::check(tree, key_of));

	auto it = reference.begin();
	for (Item *item = tree.first(); item; item = Tree::next(*item), ++it)
		ASSERT_EQ(item, it->second);
	ASSERT_EQ(it, reference.end());

	tree.clear([](Item &item) { delete &item; });
	EXPECT_TRUE(tree.empty());
	EXPECT_EQ(tree.size(), 0u);
}

// Every small tree shape: all insertion orders of a few keys hit each
// rotation case, then every single erase of each shape is checked.
TEST(IntrusiveTree, EveryEraseOfEverySmallTree)
{
	std::vector<u64> keys = { 1, 2, 3, 4, 5, 6, 7 };
	int shapes = 0;

	do {
		for (u64 victim : keys) {
			std::deque<Item> items; // nodes do not move
			Tree tree;
			for (u64 key : keys) {
				items.emplace_back(key);
				insert(tree, items.back(), less);
			}
			ASSERT_TRUE(TreeInspector::check(tree, key_of));
			tree.erase(items[std::find(keys.begin(), keys.end(), victim) - keys.begin()]);
			ASSERT_TRUE(TreeInspector::check(tree, key_of)) << "erasing " << victim;
			tree.clear([](Item &) {});
		}
		shapes++;
	} while (std::next_permutation(keys.begin(), keys.end()));
	EXPECT_EQ(shapes, 5040);
}

TEST(IntrusiveTree, SortedInsertionStaysBalanced)
{
	constexpr u64 kCount = 1 << 20;
	std::deque<Item> items;
	Tree tree;

	for (u64 i = 0; i < kCount; i++) {
		items.emplace_back(i);
		insert(tree, items.back(), less);
	}
	int height = 0;
	ASSERT_TRUE(TreeInspector::check(tree, key_of, &height));
	EXPECT_LT(height, avl_height_bound(kCount));
	std::printf("[          ] %llu sorted inserts: height %d (AVL bound %.1f)\n",
		    (unsigned long long)kCount, height, avl_height_bound(kCount));

	// Erase from the front, the worst case for a tree without rebalancing
	// on erase, then every other element of what is left.
	for (u64 i = 0; i < kCount / 2; i++)
		tree.erase(items[i]);
	ASSERT_TRUE(TreeInspector::check(tree, key_of, &height));
	EXPECT_LT(height, avl_height_bound(kCount / 2));
	for (u64 i = kCount / 2; i < kCount; i += 2)
		tree.erase(items[i]);
	ASSERT_TRUE(TreeInspector::check(tree, key_of));
	EXPECT_EQ(tree.size(), kCount / 4);

	// Iterative teardown: each node is handed over unlinked, children
	// before parents, and nothing recursed over a million nodes.
	u64 cleared = 0;
	tree.clear([&](Item &item) {
		EXPECT_FALSE(item.linked());
		cleared++;
	});
	EXPECT_EQ(cleared, kCount / 4);
	EXPECT_TRUE(tree.empty());
}

TEST(IntrusiveTree, InsertAfterAndBeforePlaceTheNeighbour)
{
	std::mt19937_64 rng(7);
	std::vector<Item *> order; // expected in-order sequence
	Tree tree;

	// Keys are spaced so that a new element fits after any existing one.
	Item *head = new Item(u64(1) << 62);
	insert(tree, *head, less);
	order.push_back(head);
	for (int i = 0; i < 20000; i++) {
		std::size_t at = rng() % order.size();
		u64 low = order[at]->key;
		u64 high = at + 1 < order.size() ? order[at + 1]->key : low + (u64(1) << 40);
		ASSERT_LT(low + 1, high) << "key space exhausted";
		Item *item = new Item(low + (high - low) / 2);
		if (i % 2)
			tree.insert_after(*order[at], *item);
		else // before the next one, or last when there is none
			tree.insert_before(at + 1 < order.size() ? order[at + 1] : nullptr, *item);
		order.insert(order.begin() + at + 1, item);
		if (i % 1000 == 0) {
			ASSERT_TRUE(TreeInspector::check(tree, key_of));
		}
	}
	ASSERT_TRUE(TreeInspector::check(tree, key_of));
	std::size_t index = 0;
	for (Item *item = tree.first(); item; item = Tree::next(*item))
		ASSERT_EQ(item, order[index++]);
	tree.clear([](Item &item) { delete &item; });

	// Into an empty tree, and before the first element.
	Item first(10), before(5);
	tree.insert_before(nullptr, first);
	tree.insert_before(&first, before);
	EXPECT_EQ(tree.first(), &before);
	EXPECT_EQ(TreeInspector::last(tree), &first);
	ASSERT_TRUE(TreeInspector::check(tree, key_of));
	tree.clear([](Item &) {});
}

TEST(IntrusiveTree, EqualKeysKeepInsertionOrder)
{
	Item a(5), b(5), c(5), d(1);
	Tree tree;

	insert(tree, a, less);
	insert(tree, b, less);
	insert(tree, d, less);
	insert(tree, c, less);
	std::vector<Item *> seen;
	for (Item *item = tree.first(); item; item = Tree::next(*item))
		seen.push_back(item);
	EXPECT_EQ(seen, (std::vector<Item *>{ &d, &a, &b, &c }));
	tree.clear([](Item &) {});
}

TEST(IntrusiveTree, SwapExchangesContents)
{
	Item a(1), b(2), c(3);
	Tree one, two;

	insert(one, a, less);
	insert(one, b, less);
	insert(two, c, less);
	one.swap(two);
	EXPECT_EQ(one.size(), 1u);
	EXPECT_EQ(one.first(), &c);
	EXPECT_EQ(two.size(), 2u);
	EXPECT_EQ(two.first(), &a);
	EXPECT_EQ(TreeInspector::last(two), &b);
	one.clear([](Item &) {});
	two.clear([](Item &) {});
}

struct ByKeyTag {};
struct ByAgeTag {};

// One element in two trees at once, ordered two ways.
struct Dual : TreeNode<ByKeyTag>, TreeNode<ByAgeTag> {
	Dual(u64 k, u64 a) : key(k), age(a) {}
	u64 key, age;
};

TEST(IntrusiveTree, OneElementInTwoTrees)
{
	std::deque<Dual> items;
	for (u64 i = 0; i < 100; i++)
		items.emplace_back(i, 99 - i);
	IntrusiveTree<Dual, ByKeyTag> by_key;
	IntrusiveTree<Dual, ByAgeTag> by_age;

	for (Dual &item : items) {
		insert(by_key, item, [](const Dual &x, const Dual &y) { return x.key < y.key; });
		insert(by_age, item, [](const Dual &x, const Dual &y) { return x.age < y.age; });
	}
	EXPECT_EQ(by_key.first(), &items.front());
	EXPECT_EQ(by_age.first(), &items.back());
	by_key.erase(items[10]);
	EXPECT_EQ(by_age.size(), 100u);
	EXPECT_TRUE(TreeInspector::check(by_key, [](const Dual &d) { return d.key; }));
	EXPECT_TRUE(TreeInspector::check(by_age, [](const Dual &d) { return d.age; }));
	by_key.clear([](Dual &) {});
	by_age.clear([](Dual &) {});
}

TEST(IntrusiveTree, ReportsDoubleInsertion)
{
	hosted::reset_error_counts();
	Item a(1);
	Tree tree;

	insert(tree, a, less);
	::testing::TestPartResultArray failures;
	{
		::testing::ScopedFakeTestPartResultReporter reporter(
			::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD,
			&failures);
		insert(tree, a, less);
	}
	EXPECT_EQ(hosted::invariant_failures(), 1);
	EXPECT_EQ(tree.size(), 1u);
	EXPECT_TRUE(TreeInspector::check(tree, key_of));
	tree.erase(a);
	hosted::reset_error_counts();
}

TEST(NodeStack, IsLastInFirstOutAndFreesLeftovers)
{
	nova::NodeStack<Item> stack;
	Item *a = new Item(1), *b = new Item(2);

	EXPECT_EQ(stack.pop(), nullptr);
	stack.push(*a);
	stack.push(*b);
	EXPECT_EQ(stack.pop(), b);
	delete b;
	stack.push(*new Item(3));
	// @a and the third item are deleted with the stack (LeakSanitizer
	// would report them otherwise).
}

TEST(Mapping, IsOneSixtyFourByteNode)
{
	// The whole per-mapping cost: tree links, range, offset, flags and the
	// object reference, in a single allocation.
	std::printf("[          ] sizeof(nova::Mapping) = %zu bytes\n", sizeof(nova::Mapping));
	EXPECT_EQ(sizeof(nova::Mapping), 64u);
}

} // namespace
