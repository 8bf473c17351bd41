// SPDX-License-Identifier: GPL-2.0
//
// A fake MMU for the command engine's hosted tests: page-granular mappings
// over memory the test allocates page by page (each 4 KiB page its own
// allocation, so that no two virtual pages are contiguous in memory and
// every access that crosses a page must be split; ASan's redzones between
// them catch an access past a translation's length). Pages can be READONLY
// and NOEXEC. It enforces the engine's rules on the runner's side:
// translate() only inside an access window, windows never nested, check()
// never inside one; the test's check() hook decides the watchdog.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "failure.hpp"
#include "nova_engine.h"
#include "uapi/nova_drm.h"

namespace engine_test {

constexpr std::uint64_t kPage = 4096;
constexpr unsigned kReadOnly = 1;
constexpr unsigned kNoExec = 2;

class FakeMmu {
public:
	FakeMmu()
	{
		ops_.begin_access = [](void *ctx) { static_cast<FakeMmu *>(ctx)->begin(); };
		ops_.end_access = [](void *ctx) { static_cast<FakeMmu *>(ctx)->end(); };
		ops_.translate = [](void *ctx, __u64 va, __u32 access, void **ptr, __u64 *len) {
			return static_cast<FakeMmu *>(ctx)->translate(va, access, ptr, len);
		};
		ops_.timestamp = [](void *ctx) { return static_cast<FakeMmu *>(ctx)->timestamp(); };
		ops_.check = [](void *ctx, int waiting) {
			return static_cast<FakeMmu *>(ctx)->check(waiting);
		};
	}

	// A deep copy: same mappings, same contents, separate memory.
	std::unique_ptr<FakeMmu> clone() const
	{
		auto copy = std::make_unique<FakeMmu>();
		for (const auto &[vpn, page] : pages_) {
			auto &p = copy->pages_[vpn];
			p.flags = page.flags;
			p.mem = std::make_unique<std::uint8_t[]>(kPage);
			std::memcpy(p.mem.get(), page.mem.get(), kPage);
		}
		copy->chunk_limit = chunk_limit;
		copy->check_budget = check_budget;
		copy->check_result = check_result;
		return copy;
	}

	// Maps @count pages at @va (page aligned) with @flags, zero filled.
	void map(std::uint64_t va, std::uint64_t count, unsigned flags = 0)
	{
		for (std::uint64_t i = 0; i < count; i++) {
			auto &p = pages_[va / kPage + i];
			p.flags = flags;
			p.mem = std::make_unique<std::uint8_t[]>(kPage);
			std::memset(p.mem.get(), 0, kPage);
		}
	}

	void unmap(std::uint64_t va, std::uint64_t count)
	{
		for (std::uint64_t i = 0; i < count; i++)
			pages_.erase(va / kPage + i);
	}

	void set_flags(std::uint64_t va, unsigned flags) { pages_.at(va / kPage).flags = flags; }

	// The test's own view of memory, ignoring permissions.
	std::uint8_t *host(std::uint64_t va)
	{
		auto it = pages_.find(va / kPage);
		return it == pages_.end() ? nullptr : it->second.mem.get() + va % kPage;
	}

	void poke(std::uint64_t va, const void *data, std::size_t size)
	{
		auto *in = static_cast<const std::uint8_t *>(data);
		for (std::size_t i = 0; i < size; i++) {
			std::uint8_t *p = host(va + i);
			if (!p) {
				HOSTED_FAILURE() << "poke at unmapped " << std::hex << va + i;
				return;
			}
			*p = in[i];
		}
	}

	void peek(std::uint64_t va, void *data, std::size_t size)
	{
		auto *out = static_cast<std::uint8_t *>(data);
		for (std::size_t i = 0; i < size; i++) {
			std::uint8_t *p = host(va + i);
			if (!p) {
				HOSTED_FAILURE() << "peek at unmapped " << std::hex << va + i;
				return;
			}
			out[i] = *p;
		}
	}

	void poke64(std::uint64_t va, std::uint64_t v) { poke(va, &v, 8); }
	void poke32(std::uint64_t va, std::uint32_t v) { poke(va, &v, 4); }
	std::uint64_t peek64(std::uint64_t va)
	{
		std::uint64_t v = 0;
		peek(va, &v, 8);
		return v;
	}
	std::uint32_t peek32(std::uint64_t va)
	{
		std::uint32_t v = 0;
		peek(va, &v, 4);
		return v;
	}

	// Writes a command stream at @va; returns its size in bytes.
	std::uint64_t emit(std::uint64_t va, const std::vector<std::uint64_t> &qwords)
	{
		poke(va, qwords.data(), qwords.size() * 8);
		return qwords.size() * 8;
	}

	// The permission check and lookup of one byte, without the window rules:
	// what translate() and the reference interpreter share.
	std::uint32_t lookup(std::uint64_t va, std::uint32_t access, std::uint8_t **ptr) const
	{
		auto it = pages_.find(va / kPage);
		if (it == pages_.end())
			return NOVA_FAULT_UNMAPPED;
		if (access == NOVA_ACCESS_WRITE && (it->second.flags & kReadOnly))
			return NOVA_FAULT_READONLY;
		if (access == NOVA_ACCESS_EXEC && (it->second.flags & kNoExec))
			return NOVA_FAULT_NOEXEC;
		*ptr = it->second.mem.get() + va % kPage;
		return NOVA_FAULT_NONE;
	}

	std::uint32_t check(int waiting)
	{
		if (in_window_)
			HOSTED_FAILURE() << "check() inside an access window";
		checks++;
		if (waiting)
			wait_checks++;
		if (hook)
			return hook(waiting);
		if (check_budget && checks > check_budget)
			return check_result;
		return NOVA_FAULT_NONE;
	}

	__u64 timestamp() { return 1000000 + 1000 * ++timestamps; }

	bool same_memory(const FakeMmu &other, std::uint64_t *where) const
	{
		if (pages_.size() != other.pages_.size())
			return false;
		for (const auto &[vpn, page] : pages_) {
			auto it = other.pages_.find(vpn);
			if (it == other.pages_.end())
				return false;
			if (!std::memcmp(page.mem.get(), it->second.mem.get(), kPage))
				continue;
			for (std::uint64_t i = 0; i < kPage; i++) {
				if (page.mem[i] != it->second.mem[i]) {
					*where = vpn * kPage + i;
					return false;
				}
			}
		}
		return true;
	}

	std::uint32_t execute(const std::vector<nova_engine_cmdbuf> &bufs, nova_engine_fault *fault,
			      std::uint32_t max_call_depth = 4, std::uint64_t max_cmdbuf_size = 1 << 20)
	{
		nova_engine_limits limits = { max_cmdbuf_size, max_call_depth };
		std::uint32_t ret = nova_engine_execute(&limits, bufs.data(),
							static_cast<std::uint32_t>(bufs.size()),
							&ops_, this, fault);
		if (in_window_)
			HOSTED_FAILURE() << "job ended inside an access window";
		if (ret != fault->type)
			HOSTED_FAILURE() << "returned " << ret << ", fault type " << fault->type;
		return ret;
	}

	const nova_engine_ops *ops() const { return &ops_; }

	// Knobs and counters.
	std::uint64_t chunk_limit = 0;		// translate() gives at most this much (0: to page end)
	std::uint64_t check_budget = 0;		// check() fails after this many calls (0: never)
	std::uint32_t check_result = NOVA_FAULT_TIMEOUT;
	std::function<std::uint32_t(int)> hook;	// replaces the budget when set
	std::uint64_t checks = 0, wait_checks = 0, windows = 0, translations = 0, timestamps = 0;

private:
	struct Page {
		unsigned flags = 0;
		std::unique_ptr<std::uint8_t[]> mem;
	};

	void begin()
	{
		if (in_window_)
			HOSTED_FAILURE() << "nested access window";
		in_window_ = true;
		windows++;
	}

	void end()
	{
		if (!in_window_)
			HOSTED_FAILURE() << "end_access() without begin_access()";
		in_window_ = false;
	}

	std::uint32_t translate(std::uint64_t va, std::uint32_t access, void **ptr, __u64 *len)
	{
		std::uint8_t *p;

		if (!in_window_)
			HOSTED_FAILURE() << "translate() outside an access window";
		if (access != NOVA_ACCESS_READ && access != NOVA_ACCESS_WRITE &&
		    access != NOVA_ACCESS_EXEC)
			HOSTED_FAILURE() << "translate() with access " << access;
		translations++;
		std::uint32_t type = lookup(va, access, &p);
		if (type != NOVA_FAULT_NONE)
			return type;
		*ptr = p;
		*len = kPage - va % kPage;
		if (chunk_limit && *len > chunk_limit)
			*len = chunk_limit;
		return NOVA_FAULT_NONE;
	}

	std::map<std::uint64_t, Page> pages_;
	nova_engine_ops ops_ = {};
	bool in_window_ = false;
};

// Command builders.
inline std::uint64_t hdr(std::uint32_t op, std::uint32_t flags = 0, std::uint32_t imm = 0)
{
	return NOVA_CMD_HEADER(op, flags, imm);
}

} // namespace engine_test
