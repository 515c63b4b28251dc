// Runs one lab check (a Conversation) with real processes on loopback:
// toytls-server on free ports, toytls-mitm in front of it, toytls-client
// against the mitm. Prints each step with ✓ or ✗ and why.
#pragma once

#include <filesystem>
#include <ostream>

#include "conversation.hpp"

namespace toytls_labs {

struct LabPaths {
    std::filesystem::path bin_dir;     // toytls-server, toytls-client, toytls-mitm, toytls-cert
    std::filesystem::path source_dir;  // certs/ and demo/html/
};

struct CheckOptions {
    bool keep_scratch = false;  // keep the scratch folder (outputs, config) even when the check passes
};

enum class CheckResult { passed, failed, skipped };

CheckResult run_check(const std::filesystem::path& check_file, const Conversation& conversation,
                      const LabPaths& paths, const CheckOptions& options, std::ostream& out);

}  // namespace toytls_labs
