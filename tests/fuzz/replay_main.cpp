// SPDX-License-Identifier: GPL-2.0
//
// A main for a fuzz target built without libFuzzer (FUZZ_MAIN=replay, e.g.
// for a coverage build): runs LLVMFuzzerTestOneInput() once on every file
// named, and on every file of every directory named, like libFuzzer's
// -runs=0 over a corpus. A finding aborts, as under libFuzzer.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

static void run_file(const std::filesystem::path &path)
{
	std::ifstream in(path, std::ios::binary);
	std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
					std::istreambuf_iterator<char>());

	LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

int main(int argc, char **argv)
{
	long inputs = 0;

	for (int i = 1; i < argc; i++) {
		std::filesystem::path path(argv[i]);
		if (std::filesystem::is_directory(path)) {
			for (const auto &entry : std::filesystem::directory_iterator(path))
				if (entry.is_regular_file()) {
					run_file(entry.path());
					inputs++;
				}
		} else {
			run_file(path);
			inputs++;
		}
	}
	std::printf("replayed %ld inputs\n", inputs);
	return 0;
}
