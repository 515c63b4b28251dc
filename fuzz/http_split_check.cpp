// The differential check of issue 6 over a whole corpus: for every input
// (files, or every file under the directories given), the HTTP parser's
// verdict must be the same under EVERY split of the input, not just the one
// the fuzzer chose (http_split_property.hpp says what "the same" means).
// Inputs are read as fuzz_http_request reads them: the first byte is its
// split selector, the rest is the stream.
//
//     http_split_check DIR_OR_FILE...
//
// Prints the number of inputs and splits checked; aborts with the failing
// check on the first disagreement, after printing the input's path.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "http_split_property.hpp"

namespace {

std::vector<std::filesystem::path> inputs_under(const std::vector<std::string>& arguments) {
    std::vector<std::filesystem::path> inputs;
    for (const std::string& argument : arguments) {
        if (std::filesystem::is_directory(argument)) {
            for (const auto& entry : std::filesystem::recursive_directory_iterator(argument))
                if (entry.is_regular_file()) inputs.push_back(entry.path());
        } else {
            inputs.emplace_back(argument);
        }
    }
    return inputs;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: http_split_check DIR_OR_FILE...\n");
        return 2;
    }
    std::size_t splits = 0;
    const std::vector<std::filesystem::path> inputs = inputs_under({argv + 1, argv + argc});
    for (const std::filesystem::path& path : inputs) {
        std::ifstream file(path, std::ios::binary);
        const std::string data{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
        if (!file.good() && !file.eof()) {
            std::fprintf(stderr, "http_split_check: cannot read %s\n", path.c_str());
            return 2;
        }
        if (data.empty()) continue;
        const std::string_view stream = std::string_view(data).substr(1);
        // Printed first, so that the path is on screen if a check aborts.
        std::fprintf(stderr, "\rhttp_split_check: %s          ", path.filename().c_str());
        const toytls::fuzz::HeadVerdict whole = toytls::fuzz::parse_head(stream);
        for (std::size_t split = 0; split <= stream.size(); ++split, ++splits)
            toytls::fuzz::check_http_split(stream, whole, split);
    }
    std::fprintf(stderr, "\n");
    std::printf("http_split_check: %zu inputs, %zu splits: the verdict is the same under every split\n",
                inputs.size(), splits);
    return 0;
}
