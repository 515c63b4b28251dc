// Labs 1-6 as the test suite runs them: `toytls-lab check` on each lab's
// check.conv, exactly the command a student runs, with real processes on
// loopback (toytls-server, toytls-mitm, toytls-client, toytls-cert from
// this build). On failure the test shows the runner's step-by-step report.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <string>

#include "command.hpp"

namespace {

namespace fs = std::filesystem;

constexpr int exit_skipped = 77;  // toytls-lab: the check needs what this machine lacks

using LabRun = test_support::CommandResult;

LabRun run_lab_tool(const std::string& check_file) {
    return test_support::run_command("'" TOYTLS_LAB_TOOL "' check '" + check_file + "' 2>&1");
}

class LabCheck : public ::testing::TestWithParam<std::string> {};

TEST_P(LabCheck, Passes) {
    LabRun run = run_lab_tool(TOYTLS_SOURCE_DIR "/walkthrough/labs/" + GetParam() + "/check.conv");
    if (run.exit_code == exit_skipped) GTEST_SKIP() << run.output;
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("PASS: all"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("\u2717"), std::string::npos) << run.output;
}

INSTANTIATE_TEST_SUITE_P(Labs, LabCheck,
                         ::testing::Values("01-trust", "02-names", "03-integrity", "04-order", "05-truncation",
                                           "06-downgrade"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             std::string name = "Lab" + info.param.substr(0, 2);
                             for (char c : info.param.substr(3))
                                 if (std::isalnum(static_cast<unsigned char>(c))) name += c;
                             return name;
                         });

// A check file written for one test, removed afterwards.
struct CheckFile {
    fs::path path = fs::temp_directory_path() / ("toytls-labs-test-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name() +
                                                 ".conv");
    explicit CheckFile(const std::string& text) { std::ofstream(path) << text; }
    ~CheckFile() { fs::remove(path); }
};

// A runner that passed everything would make every lab above worthless:
// a wrong expectation must fail, and say which line.
TEST(LabRunner, AWrongExpectationFailsTheCheck) {
    CheckFile check("# wrong on purpose\n"
                    "start server\n"
                    "start mitm --mode tamper --record 1\n"
                    "run client toytls://localhost:{mitm}/index.html\n"
                    "expect client exit 0\n"
                    "expect client stderr contains \"bad_record_mac\"\n");
    LabRun run = run_lab_tool(check.path.string());
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("\u2717 expect client exit 0"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("line 5: the exit code was 7"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("\u2713 expect client stderr contains \"bad_record_mac\""), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("FAIL: 1 of 5 steps failed"), std::string::npos) << run.output;
    std::size_t kept = run.output.find("outputs kept in ");
    ASSERT_NE(kept, std::string::npos) << run.output;
    fs::remove_all(run.output.substr(kept + 16, run.output.find(')', kept) - kept - 16));
}

TEST(LabRunner, AMalformedCheckFileIsAUsageErrorWithItsLine) {
    CheckFile check("start server\nexpect client exit\n");
    LabRun run = run_lab_tool(check.path.string());
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("line 2: not a step"), std::string::npos) << run.output;
}

TEST(LabRunner, AnUnknownPlaceholderFailsTheStep) {
    CheckFile check("run client toytls://localhost:{mitm_port}/\n");
    LabRun run = run_lab_tool(check.path.string());
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("unknown placeholder {mitm_port}"), std::string::npos) << run.output;
    std::size_t kept = run.output.find("outputs kept in ");
    if (kept != std::string::npos)
        fs::remove_all(run.output.substr(kept + 16, run.output.find(')', kept) - kept - 16));
}

}  // namespace
