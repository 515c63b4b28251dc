// walkthrough/gdb/handshake.gdb drives toytls-trace-debug through the
// handshake in gdb and prints one banner and a few values per step. This
// test runs it the way walkthrough/README.md says to, and checks that
//   - every step banner appears exactly once, in protocol order, and the
//     program exits with status 0;
//   - the values gdb prints at the breakpoints are the ones in the committed
//     walkthrough/trace.md (read from that file, not written down here).
// If a function the script breaks on is renamed, or a variable it prints
// disappears, this test fails and names the step.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "toytls/cipher_suite.hpp"

namespace {

const std::filesystem::path source_dir = TOYTLS_SOURCE_DIR;

using test_support::read_file;

bool gdb_installed() { return std::system("command -v gdb > /dev/null 2>&1") == 0; }

// The script's output, standard error included (so a failure shows gdb's
// complaint), run from the repository root as the README says.
std::string run_walkthrough_script() {
    // LeakSanitizer cannot work under ptrace; the script sets this for the
    // program too, but gdb's child should not depend on that alone.
    setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
    unsetenv("DEBUGINFOD_URLS");  // no network look-ups for debug symbols
    const std::string command = "cd '" + source_dir.string() +
                                "' && gdb -batch -nx -x walkthrough/gdb/handshake.gdb --args '" +
                                std::string(TOYTLS_TRACE_DEBUG_TOOL) + "' --certs '" +
                                (source_dir / "certs").string() + "' 2>&1";
    const test_support::CommandResult gdb = test_support::run_command(command);
    EXPECT_EQ(gdb.exit_code, 0) << "gdb failed: " << command << "\n" << gdb.output;
    return gdb.output;
}

// The lines "=== ... ===", in order.
std::vector<std::string> banners(const std::string& output) {
    static const std::regex banner(R"(^=== (.*) ===$)");
    std::vector<std::string> found;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_match(line, match, banner)) found.push_back(match[1]);
    }
    return found;
}

// The "  name = hex" lines printed under each banner: values[step][name].
using StepValues = std::map<std::string, std::map<std::string, std::string>>;

StepValues values_by_step(const std::string& output) {
    static const std::regex banner(R"(^=== (.*) ===$)");
    static const std::regex value(R"(^  (.*\S)\s+= (\S+)( bytes)?$)");
    StepValues values;
    std::string step;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (std::regex_match(line, match, banner))
            step = match[1];
        else if (!step.empty() && std::regex_match(line, match, value))
            values[step][match[1]] = match[2];
    }
    return values;
}

// --- Reading the expected values out of trace.md ---------------------------

// The first capture group of `pattern` in the trace; fails the test if absent.
std::string find_in_trace(const std::string& trace, const std::string& pattern) {
    std::smatch match;
    if (!std::regex_search(trace, match, std::regex(pattern))) {
        ADD_FAILURE() << "walkthrough/trace.md has nothing that matches " << pattern;
        return "(missing)";
    }
    return match[1];
}

// The hex of row `field` in the table under the heading that starts with
// `heading` ("#### M1 ClientHello"): "| 6 | random | 32 | `3ae0...` | ...".
std::string message_field(const std::string& trace, const std::string& heading, const std::string& field) {
    const std::size_t start = trace.find("\n" + heading);
    if (start == std::string::npos) {
        ADD_FAILURE() << "walkthrough/trace.md has no heading " << heading;
        return "(missing)";
    }
    const std::size_t end = trace.find("\n#### ", start + 1);
    const std::string section = trace.substr(start, end == std::string::npos ? std::string::npos : end - start);
    return find_in_trace(section, "\\| " + field + " \\| \\d+ \\| `([0-9a-f]+)`");
}

// The value of a key log line "LABEL <client random> <value>".
std::string key_log_value(const std::string& trace, const std::string& label) {
    return find_in_trace(trace, "\n" + label + " [0-9a-f]{64} ([0-9a-f]+)\n");
}

std::string transcript_hash(const std::string& trace, const std::string& through) {
    return find_in_trace(trace, "transcript hash \\(ClientHello\\.\\." + through + "\\) = `([0-9a-f]{64})`");
}

const std::vector<std::string> expected_banners = {
    "STEP 1: client sends ClientHello",
    "STEP 2: server receives ClientHello",
    "STEP 3: server derives the traffic keys",
    "STEP 4: client receives ServerHello",
    "STEP 5: client derives the traffic keys",
    "STEP 6: client receives Certificate",
    "STEP 7: client verifies the certificate chain",
    "STEP 8: client receives CertificateVerify",
    "STEP 9: client receives the server's Finished",
    "STEP 10: server receives the client's Finished",
    "END: the program exited with status 0",
};

class GdbWalkthroughTest : public testing::Test {
protected:
    void SetUp() override {
        if (!gdb_installed())
            GTEST_SKIP() << "gdb is not installed (apt-get install gdb, or run scripts/test.sh, which installs it)";
        if (!toytls::cipher_suite_available(toytls::CipherSuite::aes_256_gcm_sha256))
            GTEST_SKIP() << "the committed trace uses AES-256-GCM, which this CPU cannot run (no AES-NI)";
        trace_ = read_file(source_dir / "walkthrough/trace.md");
        ASSERT_FALSE(trace_.empty()) << "walkthrough/trace.md is missing";
        output_ = run_walkthrough_script();
        values_ = values_by_step(output_);
    }

    // The value gdb printed as `name` under banner `step`.
    std::string printed(const std::string& step, const std::string& name) {
        auto in_step = values_.find(step);
        if (in_step == values_.end() || !in_step->second.contains(name)) {
            ADD_FAILURE() << "gdb printed no \"" << name << " = ...\" under \"=== " << step << " ===\"; its output:\n"
                          << output_;
            return "(not printed)";
        }
        return in_step->second.at(name);
    }

    std::string trace_;
    std::string output_;
    StepValues values_;
};

TEST_F(GdbWalkthroughTest, EveryStepBannerAppearsOnceInProtocolOrder) {
    const std::vector<std::string> found = banners(output_);
    for (const std::string& banner : expected_banners)
        EXPECT_EQ(std::count(found.begin(), found.end(), banner), 1) << "banner \"=== " << banner << " ===\"";
    EXPECT_EQ(found, expected_banners) << "gdb's output:\n" << output_;
}

TEST_F(GdbWalkthroughTest, HelloValuesAreTheTraceValues) {
    const std::string client_random = message_field(trace_, "#### M1 ClientHello", "random");
    const std::string client_key_share = message_field(trace_, "#### M1 ClientHello", "key_share");
    EXPECT_EQ(printed(expected_banners[0], "client random"), client_random);
    EXPECT_EQ(printed(expected_banners[0], "key_share"), client_key_share);
    EXPECT_EQ(printed(expected_banners[1], "client random"), client_random);
    EXPECT_EQ(printed(expected_banners[1], "key_share"), client_key_share);

    EXPECT_EQ(printed(expected_banners[3], "server random"), message_field(trace_, "#### M2 ServerHello", "random"));
    EXPECT_EQ(printed(expected_banners[3], "key_share"), message_field(trace_, "#### M2 ServerHello", "key_share"));
    EXPECT_EQ(printed(expected_banners[3], "chosen suite"),
              message_field(trace_, "#### M2 ServerHello", "chosen_suite"));
    EXPECT_EQ(printed(expected_banners[3], "own private key (wiped in this function, after X25519)"),
              find_in_trace(trace_, "client X25519 private key = ([0-9a-f]{64})"));
}

TEST_F(GdbWalkthroughTest, BothSidesDeriveTheKeysOfTheTrace) {
    const std::string hello_hash = find_in_trace(trace_, "hello_hash +=[^\n]*\n +=  ?([0-9a-f]{64})");
    // gdb's name for each value, and its label in the trace's key log.
    const std::vector<std::pair<std::string, std::string>> secrets = {
        {"shared_secret", "SHARED_SECRET"},
        {"client_write_key", "CLIENT_WRITE_KEY"},
        {"client_write_iv", "CLIENT_WRITE_IV"},
        {"server_write_key", "SERVER_WRITE_KEY"},
        {"server_write_iv", "SERVER_WRITE_IV"},
        {"client_finished_key", "CLIENT_FINISHED_KEY"},
        {"server_finished_key", "SERVER_FINISHED_KEY"},
    };
    for (const std::string& step : {expected_banners[2], expected_banners[4]}) {
        EXPECT_EQ(printed(step, "hello_hash"), hello_hash) << step;
        for (const auto& [name, label] : secrets)
            EXPECT_EQ(printed(step, name), key_log_value(trace_, label)) << step << ": " << name;
    }
}

TEST_F(GdbWalkthroughTest, CertificateStepsSeeTheTraceValues) {
    EXPECT_EQ(printed(expected_banners[5], "message size"),
              find_in_trace(trace_, "#### M3 Certificate[^\n]*\n\n[^\n]* ([0-9]+) bytes: 4 bytes of header"));
    EXPECT_EQ(printed(expected_banners[6], "now (Unix time)"), find_in_trace(trace_, "\\(Unix time ([0-9]+)\\)"));
    EXPECT_EQ(printed(expected_banners[7], "signature"),
              message_field(trace_, "#### M4 CertificateVerify", "signature"));
    EXPECT_EQ(printed(expected_banners[7], "signed transcript hash (ClientHello..Certificate)"),
              transcript_hash(trace_, "Certificate"));
}

TEST_F(GdbWalkthroughTest, FinishedStepsSeeTheTraceValues) {
    EXPECT_EQ(printed(expected_banners[8], "verify_data"), message_field(trace_, "#### M5 Finished", "verify_data"));
    EXPECT_EQ(printed(expected_banners[8], "server_finished_key"), key_log_value(trace_, "SERVER_FINISHED_KEY"));
    EXPECT_EQ(printed(expected_banners[8], "transcript hash (ClientHello..CertificateVerify)"),
              transcript_hash(trace_, "CertificateVerify"));
    EXPECT_EQ(printed(expected_banners[9], "verify_data"), message_field(trace_, "#### M6 Finished", "verify_data"));
    EXPECT_EQ(printed(expected_banners[9], "client_finished_key"), key_log_value(trace_, "CLIENT_FINISHED_KEY"));
    EXPECT_EQ(printed(expected_banners[9], "transcript hash (ClientHello..server Finished)"),
              transcript_hash(trace_, "server Finished"));
}

}  // namespace
