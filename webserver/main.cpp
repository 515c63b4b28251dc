// toytls-server: serves static files over plain HTTP and HTTP-over-ToyTLS,
// configured like nginx.
//
//   toytls-server [-c CONFIG] [-p PREFIX] [-t] [-h]
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "webserver/config.hpp"
#include "webserver/server.hpp"

namespace {

constexpr const char* usage =
    "usage: toytls-server [-c CONFIG] [-p PREFIX] [-t] [-h]\n"
    "  -c CONFIG  configuration file (default: the demo config, " TOYTLS_SOURCE_DIR "/demo/toytls-server.conf)\n"
    "  -p PREFIX  folder that relative paths in the config are relative to (default: the config's folder)\n"
    "  -t         check the configuration (including certificates and keys) and exit\n"
    "  -h         this help\n";

int serve(const webserver::Config& config) {
    webserver::Server server(config);
    server.open_listeners();
    server.stop_on_signals();
    // One write per line, so that the lines of several workers sharing a
    // terminal do not interleave.
    for (const auto& listener : server.listeners())
        std::cerr << ("toytls-server: listening on " + listener.address + ":" + std::to_string(listener.port) +
                      (listener.ssl ? " (ToyTLS)\n" : " (plain HTTP)\n"));
    server.run();
    return 0;
}

// worker_processes N > 1: N processes, each with its own listening sockets
// on the same ports (SO_REUSEPORT), so the kernel spreads connections over
// them. The parent only waits for a signal and passes it on.
int serve_with_workers(const webserver::Config& config) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited: the workers watch them with a signalfd
    std::vector<pid_t> workers;
    for (int i = 0; i < config.worker_processes; ++i) {
        pid_t pid = ::fork();
        if (pid < 0) {
            std::perror("toytls-server: fork");
            break;
        }
        if (pid == 0) {
            try {
                std::_Exit(serve(config));
            } catch (const std::exception& error) {
                std::cerr << "toytls-server: [emerg] worker: " << error.what() << "\n";
                std::_Exit(1);
            }
        }
        workers.push_back(pid);
    }
    int signal_number = 0;
    ::sigwait(&signals, &signal_number);
    for (pid_t pid : workers) ::kill(pid, SIGTERM);
    int exit_code = 0;
    for (pid_t pid : workers) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) exit_code = 1;
    }
    return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_path = TOYTLS_SOURCE_DIR "/demo/toytls-server.conf";
    std::string prefix;
    bool test_only = false;
    int option;
    while ((option = ::getopt(argc, argv, "c:p:th")) != -1) {
        switch (option) {
            case 'c': config_path = optarg; break;
            case 'p': prefix = optarg; break;
            case 't': test_only = true; break;
            case 'h': std::cout << usage; return 0;
            default: std::cerr << usage; return 2;
        }
    }
    if (optind != argc) {
        std::cerr << usage;
        return 2;
    }
    try {
        webserver::Config config = webserver::load_config(config_path, prefix);
        if (test_only) {
            webserver::Server check(config);  // loads every certificate chain and key, as serving would
            std::cout << "toytls-server: the configuration file " << config_path << " syntax is ok\n"
                      << "toytls-server: configuration file " << config_path << " test is successful\n";
            return 0;
        }
        return config.worker_processes > 1 ? serve_with_workers(config) : serve(config);
    } catch (const std::exception& error) {
        std::cerr << "toytls-server: [emerg] " << error.what() << "\n";
        return 1;
    }
}
