// A toytls-server child process for tests that run the real binary: it is
// started with fork/exec, its stderr (and stdout) is collected by a reader
// thread, and it is killed if still running when the object goes away.
//
// The reader thread matters for tests that make the server log a lot (an
// attack at log level info, a debug log): a pipe holds only 64 KiB, and a
// server blocked writing its log would look exactly like a server that
// hangs under attack.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "webserver/unique_fd.hpp"

namespace toytls::testing {

struct ServerProcessOptions {
    // The child lowers its RLIMIT_NOFILE to this before exec (like `ulimit
    // -n` in the shell that starts a server).
    std::optional<rlim_t> open_files_limit;
    // "NAME=value" entries that replace or extend the inherited environment.
    std::vector<std::string> environment;
};

class ServerProcess {
public:
    ServerProcess(const std::string& binary, std::vector<std::string> arguments, ServerProcessOptions options = {}) {
        // Everything the child needs is prepared before fork: between fork
        // and exec a multi-threaded parent's child may only make
        // async-signal-safe calls (no malloc).
        std::vector<char*> argv{const_cast<char*>(binary.c_str())};
        for (std::string& argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (char** entry = environ; *entry; ++entry) {
            std::string_view inherited(*entry);
            bool replaced = false;
            for (const std::string& extra : options.environment)
                replaced = replaced || inherited.substr(0, inherited.find('=') + 1) == extra.substr(0, extra.find('=') + 1);
            if (!replaced) envp.push_back(*entry);
        }
        for (std::string& extra : options.environment) envp.push_back(extra.data());
        envp.push_back(nullptr);
        rlimit lowered{};
        if (options.open_files_limit) {
            ::getrlimit(RLIMIT_NOFILE, &lowered);
            lowered.rlim_cur = *options.open_files_limit;
        }
        int pipe_fds[2];
        if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
        webserver::UniqueFd read_end(pipe_fds[0]);
        webserver::UniqueFd write_end(pipe_fds[1]);
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork");
        if (pid_ == 0) {
            ::dup2(write_end.get(), STDERR_FILENO);
            ::dup2(write_end.get(), STDOUT_FILENO);
            if (options.open_files_limit && ::setrlimit(RLIMIT_NOFILE, &lowered) != 0) ::_exit(126);
            ::execve(binary.c_str(), argv.data(), envp.data());
            ::_exit(127);
        }
        reader_ = std::jthread([this, fd = std::move(read_end)](std::stop_token stop) { collect_output(fd, stop); });
    }
    ~ServerProcess() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        // Worker processes of a killed parent may keep the pipe open: the
        // reader stops on request, not only at end of file.
        reader_.request_stop();
    }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Waits until `pattern` has appeared `times` times in the output (or
    // the output ended, or `timeout` passed), and returns all output so far.
    std::string read_until(const std::string& pattern, int times = 1,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::unique_lock lock(mutex_);
        grew_.wait_for(lock, timeout, [&] { return output_ended_ || count_locked(pattern) >= times; });
        return output_;
    }
    int signal_and_wait(int signal_number) {
        ::kill(pid_, signal_number);
        return wait();
    }
    // Waits for the process to end; returns its exit code (128 + signal if
    // a signal ended it), once all its output has been collected.
    int wait() {
        if (!exited_) {
            ::waitpid(pid_, &exit_status_, 0);
            exited_ = true;
        }
        std::unique_lock lock(mutex_);
        grew_.wait_for(lock, std::chrono::seconds(10), [&] { return output_ended_; });
        return WIFEXITED(exit_status_) ? WEXITSTATUS(exit_status_) : 128 + WTERMSIG(exit_status_);
    }
    std::optional<int> signal_and_wait_for(int signal_number, std::chrono::milliseconds timeout) {
        ::kill(pid_, signal_number);
        return wait_for(timeout);
    }
    // Like wait(), but gives up after `timeout` (the process keeps running).
    std::optional<int> wait_for(std::chrono::milliseconds timeout) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (running() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (running()) return std::nullopt;
        return wait();
    }
    // True while the process has not ended (waitpid with WNOHANG).
    bool running() {
        if (exited_) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            exit_status_ = status;
        }
        return !exited_;
    }
    // Its resident set size (VmRSS in /proc/PID/status), in KiB; nullopt
    // once it has ended.
    std::optional<std::size_t> resident_kib() const {
        std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
        for (std::string line; std::getline(status, line);)
            if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
        return std::nullopt;
    }
    // The CPU time it has used so far (user + system), from /proc/PID/stat.
    std::chrono::milliseconds cpu_time() const {
        std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        // Fields 14 and 15 (utime, stime) count after the ")" that ends the
        // command name, which may itself hold spaces.
        std::size_t at = text.rfind(')');
        if (at == std::string::npos) return {};
        std::vector<std::string> fields;
        std::size_t start = at + 2;
        while (start < text.size()) {
            std::size_t end = text.find(' ', start);
            if (end == std::string::npos) end = text.size();
            fields.push_back(text.substr(start, end - start));
            start = end + 1;
        }
        if (fields.size() < 13) return {};
        long ticks = std::stol(fields[11]) + std::stol(fields[12]);  // fields 14 and 15 of the whole line
        return std::chrono::milliseconds(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
    }
    std::string output() const {
        std::lock_guard lock(mutex_);
        return output_;
    }
    pid_t pid() const { return pid_; }

private:
    void collect_output(const webserver::UniqueFd& fd, const std::stop_token& stop) {
        char buffer[4096];
        while (!stop.stop_requested()) {
            pollfd wait_for{fd.get(), POLLIN, 0};
            if (::poll(&wait_for, 1, 50) <= 0) continue;
            ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            std::lock_guard lock(mutex_);
            if (got <= 0) break;
            output_.append(buffer, static_cast<std::size_t>(got));
            grew_.notify_all();
        }
        std::lock_guard lock(mutex_);
        output_ended_ = true;
        grew_.notify_all();
    }
    int count_locked(const std::string& pattern) const {
        int count = 0;
        for (auto at = output_.find(pattern); at != std::string::npos; at = output_.find(pattern, at + 1)) ++count;
        return count;
    }

    pid_t pid_ = -1;
    bool exited_ = false;
    int exit_status_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable grew_;
    std::string output_;
    bool output_ended_ = false;
    std::jthread reader_;  // last: it stops (and joins) before the members it uses go away
};

}  // namespace toytls::testing
