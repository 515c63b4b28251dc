// Labs 7 and 8 as the test suite runs them: each lab's check.sh, exactly
// as a student runs it, with the tools of this build (TOYTLS_BIN). A check
// prints its conversation ("→ send ...", "✓ ...") and exits 0 only if every
// step went as the lab says; on failure the test shows that conversation.
#include <gtest/gtest.h>

#include <string>

#include "command.hpp"

namespace {

using CheckRun = test_support::CommandResult;

CheckRun run_check(const std::string& lab) {
    return test_support::run_command("TOYTLS_BIN='" TOYTLS_LAB_BIN_DIR "' bash '" TOYTLS_SOURCE_DIR
                                     "/walkthrough/labs/" + lab + "/check.sh' 2>&1");
}

}  // namespace

TEST(Lab07ForwardSecrecy, CheckPasses) {
    CheckRun run = run_check("07-forward-secrecy");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("LAB 7 CHECK PASSED"), std::string::npos) << run.output;
}

TEST(Lab08NonceReuse, CheckPasses) {
    CheckRun run = run_check("08-nonce-reuse");
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("LAB 8 CHECK PASSED"), std::string::npos) << run.output;
}
