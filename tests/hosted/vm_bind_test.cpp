// SPDX-License-Identifier: GPL-2.0
//
// VM_BIND semantics through nova_logic_ioctl_vm_bind: map, replace, cut,
// split, unmap, batches, every documented errno, atomicity under -ENOMEM and
// -EFAULT, object lifetimes and the VA-space GETPARAMs.
#include <atomic>
#include <thread>
#include <utility>

#include "fixture.hpp"
#include "vm_fixture.hpp"

namespace hosted {
namespace {

std::uint64_t va(std::uint64_t page)
{
	return kVaStart + page * kPage;
}

std::uint64_t pages(std::uint64_t count)
{
	return count * kPage;
}

class VmBindTest : public LogicTest {
protected:
	// A new object of @size_pages pages; its handle and the logic's id.
	std::uint32_t object(File &file, std::uint64_t size_pages, std::uint64_t *id = nullptr)
	{
		std::uint32_t handle = 0;
		EXPECT_EQ(create(file, pages(size_pages), &handle), 0);
		if (id)
			*id = object_id(file, handle);
		return handle;
	}
};

TEST_F(VmBindTest, MapShowsUpWithItsObjectAndFlags)
{
	File file(device_);
	std::uint64_t id;
	std::uint32_t bo = object(file, 4, &id);

	EXPECT_NE(id, 0u);
	ASSERT_EQ(vm_bind(file, { map_op(bo, va(0), pages(4), 0, NOVA_VM_BIND_MAP_READONLY) }), 0);
	EXPECT_EQ(mappings(file),
		  (std::vector<Mapped>{ { va(0), va(4), id, 0, NOVA_VM_BIND_MAP_READONLY } }));
	EXPECT_EQ(file_stats(file).mappings, 1u);
	EXPECT_EQ(device_stats().mappings, 1u);
	EXPECT_EQ(device_stats().mapping_bytes, 64u);
}

TEST_F(VmBindTest, ObjectIdsAreUniqueAndForeignObjectsHaveNone)
{
	File file(device_);
	std::uint64_t id1, id2;
	std::uint32_t a = object(file, 1, &id1);
	object(file, 1, &id2);
	std::uint32_t foreign = file.import_foreign(pages(2));

	EXPECT_NE(id1, id2);
	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(1)), map_op(foreign, va(1), pages(2)) }), 0);
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{ { va(0), va(1), id1, 0, 0 },
							 { va(1), va(3), 0, 0, 0 } }));
}

TEST_F(VmBindTest, ZeroOperationsIsAValidNoOp)
{
	File file(device_);

	// Neither the stride nor the pointer is looked at.
	EXPECT_EQ(vm_bind_raw(file, nullptr, 0, 0), 0);
	EXPECT_EQ(vm_bind_raw(file, nullptr, 0, kOpSize), 0);
	EXPECT_TRUE(mappings(file).empty());
}

TEST_F(VmBindTest, MapReplacesTheMiddleOfAMappingWhichSplits)
{
	File file(device_);
	std::uint64_t ia, ib;
	std::uint32_t a = object(file, 8, &ia), b = object(file, 4, &ib);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(8), 0, NOVA_VM_BIND_MAP_NOEXEC) }), 0);
	ASSERT_EQ(vm_bind(file, { map_op(b, va(2), pages(2), pages(1)) }), 0);
	// The right part keeps its own offset into a: page 4 of va is page 4 of a.
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{
					  { va(0), va(2), ia, 0, NOVA_VM_BIND_MAP_NOEXEC },
					  { va(2), va(4), ib, pages(1), 0 },
					  { va(4), va(8), ia, pages(4), NOVA_VM_BIND_MAP_NOEXEC },
				  }));
	EXPECT_EQ(device_stats().mappings, 3u);
}

TEST_F(VmBindTest, MapCutsPartlyCoveredMappingsAndDropsCoveredOnes)
{
	File file(device_);
	std::uint64_t ia, ib, ic, id;
	std::uint32_t a = object(file, 4, &ia), b = object(file, 4, &ib), c = object(file, 4, &ic),
		      d = object(file, 16, &id);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(4)), map_op(b, va(4), pages(4)),
				  map_op(c, va(8), pages(4)) }),
		  0);
	ASSERT_EQ(vm_bind(file, { map_op(d, va(2), pages(8), pages(3)) }), 0);
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{
					  { va(0), va(2), ia, 0, 0 },
					  { va(2), va(10), id, pages(3), 0 },
					  { va(10), va(12), ic, pages(2), 0 },
				  }));
}

TEST_F(VmBindTest, MapOverAnIdenticalRangeReplacesIt)
{
	File file(device_);
	std::uint64_t ia, ib;
	std::uint32_t a = object(file, 4, &ia), b = object(file, 4, &ib);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(1), pages(2)) }), 0);
	ASSERT_EQ(vm_bind(file, { map_op(b, va(1), pages(2), pages(2)) }), 0);
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{ { va(1), va(3), ib, pages(2), 0 } }));
	EXPECT_EQ(device_stats().mappings, 1u);
}

TEST_F(VmBindTest, AdjacentMappingsStaySeparate)
{
	File file(device_);
	std::uint64_t ia;
	std::uint32_t a = object(file, 4, &ia);

	// Contiguous in both VA and object: still two mappings (no merging).
	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(2)), map_op(a, va(2), pages(2), pages(2)) }),
		  0);
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{ { va(0), va(2), ia, 0, 0 },
							 { va(2), va(4), ia, pages(2), 0 } }));
}

TEST_F(VmBindTest, UnmapCutsAtTheEdgesAndSplits)
{
	File file(device_);
	std::uint64_t ia, ib;
	std::uint32_t a = object(file, 8, &ia), b = object(file, 8, &ib);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(8)), map_op(b, va(10), pages(8)) }), 0);
	// Splits a, then cuts b's front.
	ASSERT_EQ(vm_bind(file, { unmap_op(va(3), pages(2)), unmap_op(va(9), pages(3)) }), 0);
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{
					  { va(0), va(3), ia, 0, 0 },
					  { va(5), va(8), ia, pages(5), 0 },
					  { va(12), va(18), ib, pages(2), 0 },
				  }));
	// Across a hole and two mappings: keeps the outer edges.
	ASSERT_EQ(vm_bind(file, { unmap_op(va(2), pages(12)) }), 0);
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{
					  { va(0), va(2), ia, 0, 0 },
					  { va(14), va(18), ib, pages(4), 0 },
				  }));
}

TEST_F(VmBindTest, UnmappingAHoleIsNotAnError)
{
	File file(device_);
	std::uint32_t a = object(file, 1);

	EXPECT_EQ(vm_bind(file, { unmap_op(va(0), pages(100)) }), 0);
	ASSERT_EQ(vm_bind(file, { map_op(a, va(10), pages(1)) }), 0);
	EXPECT_EQ(vm_bind(file, { unmap_op(va(0), pages(10)), unmap_op(va(11), pages(10)) }), 0);
	EXPECT_EQ(mappings(file).size(), 1u);
	EXPECT_EQ(vm_bind(file, { unmap_op(kVaStart, kVaSize) }), 0);
	EXPECT_TRUE(mappings(file).empty());
	EXPECT_EQ(device_stats().mappings, 0u);
}

TEST_F(VmBindTest, OperationsSeeTheOnesBeforeThem)
{
	File file(device_);
	std::uint64_t ia, ib;
	std::uint32_t a = object(file, 8, &ia), b = object(file, 8, &ib);

	ASSERT_EQ(vm_bind(file, {
					map_op(a, va(0), pages(8)),
					unmap_op(va(2), pages(1)),
					map_op(b, va(6), pages(4), pages(4)),
					map_op(a, va(7), pages(1), pages(7)),
					unmap_op(va(9), pages(1)),
				}),
		  0);
	EXPECT_EQ(mappings(file), (std::vector<Mapped>{
					  { va(0), va(2), ia, 0, 0 },
					  { va(3), va(6), ia, pages(3), 0 },
					  { va(6), va(7), ib, pages(4), 0 },
					  { va(7), va(8), ia, pages(7), 0 },
					  { va(8), va(9), ib, pages(6), 0 },
				  }));
}

TEST_F(VmBindTest, MapsTheEdgesOfTheVaRange)
{
	File file(device_);
	std::uint32_t a = object(file, 1);

	EXPECT_EQ(vm_bind(file, { map_op(a, kVaStart, kPage),
				  map_op(a, kVaStart + kVaSize - kPage, kPage) }),
		  0);
	EXPECT_EQ(mappings(file).size(), 2u);
}

// --- errors ---------------------------------------------------------------------

TEST_F(VmBindTest, RejectsBadCallArguments)
{
	File file(device_);
	std::uint32_t a = object(file, 1);
	auto ops = layout({ map_op(a, va(0), kPage) });

	EXPECT_EQ(vm_bind_raw(file, ops.data(), 1, kOpSize, 1), -EINVAL);
	EXPECT_EQ(vm_bind_raw(file, ops.data(), 1, kOpSize, 0, 1u << 1), -EINVAL);
	EXPECT_EQ(vm_bind_raw(file, ops.data(), 1, kOpSize, 0, 0x80000000u), -EINVAL);
	EXPECT_EQ(vm_bind_raw(file, ops.data(), 1, 0), -EINVAL);
	EXPECT_EQ(vm_bind_raw(file, ops.data(), 1, kOpSize - 1), -EINVAL);
	EXPECT_EQ(vm_bind_raw(file, ops.data(), 1, 32), -EINVAL);
	EXPECT_EQ(vm_bind_raw(file, ops.data(), kMaxOps + 1, kOpSize), -E2BIG);
	EXPECT_EQ(vm_bind_raw(file, ops.data(), ~0u, kOpSize), -E2BIG);
	// The order of the checks: -EINVAL for vm_id/flags first, then -E2BIG
	// (before the stride is looked at), then the stride.
	EXPECT_EQ(vm_bind_raw(file, ops.data(), kMaxOps + 1, kOpSize, 1), -EINVAL);
	EXPECT_EQ(vm_bind_raw(file, ops.data(), kMaxOps + 1, 8), -E2BIG);
	EXPECT_EQ(vm_bind_raw(file, nullptr, 0, 0, 1), -EINVAL);
	EXPECT_TRUE(mappings(file).empty());

	// The limit itself is fine.
	std::vector<drm_nova_vm_bind_op> many(kMaxOps, map_op(a, va(0), kPage));
	EXPECT_EQ(vm_bind(file, many), 0);
	EXPECT_EQ(mappings(file).size(), 1u);
}

TEST_F(VmBindTest, RejectsEveryMalformedOperation)
{
	File file(device_);
	std::uint32_t a = object(file, 4);
	const std::uint64_t top = ~0ull & ~(kPage - 1); // highest aligned address

	struct Case {
		const char *what;
		drm_nova_vm_bind_op op;
		int err;
	};
	auto with = [](drm_nova_vm_bind_op op, auto &&change) {
		change(op);
		return op;
	};
	const drm_nova_vm_bind_op map = map_op(a, va(0), pages(2), pages(1));
	const drm_nova_vm_bind_op unmap = unmap_op(va(0), pages(2));
	const Case cases[] = {
		{ "unknown op 2", with(map, [](auto &o) { o.op = 2; }), -EINVAL },
		{ "unknown op ~0", with(map, [](auto &o) { o.op = ~0u; }), -EINVAL },
		{ "unknown MAP flag", with(map, [](auto &o) { o.flags = 1u << 2; }), -EINVAL },
		{ "high MAP flag", with(map, [](auto &o) { o.flags = 1u << 31; }), -EINVAL },
		{ "MAP pad", with(map, [](auto &o) { o.pad = 1; }), -EINVAL },
		{ "UNMAP pad", with(unmap, [](auto &o) { o.pad = 1u << 31; }), -EINVAL },
		{ "UNMAP flags", with(unmap, [](auto &o) { o.flags = NOVA_VM_BIND_MAP_READONLY; }),
		  -EINVAL },
		{ "UNMAP handle", with(unmap, [&](auto &o) { o.handle = a; }), -EINVAL },
		{ "UNMAP bo_offset", with(unmap, [](auto &o) { o.bo_offset = kPage; }), -EINVAL },
		{ "zero range", with(map, [](auto &o) { o.range = 0; }), -EINVAL },
		{ "zero UNMAP range", with(unmap, [](auto &o) { o.range = 0; }), -EINVAL },
		{ "va off by a byte", with(map, [](auto &o) { o.va += 1; }), -EINVAL },
		{ "va off by half a page", with(unmap, [](auto &o) { o.va += kPage / 2; }), -EINVAL },
		{ "range off by a byte", with(map, [](auto &o) { o.range -= 1; }), -EINVAL },
		{ "bo_offset off", with(map, [](auto &o) { o.bo_offset += 8; }), -EINVAL },
		{ "below the VA range", with(map, [](auto &o) { o.va = kVaStart - kPage; }), -EINVAL },
		{ "at 0", with(unmap, [](auto &o) { o.va = 0; }), -EINVAL },
		{ "straddles the start",
		  with(unmap, [](auto &o) { o.va = kVaStart - kPage; }), -EINVAL },
		{ "past the end", with(map, [](auto &o) { o.va = kVaStart + kVaSize - kPage; }),
		  -EINVAL },
		{ "beyond the end", with(unmap, [](auto &o) { o.va = kVaStart + kVaSize; }), -EINVAL },
		{ "whole range and more",
		  with(unmap, [](auto &o) {
			  o.va = kVaStart;
			  o.range = kVaSize + kPage;
		  }),
		  -EINVAL },
		{ "va + range wraps", with(unmap, [&](auto &o) { o.va = top; }), -EINVAL },
		{ "range wraps alone", with(unmap, [&](auto &o) { o.range = top; }), -EINVAL },
		{ "bo_offset + range wraps", with(map, [&](auto &o) { o.bo_offset = top; }), -EINVAL },
		{ "object range past the end",
		  with(map, [](auto &o) { o.bo_offset = pages(3); }), -EINVAL },
		{ "range larger than the object",
		  with(map, [](auto &o) {
			  o.bo_offset = 0;
			  o.range = pages(5);
		  }),
		  -EINVAL },
		{ "no such handle", with(map, [](auto &o) { o.handle = 999; }), -ENOENT },
		{ "handle 0", with(map, [](auto &o) { o.handle = 0; }), -ENOENT },
		// Object-independent checks come before the handle lookup, the
		// object range after it.
		{ "bad handle and unaligned va",
		  with(map, [](auto &o) {
			  o.handle = 999;
			  o.va += 1;
		  }),
		  -EINVAL },
		{ "bad handle and object range",
		  with(map, [](auto &o) {
			  o.handle = 999;
			  o.bo_offset = pages(100);
		  }),
		  -ENOENT },
	};

	ASSERT_EQ(vm_bind(file, { map_op(a, va(10), pages(4)) }), 0);
	auto before = mappings(file);
	for (const Case &c : cases) {
		EXPECT_EQ(vm_bind(file, { c.op }), c.err) << c.what;
		// As the last operation of a batch that would otherwise apply.
		EXPECT_EQ(vm_bind(file, { unmap_op(va(10), pages(1)), map_op(a, va(20), kPage), c.op }),
			  c.err)
			<< c.what << " (in a batch)";
		EXPECT_EQ(mappings(file), before) << c.what;
	}
	EXPECT_EQ(live_objects(), 1);
}

TEST_F(VmBindTest, HandlesBelongToTheirFile)
{
	File file(device_), other(device_);
	std::uint32_t a = object(file, 1);

	EXPECT_EQ(vm_bind(other, { map_op(a, va(0), kPage) }), -ENOENT);
	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), kPage) }), 0);
	EXPECT_TRUE(mappings(other).empty());
	EXPECT_EQ(file_stats(other).mappings, 0u);
	EXPECT_EQ(file_stats(file).mappings, 1u);
}

TEST_F(VmBindTest, LongerStrideWithZeroTailIsAccepted)
{
	File file(device_);
	std::uint64_t ia;
	std::uint32_t a = object(file, 4, &ia);

	for (std::uint32_t stride : { kOpSize + 8, 64u, 104u, 4096u + 40u }) {
		ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(4)), unmap_op(va(1), pages(2)) },
				  stride),
			  0)
			<< stride;
		EXPECT_EQ(mappings(file), (std::vector<Mapped>{ { va(0), va(1), ia, 0, 0 },
								 { va(3), va(4), ia, pages(3), 0 } }))
			<< stride;
	}
}

TEST_F(VmBindTest, NonZeroBytesPastTheKnownSizeAreInvalid)
{
	File file(device_);
	std::uint32_t a = object(file, 4);

	for (std::uint32_t stride : { kOpSize + 1, 64u, 4096u + 40u }) {
		for (std::uint32_t at = kOpSize; at < stride; at += (stride - kOpSize + 2) / 3) {
			for (std::size_t victim : { 0, 1 }) {
				auto bytes = layout({ map_op(a, va(0), pages(1)),
						      map_op(a, va(2), pages(1)) },
						    stride);
				bytes[victim * stride + at] = 0x80;
				EXPECT_EQ(vm_bind_raw(file, bytes.data(), 2, stride), -EINVAL)
					<< "stride " << stride << " byte " << at << " op " << victim;
			}
		}
		// The last byte of the stride.
		auto bytes = layout({ map_op(a, va(0), pages(1)) }, stride);
		bytes[stride - 1] = 1;
		EXPECT_EQ(vm_bind_raw(file, bytes.data(), 1, stride), -EINVAL) << stride;
	}
	EXPECT_TRUE(mappings(file).empty());
}

// An operation is read whole before it is judged: a fault anywhere in its
// stride is -EFAULT even when a non-zero tail byte comes before it (the
// kernel's copy_struct_from_user() alone would stop at that byte).
TEST_F(VmBindTest, AFaultInAnOperationWinsOverItsNonZeroTail)
{
	File file(device_);
	std::uint32_t a = object(file, 4);

	for (std::uint32_t stride : { kOpSize + 8, 4096u + 40u }) {
		auto bytes = layout({ map_op(a, va(0), pages(1)), map_op(a, va(2), pages(1)) }, stride);

		bytes[stride + kOpSize] = 1;
		fail_copies_from(user_ptr(bytes.data()) + 2 * stride - 1);
		EXPECT_EQ(vm_bind_raw(file, bytes.data(), 2, stride), -EFAULT) << stride;
		fail_copies_from(0);
		EXPECT_EQ(vm_bind_raw(file, bytes.data(), 2, stride), -EINVAL) << stride;
	}
	EXPECT_TRUE(mappings(file).empty());
}

TEST_F(VmBindTest, UnreadableOperationsFault)
{
	File file(device_);
	std::uint64_t ia;
	std::uint32_t a = object(file, 4, &ia);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(4)) }), 0);
	const auto before = mappings(file);

	EXPECT_EQ(vm_bind_raw(file, nullptr, 1, kOpSize), -EFAULT);
	EXPECT_EQ(vm_bind_raw(file, reinterpret_cast<void *>(16), 3, kOpSize), -EFAULT);
	// Kernel addresses, and an array that wraps around the address space
	// (its second operation does).
	EXPECT_EQ(vm_bind_raw(file, reinterpret_cast<void *>(~0ull - 100), 1, kOpSize), -EFAULT);
	EXPECT_EQ(vm_bind_raw(file, reinterpret_cast<void *>(1ull << 63), 2, 1u << 31), -EFAULT);

	// The user's memory ends inside the batch: at each byte of the second
	// and third operation (of three), with the first being valid.
	for (std::uint32_t stride : { kOpSize, 64u }) {
		auto bytes = layout({ unmap_op(va(0), pages(1)), map_op(a, va(8), pages(1)),
				      unmap_op(va(3), pages(1)) },
				    stride);
		for (std::uint32_t at = stride; at < 3 * stride; at++) {
			fail_copies_from(user_ptr(bytes.data()) + at);
			EXPECT_EQ(vm_bind_raw(file, bytes.data(), 3, stride), -EFAULT)
				<< "stride " << stride << " fault at byte " << at;
			fail_copies_from(0);
		}
		EXPECT_EQ(mappings(file), before);
	}

	// A fault in a later operation wins over nothing; an earlier bad
	// operation wins over the fault (operations are judged in order).
	auto bytes = layout({ map_op(a, va(0), pages(1), 0, 1u << 5), unmap_op(va(0), kPage) });
	fail_copies_from(user_ptr(bytes.data()) + kOpSize + 1);
	EXPECT_EQ(vm_bind_raw(file, bytes.data(), 2, kOpSize), -EINVAL);
	fail_copies_from(0);
	EXPECT_EQ(mappings(file), before);
	EXPECT_EQ(live_objects(), 1) << "references of the failed batches leaked";
}

// Every allocation of a batch fails in turn: -ENOMEM, nothing changes, no
// reference leaks; past the last one the batch applies. The allocations are
// the array of operations, its one-copy read, and the worst case of nodes,
// all before the lock.
TEST_F(VmBindTest, EveryAllocationFailureLeavesTheVaSpaceUnchanged)
{
	File file(device_);
	std::uint32_t a = object(file, 8), b = object(file, 8);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(8)), map_op(b, va(10), pages(8)) }), 0);
	const auto before = mappings(file);
	const std::vector<drm_nova_vm_bind_op> batch = {
		map_op(b, va(2), pages(2)),	// splits a
		unmap_op(va(12), pages(1)),	// splits b
		map_op(a, va(7), pages(5), 0),	// cuts both ends, drops b's first part
		unmap_op(va(0), pages(1)),
	};
	const long expected = 1 + 1 + 2 + 1 + 2 + 1;

	for (long nth = 0;; nth++) {
		fail_allocation(nth);
		int ret = vm_bind(file, batch);
		long seen = allocations_seen();
		fail_allocation(-1);
		if (ret == 0) {
			EXPECT_EQ(nth, expected);
			EXPECT_EQ(seen, expected) << "allocations of a successful batch";
			break;
		}
		ASSERT_EQ(ret, -ENOMEM) << "allocation " << nth;
		ASSERT_EQ(mappings(file), before) << "allocation " << nth;
		ASSERT_EQ(device_stats().mappings, before.size());
		ASSERT_LT(nth, 32);
	}
	EXPECT_NE(mappings(file), before);
	EXPECT_EQ(live_objects(), 2);
}

TEST_F(VmBindTest, FileOpenFailsCleanlyWithoutMemoryForItsVaSpace)
{
	const long device_locks = live_mutexes();

	for (long nth = 0; nth < 2; nth++) {
		fail_allocation(nth);
		{
			File file(device_);
			EXPECT_EQ(file.open_error(), -ENOMEM) << nth;
		}
		fail_allocation(-1);
	}
	EXPECT_EQ(device_stats().files, 0u);
	EXPECT_EQ(live_mutexes(), device_locks) << "the VA lock of a failed open leaked";
}

// --- lifetimes ----------------------------------------------------------------

TEST_F(VmBindTest, MappingsKeepTheirObjectAfterTheHandleCloses)
{
	File file(device_);
	std::uint32_t a = object(file, 8);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), pages(8)), unmap_op(va(3), pages(2)) }), 0);
	ASSERT_EQ(file.close_handle(a), 0);
	EXPECT_EQ(live_objects(), 1);
	EXPECT_EQ(device_stats().objects, 1u);
	EXPECT_EQ(file_stats(file).objects, 1u);
	// The handle is gone: a new MAP of it fails, the mappings stay.
	EXPECT_EQ(vm_bind(file, { map_op(a, va(20), kPage) }), -ENOENT);
	EXPECT_EQ(mappings(file).size(), 2u);

	// Each part of the split holds its own reference.
	ASSERT_EQ(vm_bind(file, { unmap_op(va(0), pages(3)) }), 0);
	EXPECT_EQ(live_objects(), 1);
	ASSERT_EQ(vm_bind(file, { unmap_op(va(5), pages(1)) }), 0);
	EXPECT_EQ(live_objects(), 1);
	ASSERT_EQ(vm_bind(file, { unmap_op(va(6), pages(2)) }), 0);
	EXPECT_EQ(live_objects(), 0);
	EXPECT_EQ(device_stats().objects, 0u);
	EXPECT_EQ(file_stats(file).objects, 0u);
}

TEST_F(VmBindTest, ReplacingTheLastMappingFreesTheObject)
{
	File file(device_);
	std::uint32_t a = object(file, 1), b = object(file, 1);

	ASSERT_EQ(vm_bind(file, { map_op(a, va(0), kPage) }), 0);
	ASSERT_EQ(file.close_handle(a), 0);
	ASSERT_EQ(vm_bind(file, { map_op(b, va(0), kPage) }), 0);
	EXPECT_EQ(live_objects(), 1);
}

TEST_F(VmBindTest, ClosingTheFileReleasesEveryMapping)
{
	{
		File file(device_);
		std::uint32_t a = object(file, 8), b = object(file, 8);
		std::uint32_t foreign = file.import_foreign(pages(4));

		std::vector<drm_nova_vm_bind_op> ops;
		for (std::uint64_t i = 0; i < 40; i++)
			ops.push_back(map_op(i % 2 ? a : b, va(i * 8), pages(8)));
		ops.push_back(map_op(foreign, va(1000), pages(4)));
		ops.push_back(unmap_op(va(4), pages(1))); // a split
		ASSERT_EQ(vm_bind(file, ops), 0);
		ASSERT_EQ(file.close_handle(a), 0);
		EXPECT_EQ(device_stats().mappings, 42u);
		EXPECT_EQ(device_stats().mapping_bytes, 42u * 64);
		EXPECT_EQ(live_objects(), 3);
	}
	EXPECT_EQ(live_objects(), 0);
	EXPECT_EQ(device_stats().mappings, 0u);
	EXPECT_EQ(device_stats().objects, 0u);
	EXPECT_EQ(device_stats().files, 0u);
}

TEST_F(VmBindTest, MappedObjectOutlivesFileAndDevice)
{
	// A mapping holds the object, the object holds the device: dropping the
	// glue's device reference while a file still maps an object is safe.
	File *file = new File(device_);
	std::uint32_t a = object(*file, 2);
	ASSERT_EQ(vm_bind(*file, { map_op(a, va(0), pages(2)) }), 0);
	ASSERT_EQ(file->close_handle(a), 0);
	nova_logic_device *device = std::exchange(device_, nullptr);
	nova_logic_device_put(device);
	EXPECT_GE(live_mutexes(), 1);
	delete file;
	EXPECT_EQ(live_objects(), 0);
	EXPECT_EQ(live_mutexes(), 0);
}

// Concurrent VM_BIND calls on one file are serialized; debugfs and the
// stats read alongside. Each thread owns a slice of the VA space.
TEST_F(VmBindTest, ConcurrentCallsOnOneFile)
{
	constexpr int kThreads = 4;
	constexpr int kRounds = 300;
	File file(device_);
	std::uint32_t a = object(file, 16);
	std::atomic<bool> done{ false };

	std::thread reader([&] {
		while (!done) {
			auto seen = mappings(file);
			for (std::size_t i = 1; i < seen.size(); i++)
				ASSERT_LE(seen[i - 1].end, seen[i].start);
			file_stats(file);
			device_stats();
		}
	});
	std::vector<std::thread> threads;
	for (int t = 0; t < kThreads; t++) {
		threads.emplace_back([&, t] {
			std::uint64_t base = t * 64;
			for (int i = 0; i < kRounds; i++) {
				ASSERT_EQ(vm_bind(file, { map_op(a, va(base), pages(16)),
							  unmap_op(va(base + i % 16), kPage),
							  map_op(a, va(base + 20 + i % 8), pages(4), pages(12)) }),
					  0);
				if (i % 3 == 0) {
					ASSERT_EQ(vm_bind(file, { unmap_op(va(base), pages(64)) }), 0);
				}
			}
		});
	}
	for (auto &thread : threads)
		thread.join();
	done = true;
	reader.join();

	// Round kRounds - 1 (not a multiple of 3) left in each slice: a split
	// 16-page mapping and one 4-page mapping, which cut it or not.
	auto seen = mappings(file);
	EXPECT_EQ(device_stats().mappings, seen.size());
	EXPECT_EQ(file_stats(file).mappings, seen.size());
	for (int t = 0; t < kThreads; t++) {
		std::uint64_t base = t * 64, hole = base + (kRounds - 1) % 16;
		std::uint64_t in_slice = 0;
		for (const Mapped &m : seen) {
			if (m.start >= va(base) && m.end <= va(base + 64)) {
				in_slice++;
				EXPECT_FALSE(m.start <= va(hole) && va(hole) < m.end);
			}
		}
		EXPECT_GE(in_slice, 2u);
	}
}

// --- configuration and parameters ---------------------------------------------

int create_with(nova_logic_device_config config)
{
	nova_logic_device *device = nullptr;
	int ret = nova_logic_device_create(&config, &device);

	if (ret == 0)
		nova_logic_device_put(device);
	return ret;
}

TEST(VaConfig, RejectsInconsistentVaRanges)
{
	auto config = small_config();
	auto with = [](auto &&change) {
		auto config = small_config();
		change(config);
		return create_with(config);
	};

	EXPECT_EQ(with([](auto &c) { c.va_alignment = 0; }), -EINVAL);
	EXPECT_EQ(with([](auto &c) { c.va_alignment = kPage / 2; }), -EINVAL);
	EXPECT_EQ(with([](auto &c) { c.va_alignment = 3 * kPage; }), -EINVAL);
	EXPECT_EQ(with([](auto &c) { c.va_start = kPage; c.va_alignment = 2 * kPage; }), -EINVAL);
	EXPECT_EQ(with([](auto &c) { c.va_size = kVaSize + kPage / 2; }), -EINVAL);
	EXPECT_EQ(with([](auto &c) { c.va_size = 0; }), -EINVAL);
	EXPECT_EQ(with([](auto &c) { c.va_start = ~0ull - kPage + 1; }), -EINVAL);
	EXPECT_EQ(with([](auto &c) {
			  c.va_start = kPage;
			  c.va_size = ~0ull - kPage + 1;
		  }),
		  -EINVAL);
	EXPECT_EQ(with([](auto &c) { c.vm_bind_max_ops = 0; }), -EINVAL);
	EXPECT_EQ(with([](auto &c) { c.max_mappings = 0; }), -EINVAL);

	// The largest range that still has a representable end.
	EXPECT_EQ(with([](auto &c) {
			  c.va_start = kPage;
			  c.va_size = ~0ull - 2 * kPage + 1;
		  }),
		  0);
	EXPECT_EQ(with([](auto &c) {
			  c.va_start = 0;
			  c.va_alignment = 1 << 21;
			  c.va_size = 1 << 21;
		  }),
		  0);
	EXPECT_EQ(create_with(config), 0);
}

TEST_F(VmBindTest, GetParamAnswersTheVaParameters)
{
	File file(device_);
	struct {
		std::uint64_t param, value;
	} expected[] = {
		{ NOVA_GETPARAM_VA_START, kVaStart },
		{ NOVA_GETPARAM_VA_SIZE, kVaSize },
		{ NOVA_GETPARAM_VA_ALIGNMENT, kPage },
		{ NOVA_GETPARAM_VM_BIND_MAX_OPS, kMaxOps },
		{ NOVA_GETPARAM_MAX_MAPPINGS, kMaxMappings },
		{ NOVA_GETPARAM_UAPI_VERSION, 5 },
	};

	for (auto &e : expected) {
		drm_nova_getparam args{};
		args.param = e.param;
		ASSERT_EQ(nova_logic_ioctl_getparam(file.logic(), &args), 0) << e.param;
		EXPECT_EQ(args.value, e.value) << e.param;
	}
}

TEST_F(VmBindTest, LargerAlignmentIsEnforced)
{
	nova_logic_device_put(device_);
	config_.va_alignment = 4 * kPage;
	ASSERT_EQ(nova_logic_device_create(&config_, &device_), 0);
	File file(device_);
	std::uint32_t a = object(file, 6);

	EXPECT_EQ(vm_bind(file, { map_op(a, va(0), pages(2)) }), -EINVAL);
	EXPECT_EQ(vm_bind(file, { map_op(a, va(2), pages(4)) }), -EINVAL);
	EXPECT_EQ(vm_bind(file, { map_op(a, va(0), pages(4), pages(2)) }), -EINVAL);
	// 8 pages of a 6-page object.
	EXPECT_EQ(vm_bind(file, { map_op(a, va(0), pages(8)) }), -EINVAL);
	EXPECT_EQ(vm_bind(file, { map_op(a, va(4), pages(4)) }), 0);
	EXPECT_EQ(vm_bind(file, { unmap_op(va(4), pages(2)) }), -EINVAL);
	EXPECT_EQ(vm_bind(file, { unmap_op(va(0), pages(8)) }), 0);
}

} // namespace
} // namespace hosted
