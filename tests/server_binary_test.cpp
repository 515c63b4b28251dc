// toytls-server as a user runs it: the command line, -t, signals, and
// worker processes. Each test starts the real binary.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "command.hpp"
#include "server_process.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string server_binary = TOYTLS_SERVER_BINARY;
const std::string source_dir = TOYTLS_SOURCE_DIR;

// The real binary, as a user starts it.
class ServerProcess : public toytls::testing::ServerProcess {
public:
    explicit ServerProcess(std::vector<std::string> arguments)
        : toytls::testing::ServerProcess(server_binary, std::move(arguments)) {}
};

struct TemporaryFolder {
    fs::path path = fs::temp_directory_path() / ("toytls-binary-test-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    TemporaryFolder() { fs::create_directories(path / "html"); }
    ~TemporaryFolder() { fs::remove_all(path); }
    std::string write_config(const std::string& text) const {
        std::ofstream(path / "html" / "index.html") << "hello\n";
        std::ofstream(path / "server.conf") << text;
        return (path / "server.conf").string();
    }
};

std::string serving_config(const std::string& main_directives = "") {
    return main_directives + "error_log stderr notice;\nhttp {\n  access_log off;\n  server {\n    listen 127.0.0.1:0;\n"
           "    listen 127.0.0.1:0 ssl;\n    ssl_certificate " + source_dir + "/certs/server.cert;\n"
           "    ssl_certificate_key " + source_dir + "/certs/server.key;\n"
           "    ssl_certificate_chain " + source_dir + "/certs/intermediate.cert;\n    root html;\n  }\n}\n";
}

std::string first_plain_port(const std::string& output) {
    std::smatch match;
    std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+) \\(plain HTTP\\)");
    return std::regex_search(output, match, listening) ? match[1].str() : "";
}

std::string curl_body(const std::string& port) {
    return test_support::run_command("curl -s --max-time 10 http://127.0.0.1:" + port + "/").output;
}

}  // namespace

TEST(ServerBinary, CheckingTheDemoConfigSucceeds) {
    ServerProcess server({"-t"});
    EXPECT_EQ(server.wait(), 0) << server.output();
    EXPECT_NE(server.output().find("demo/toytls-server.conf syntax is ok"), std::string::npos) << server.output();
    EXPECT_NE(server.output().find("test is successful"), std::string::npos);
}

TEST(ServerBinary, ConfigErrorsNameFileLineAndColumn) {
    TemporaryFolder folder;
    std::string config = folder.write_config("http {\n  server {\n    listen 8080;\n    rooot html;\n  }\n}\n");
    ServerProcess server({"-t", "-c", config});
    EXPECT_EQ(server.wait(), 1);
    EXPECT_NE(server.output().find(config + ":4:5: unknown directive \"rooot\""), std::string::npos) << server.output();
}

TEST(ServerBinary, AMissingCertificateIsAStartUpError) {
    TemporaryFolder folder;
    std::string config = folder.write_config(
        "http {\n  server {\n    listen 8443 ssl;\n    ssl_certificate missing.cert;\n"
        "    ssl_certificate_key " + source_dir + "/certs/server.key;\n  }\n}\n");
    ServerProcess server({"-t", "-c", config});
    EXPECT_EQ(server.wait(), 1);
    EXPECT_NE(server.output().find("missing.cert"), std::string::npos) << server.output();
    EXPECT_NE(server.output().find(":4:"), std::string::npos) << server.output();
}

TEST(ServerBinary, UsageAndBadOptions) {
    ServerProcess help({"-h"});
    EXPECT_EQ(help.wait(), 0);
    EXPECT_NE(help.output().find("usage: toytls-server"), std::string::npos);
    ServerProcess bad({"-x"});
    EXPECT_EQ(bad.wait(), 2);
}

TEST(ServerBinary, SigtermStopsGracefullyWithExitZero) {
    TemporaryFolder folder;
    ServerProcess server({"-c", folder.write_config(serving_config())});
    std::string port = first_plain_port(server.read_until("started"));
    ASSERT_FALSE(port.empty()) << server.output();
    EXPECT_EQ(curl_body(port), "hello\n");
    EXPECT_EQ(server.signal_and_wait(SIGTERM), 0) << server.output();
    EXPECT_NE(server.output().find("toytls-server stopped"), std::string::npos) << server.output();
}

TEST(ServerBinary, SigintToo) {
    TemporaryFolder folder;
    ServerProcess server({"-c", folder.write_config(serving_config())});
    server.read_until("started");
    EXPECT_EQ(server.signal_and_wait(SIGINT), 0) << server.output();
}

TEST(ServerBinary, WorkerProcessesEachServeAndStopTogether) {
    TemporaryFolder folder;
    // With several workers each one binds its own port 0, so the test asks
    // every worker it can see; what matters is that all of them serve and
    // that SIGTERM to the parent stops them all with exit 0.
    ServerProcess server({"-c", folder.write_config(serving_config("worker_processes 2;\n"))});
    std::string output = server.read_until("started (epoll)", 2);
    std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+) \\(plain HTTP\\)");
    int workers_serving = 0;
    for (auto it = std::sregex_iterator(output.begin(), output.end(), listening); it != std::sregex_iterator(); ++it)
        workers_serving += curl_body((*it)[1].str()) == "hello\n";
    EXPECT_EQ(workers_serving, 2) << output;
    EXPECT_EQ(server.signal_and_wait(SIGTERM), 0) << server.output();
}
