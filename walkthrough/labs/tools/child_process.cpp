#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace toytls_labs {

namespace {

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void exec_child(const char* program, char* const* argv, const char* stdout_path, const char* stderr_path,
                             pid_t parent) {
    // If the runner dies (killed by a test timeout, say), its children go too.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    int input = ::open("/dev/null", O_RDONLY);
    int output = ::open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int errors = ::open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (input < 0 || output < 0 || errors < 0) ::_exit(127);
    ::dup2(input, STDIN_FILENO);
    ::dup2(output, STDOUT_FILENO);
    ::dup2(errors, STDERR_FILENO);
    ::execv(program, argv);
    const char* why = std::strerror(errno);
    const char prefix[] = "toytls-lab: cannot execute the program: ";
    [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, prefix, sizeof prefix - 1);
    ignored = ::write(STDERR_FILENO, why, std::strlen(why));
    ::_exit(127);
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

ChildProcess::ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& arguments,
                           const std::filesystem::path& stdout_path, const std::filesystem::path& stderr_path) {
    // Everything exec needs is prepared before fork.
    std::string program_text = program.string();
    std::vector<std::string> strings{program_text};
    strings.insert(strings.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& text : strings) argv.push_back(text.data());
    argv.push_back(nullptr);
    std::string out = stdout_path.string(), err = stderr_path.string();
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid_ == 0) exec_child(program_text.c_str(), argv.data(), out.c_str(), err.c_str(), parent);
}

ChildProcess::~ChildProcess() { stop(); }

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
    if (exit_status_) return exit_status_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            exit_status_ = decode_status(status);
            return exit_status_;
        }
        if (done < 0 && errno != EINTR) {
            exit_status_ = -1;
            return exit_status_;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

bool ChildProcess::running() { return !wait_for_exit(std::chrono::milliseconds(0)); }

void ChildProcess::stop() {
    if (pid_ <= 0 || exit_status_) return;
    ::kill(pid_, SIGTERM);
    if (wait_for_exit(std::chrono::seconds(2))) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    exit_status_ = decode_status(status);
}

}  // namespace toytls_labs
