// A program the lab runner started: fork/exec with its output going to
// files, and an owner that stops it. Whatever happens to the check (a failed
// step, an exception), the destructor ends and reaps the process, so that
// no server or attacker is left holding a port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace toytls_labs {

class ChildProcess {
public:
    // Starts `program` with `arguments` (without argv[0]), standard input
    // from /dev/null, standard output and error to the two files. Throws
    // std::runtime_error if it cannot fork; a program that cannot be
    // executed exits with 127 after saying why in its stderr file.
    ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& arguments,
                 const std::filesystem::path& stdout_path, const std::filesystem::path& stderr_path);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // The exit status once it has exited (128 + N when killed by signal N);
    // nullopt if it is still running after `timeout`.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
    bool running();
    // SIGTERM, a grace period, then SIGKILL; always reaps.
    void stop();

private:
    pid_t pid_ = -1;
    std::optional<int> exit_status_;
};

}  // namespace toytls_labs
