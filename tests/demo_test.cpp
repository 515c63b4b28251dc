// toytls-demo is the README's first command: it must keep working, and keep
// telling the story it promises. These tests run the built program as a
// user would (from another directory, on whatever ports the kernel picks)
// and check its exit status and the landmarks of its narration.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <iterator>
#include <string>

#include "command.hpp"

namespace {

using RunResult = test_support::CommandResult;  // output: stdout and stderr together, in order

// Runs toytls-demo from / (so nothing depends on the working directory).
RunResult run_demo(const std::string& arguments) {
    return test_support::run_command("bash -c \"cd / && '" + std::string(TOYTLS_DEMO_PROGRAM) + "' " + arguments +
                                     " 2>&1\"");
}

std::ptrdiff_t count_matches(const std::string& text, const std::string& pattern) {
    const std::regex regex(pattern);
    return std::distance(std::sregex_iterator(text.begin(), text.end(), regex), std::sregex_iterator());
}

// The verdict line of each port: "plain HTTP        127.0.0.1:41234  HTTP/1.1 200 OK, body = ...".
const std::regex plain_verdict(R"(plain HTTP +127\.0\.0\.1:(\d+) +HTTP/1\.1 200 OK, body = demo/html/index\.html)");
const std::regex toytls_verdict(R"(HTTP over ToyTLS +127\.0\.0\.1:(\d+) +HTTP/1\.1 200 OK, body = demo/html/index\.html)");

}  // namespace

TEST(DemoTest, BothPortsAnswer200AndTheSeamIsNarrated) {
    RunResult run = run_demo("");
    ASSERT_EQ(run.exit_code, 0) << run.output;

    std::smatch plain;
    std::smatch toytls;
    ASSERT_TRUE(std::regex_search(run.output, plain, plain_verdict)) << run.output;
    ASSERT_TRUE(std::regex_search(run.output, toytls, toytls_verdict)) << run.output;
    EXPECT_NE(plain[1].str(), toytls[1].str()) << "two listeners, two ports";
    EXPECT_NE(run.output.find("toytls-demo: OK"), std::string::npos);

    // The seam, both ways, for both kinds of connection.
    for (const char* landmark : {"seam   | plain 127.0.0.1:", "socket bytes ARE the HTTP bytes",
                                 "seam   | toytls ", "0 HTTP bytes up to the parser",
                                 "HTTP bytes down from the server", "sealed into one record",
                                 "webserver/transport.cpp"})
        EXPECT_NE(run.output.find(landmark), std::string::npos) << "missing: " << landmark << "\n" << run.output;
    // The handshake, from the client's side, and the end of the connection.
    for (const char* landmark : {"ClientHello sent", "ServerHello received", "certificate chain verified",
                                 "CertificateVerify checked", "server Finished checked", "client Finished sent",
                                 "close_notify"})
        EXPECT_NE(run.output.find(landmark), std::string::npos) << "missing: " << landmark << "\n" << run.output;
    // Both responses are printed, status line and page.
    EXPECT_GE(count_matches(run.output, "    HTTP/1\\.1 200 OK\n"), 2) << run.output;
    EXPECT_GE(count_matches(run.output, "    <h1>Hello from toytls-server</h1>"), 2) << run.output;
}

TEST(DemoTest, QuietPrintsOnlyTheVerdict) {
    RunResult run = run_demo("--quiet");
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_TRUE(std::regex_search(run.output, plain_verdict)) << run.output;
    EXPECT_TRUE(std::regex_search(run.output, toytls_verdict)) << run.output;
    EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 3) << run.output;
}

TEST(DemoTest, HelpAndBadOptions) {
    RunResult help = run_demo("--help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.output.find("usage: toytls-demo"), std::string::npos) << help.output;

    RunResult bad = run_demo("--loud");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.output.find("unknown option '--loud'"), std::string::npos) << bad.output;
}

TEST(DemoTest, StepPausesAfterEachProtocolStep) {
    // One Enter per step, fed through a pipe as a teacher would press them.
    RunResult run = run_demo("--step < <(yes '')");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    // ClientHello sent, ServerHello, keys, Certificate, chain verified,
    // CertificateVerify received and checked, Finished received and
    // checked, client Finished sent, handshake complete, close_notify...
    EXPECT_GE(count_matches(run.output, R"(\[press Enter for the next step\])"), 10) << run.output;
    RunResult both = run_demo("--quiet --step");
    EXPECT_EQ(both.exit_code, 2);
}
