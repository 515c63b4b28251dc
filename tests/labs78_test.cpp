// Labs 7 and 8 as the test suite runs them: each lab's check.sh, exactly
// as a student runs it, with the tools of this build (TOYTLS_BIN). A check
// prints its conversation ("→ send ...", "✓ ...") and exits 0 only if every
// step went as the lab says; on failure the test shows that conversation.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace {

struct CheckRun {
    int exit_code = -1;
    std::string output;
};

CheckRun run_check(const std::string& lab) {
    const std::string command = "TOYTLS_BIN='" TOYTLS_LAB_BIN_DIR "' bash '" TOYTLS_SOURCE_DIR "/walkthrough/labs/" +
                                lab + "/check.sh' 2>&1";
    CheckRun run;
    std::unique_ptr<FILE, decltype(&::pclose)> pipe(::popen(command.c_str(), "r"), &::pclose);
    if (!pipe) return run;
    std::array<char, 4096> buffer{};
    while (std::size_t count = std::fread(buffer.data(), 1, buffer.size(), pipe.get()))
        run.output.append(buffer.data(), count);
    int status = ::pclose(pipe.release());
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
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
