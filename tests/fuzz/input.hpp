// SPDX-License-Identifier: GPL-2.0
//
// A fuzz input read front to back, field by field: every value takes the
// next bytes (little endian) and reads as zero once the input is used up,
// so any byte string decodes, and a mutation of one byte changes one field
// (which libFuzzer's dictionaries and comparison hints can then aim at).
#pragma once

#include <cstddef>
#include <cstdint>

namespace fuzz {

class Input {
public:
	Input(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}

	bool empty() const { return at_ >= size_; }

	std::uint64_t bytes(int count)
	{
		std::uint64_t value = 0;

		for (int i = 0; i < count; i++, at_++)
			if (at_ < size_)
				value |= std::uint64_t(data_[at_]) << (8 * i);
		return value;
	}

	std::uint8_t u8() { return std::uint8_t(bytes(1)); }
	std::uint16_t u16() { return std::uint16_t(bytes(2)); }
	std::uint32_t u32() { return std::uint32_t(bytes(4)); }
	std::uint64_t u64() { return bytes(8); }
	// A value below @n (n > 0), from one byte.
	std::uint32_t below(std::uint32_t n) { return u8() % n; }

private:
	const std::uint8_t *data_;
	std::size_t size_;
	std::size_t at_ = 0;
};

} // namespace fuzz
