// A smoke test for bench/'s load generator, so that it keeps working: the
// built toytls-load runs for a second in each mode against a toytls-server
// started in this process on free loopback ports, and must report some
// operations and no errors. It checks that the tool works, never how fast
// anything is (no figure is compared with a threshold).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <sstream>

#include "command.hpp"
#include "webserver/server.hpp"

namespace fs = std::filesystem;

namespace {

const std::string certs_dir = TOYTLS_SOURCE_DIR "/certs";

// A small site and a server on two free loopback ports (plain and ToyTLS),
// its event loop on a thread of its own.
class SmokeServer {
public:
    SmokeServer() {
        fs::create_directories(root_ / "html");
        std::ofstream(root_ / "html" / "index.html") << std::string(612, 'x');
        std::ofstream(root_ / "html" / "bulk.bin", std::ios::binary) << std::string(256 * 1024, 'b');
        std::ofstream(root_ / "server.conf")
            << "error_log stderr crit;\nhttp {\n access_log off;\n server {\n  listen 127.0.0.1:0;\n"
               "  listen 127.0.0.1:0 ssl;\n  server_name localhost 127.0.0.1;\n"
               "  ssl_certificate " << certs_dir << "/server.cert;\n"
               "  ssl_certificate_key " << certs_dir << "/server.key;\n"
               "  ssl_certificate_chain " << certs_dir << "/intermediate.cert;\n"
               "  root html;\n }\n}\n";
        server_.emplace(webserver::load_config((root_ / "server.conf").string()));
        server_->open_listeners();
        for (const auto& listener : server_->listeners()) (listener.ssl ? toytls_port : plain_port) = listener.port;
        loop_ = std::async(std::launch::async, [this] { server_->run(); });
    }
    ~SmokeServer() {
        server_->request_stop();
        loop_.get();
        fs::remove_all(root_);
    }

    std::uint16_t plain_port = 0;
    std::uint16_t toytls_port = 0;

private:
    fs::path root_ = fs::temp_directory_path() / ("toytls-load-smoke-" + std::to_string(::getpid()));
    std::optional<webserver::Server> server_;
    std::future<void> loop_;
};

// Runs toytls-load --kv and returns its key=value line as a map (empty if
// the tool failed or printed no such line; `output` holds everything).
std::map<std::string, std::string> run_load(const std::string& arguments, std::string& output) {
    // --server-pid: this process, which runs the server: exercises the /proc sampling.
    std::string command = std::string(TOYTLS_LOAD_BINARY) + " --kv --server-pid " + std::to_string(::getpid()) + " " +
                          arguments + " 2>&1";
    const test_support::CommandResult load = test_support::run_command(command);
    output += load.output;
    if (load.exit_code != 0) return {};
    std::map<std::string, std::string> values;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("toytls-load: mode=", 0) != 0) continue;
        std::istringstream words(line.substr(std::string("toytls-load: ").size()));
        std::string word;
        while (words >> word)
            if (auto equals = word.find('='); equals != std::string::npos)
                values[word.substr(0, equals)] = word.substr(equals + 1);
    }
    return values;
}

struct Case {
    std::string mode;
    std::string scheme;  // "http" or "toytls"
    std::string path;
};

class LoadSmokeTest : public ::testing::TestWithParam<Case> {};

TEST_P(LoadSmokeTest, ReportsOperationsAndNoErrors) {
    const Case& test_case = GetParam();
    SmokeServer server;
    std::uint16_t port = test_case.scheme == "toytls" ? server.toytls_port : server.plain_port;
    std::string url = test_case.scheme + "://127.0.0.1:" + std::to_string(port) + test_case.path;
    std::string output;
    auto values = run_load("--mode " + test_case.mode + " -c 4 -t 2 -d 1 " + url, output);
    ASSERT_FALSE(values.empty()) << output;

    EXPECT_EQ(values["errors"], "0") << output;
    EXPECT_GT(std::stoull(values["requests"]), 0u) << output;
    EXPECT_GT(std::stoull(values["connections"]), 0u) << output;
    if (test_case.scheme == "toytls") {
        EXPECT_GT(std::stoull(values["handshakes"]), 0u) << output;
    }
    if (test_case.mode == "bulk") {
        EXPECT_GT(std::stoull(values["body_bytes"]), 256u * 1024) << output;
    }
    if (test_case.mode == "idle") {
        EXPECT_EQ(values["idle_connections"], "4") << output;
    }
    EXPECT_TRUE(values.count("server_cpu_seconds")) << output;
}

INSTANTIATE_TEST_SUITE_P(
    EveryModeAndScheme, LoadSmokeTest,
    ::testing::Values(Case{"keep-alive", "http", "/index.html"}, Case{"keep-alive", "toytls", "/index.html"},
                      Case{"new-connection", "http", "/index.html"}, Case{"new-connection", "toytls", "/index.html"},
                      Case{"bulk", "http", "/bulk.bin"}, Case{"bulk", "toytls", "/bulk.bin"},
                      Case{"idle", "http", "/index.html"}, Case{"idle", "toytls", "/index.html"}),
    [](const ::testing::TestParamInfo<Case>& info) {
        std::string name = info.param.mode + "_" + info.param.scheme;
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

TEST(LoadToolCommandLine, RefusesABadMode) {
    std::string output;
    EXPECT_TRUE(run_load("--mode sideways http://127.0.0.1:1/", output).empty());
    EXPECT_NE(output.find("--mode: expected keep-alive, new-connection, bulk or idle"), std::string::npos) << output;
}

}  // namespace
