// What tests need to drive the project's programs the way a user does from
// a shell: run a command and collect what it prints, read a file, and say
// where a generated document first differs from the committed one.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace test_support {

struct CommandResult {
    int exit_code = -1;  // -1: it could not be started, or did not exit normally
    std::string output;  // standard output (and standard error, if the command redirects it)
};

// Runs `command` with /bin/sh and waits for it to end.
inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    while (std::size_t count = std::fread(buffer.data(), 1, buffer.size(), pipe))
        result.output.append(buffer.data(), count);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream contents;
    contents << file.rdbuf();
    return contents.str();
}

// "first difference at line 120: committed ... / generated ..." for the first
// line that differs: a readable failure instead of two large strings.
inline std::string first_difference(const std::string& committed, const std::string& generated) {
    auto shortened = [](const std::string& line) { return line.size() > 300 ? line.substr(0, 300) + "…" : line; };
    std::istringstream committed_lines(committed);
    std::istringstream generated_lines(generated);
    std::string committed_line;
    std::string generated_line;
    for (int number = 1;; ++number) {
        const bool more_committed = static_cast<bool>(std::getline(committed_lines, committed_line));
        const bool more_generated = static_cast<bool>(std::getline(generated_lines, generated_line));
        if (!more_committed && !more_generated) return "the files differ only in their final line break";
        if (!more_committed || !more_generated || committed_line != generated_line) {
            return "first difference at line " + std::to_string(number) + ":\n  committed: " +
                   (more_committed ? shortened(committed_line) : "(end of file)") +
                   "\n  generated: " + (more_generated ? shortened(generated_line) : "(end of output)");
        }
    }
}

}  // namespace test_support
