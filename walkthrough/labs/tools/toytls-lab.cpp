// toytls-lab: runs the automated check of a lab (walkthrough/labs/NN-name/
// check.conv, the language is in conversation.hpp) with real processes.
//
//   toytls-lab check [--keep] FILE...
//
// Exit status: 0 every check passed, 1 a check failed, 2 usage or a
// malformed check file, 77 skipped (the check needs what this machine lacks,
// e.g. AES-NI; 77 is the "skipped" status of automake and meson).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "conversation.hpp"
#include "lab_runner.hpp"

namespace {

namespace fs = std::filesystem;
using namespace toytls_labs;

constexpr int exit_passed = 0, exit_failed = 1, exit_usage = 2, exit_skipped = 77;

constexpr std::string_view usage_text = R"(Usage: toytls-lab check [--keep] FILE...

Runs each lab check FILE (walkthrough/labs/NN-name/check.conv): starts
toytls-server on free ports, toytls-mitm in front of it and toytls-client
against it, as the file says, and prints every step with a tick or a cross.
The programs are taken from the folder of toytls-lab itself.

  --keep   keep the scratch folder (configs and every output) after a pass;
           after a failure it is always kept

Exit status: 0 passed, 1 failed, 2 usage error, 77 skipped.
)";

// The folder this executable is in: the other programs are built next to it.
fs::path own_folder() {
    std::error_code error;
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (error) throw std::runtime_error("cannot read /proc/self/exe: " + error.message());
    return self.parent_path();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    if (!arguments.empty() && (arguments[0] == "-h" || arguments[0] == "--help")) {
        std::cout << usage_text;
        return exit_passed;
    }
    if (arguments.empty() || arguments[0] != "check") {
        std::cerr << usage_text;
        return exit_usage;
    }
    CheckOptions options;
    std::vector<fs::path> files;
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        if (arguments[i] == "--keep") options.keep_scratch = true;
        else files.emplace_back(arguments[i]);
    }
    if (files.empty()) {
        std::cerr << "toytls-lab: no check file given\n" << usage_text;
        return exit_usage;
    }
    try {
        LabPaths paths{own_folder(), TOYTLS_SOURCE_DIR};
        for (const char* program : {"toytls-server", "toytls-client", "toytls-mitm", "toytls-cert"}) {
            if (::access((paths.bin_dir / program).c_str(), X_OK) != 0) {
                std::cerr << "toytls-lab: " << (paths.bin_dir / program).string()
                          << " is missing: build it first (cmake --build build --target " << program << ")\n";
                return exit_usage;
            }
        }
        int passed = 0, failed = 0, skipped = 0;
        for (const fs::path& file : files) {
            std::ifstream stream(file);
            if (!stream) {
                std::cerr << "toytls-lab: cannot read " << file.string() << "\n";
                return exit_usage;
            }
            std::ostringstream text;
            text << stream.rdbuf();
            std::string error;
            std::optional<Conversation> conversation = parse_conversation(text.str(), error);
            if (!conversation) {
                std::cerr << "toytls-lab: " << file.string() << ": " << error << "\n";
                return exit_usage;
            }
            switch (run_check(file, *conversation, paths, options, std::cout)) {
                case CheckResult::passed: ++passed; break;
                case CheckResult::failed: ++failed; break;
                case CheckResult::skipped: ++skipped; break;
            }
            std::cout << std::flush;
        }
        if (files.size() > 1)
            std::cout << "\n" << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
        if (failed > 0) return exit_failed;
        return skipped == static_cast<int>(files.size()) ? exit_skipped : exit_passed;
    } catch (const std::exception& error) {
        std::cerr << "toytls-lab: " << error.what() << "\n";
        return exit_failed;
    }
}
