// toytls-cert: makes, shows and checks ToyTLS certificates and key files.
// The whole tool is this function, so that tests can run it in-process;
// tools/toytls-cert.cpp only hands it the command line.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "toytls/clock.hpp"
#include "toytls/crypto/random.hpp"

namespace toytls {

struct CertToolEnvironment {
    RandomSource& random;  // new keys and serial numbers
    Clock clock;           // the default not-before, and "now" for verify without --at
};

inline constexpr int cert_tool_success = 0;
inline constexpr int cert_tool_failure = 1;      // an operation failed, or verify rejected the chain
inline constexpr int cert_tool_usage_error = 2;  // the command line is wrong

// `arguments` without the program name: {"verify", "--root", ...}.
int run_cert_tool(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err,
                  CertToolEnvironment& environment);

// The same with the system's random generator and clock.
int run_cert_tool(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

}  // namespace toytls
