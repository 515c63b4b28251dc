// toytls-walkthrough-page: the connection of walkthrough/trace.md as one
// self-contained, interactive HTML page (walkthrough/index.html): a sequence
// diagram, every record and message as bytes that explain themselves, the
// key schedule with its real values, and the seam between records and HTTP.
//
// It runs the same TraceSession as toytls-trace (same seeds, clock and demo
// certificates), so both documents show the same bytes, and the page is the
// same on every run: tests/walkthrough_page_test.cpp compares it with the
// committed file.
//
//     build/bin/toytls-walkthrough-page [--suite aes|chacha] [--certs DIR] [-o FILE]
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tools/page_renderer.hpp"
#include "tools/trace_session.hpp"

namespace {

using namespace toytls;

using PageOptions = trace::SessionCommandLine;

constexpr std::string_view usage =
    "usage: toytls-walkthrough-page [--suite aes|chacha] [--certs DIR] [-o FILE]\n"
    "  Writes walkthrough/index.html: the deterministic connection of walkthrough/trace.md as one\n"
    "  self-contained interactive HTML page (no network; open it from disk).\n"
    "  --suite   the cipher suite the server picks (default aes: TOYTLS_AES_256_GCM_SHA256)\n"
    "  --certs   the directory of the demo chain (default certs, i.e. run from the repository root)\n"
    "  -o FILE   write the page to FILE instead of standard output\n"
    "  Regenerate the committed page with: build/bin/toytls-walkthrough-page -o walkthrough/index.html\n";

// The whole session, step by step, with everything each step recorded.
std::vector<trace::TraceEntry> record_one_connection(const PageOptions& options) {
    trace::TraceSession session(options);
    std::vector<trace::TraceEntry> entries;
    auto keep = [&entries](std::vector<trace::TraceEntry> step) {
        for (trace::TraceEntry& entry : step) entries.push_back(std::move(entry));
    };
    keep(session.client_sends_hello());
    keep(session.server_answers_hello());
    keep(session.client_finishes_handshake());
    keep(session.server_reads_request());
    keep(session.server_sends_response());
    keep(session.client_reads_response());
    keep(session.both_close());
    return entries;
}

}  // namespace

int main(int argc, char** argv) {
    bool help_asked = false;
    std::optional<PageOptions> options =
        trace::parse_session_command_line("toytls-walkthrough-page", usage, std::vector<std::string>(argv + 1, argv + argc), help_asked);
    if (help_asked) {
        std::cout << usage;
        return 0;
    }
    if (!options) return 2;
    try {
        trace::PageSettings settings;
        settings.suite = options->suite;
        settings.regenerate_command = options->suite == CipherSuite::aes_256_gcm_sha256
                                          ? "build/bin/toytls-walkthrough-page -o walkthrough/index.html"
                                          : "build/bin/toytls-walkthrough-page --suite chacha";
        const std::string page = trace::render_walkthrough_page(record_one_connection(*options), settings);
        if (!options->output_path) {
            std::cout << page;
            return std::cout.flush() ? 0 : 1;
        }
        std::ofstream file(*options->output_path, std::ios::binary | std::ios::trunc);
        file << page;
        if (!file.flush()) throw std::runtime_error(*options->output_path + ": cannot write");
    } catch (const std::exception& error) {
        std::cerr << "toytls-walkthrough-page: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
