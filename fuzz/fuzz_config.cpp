// Fuzz target: the configuration parser (parse_config, with its lexer) on
// arbitrary text. Seeds: demo/toytls-server.conf and tests/data/config/.
//
// Checked besides "no crash, no sanitizer report": the parser's contract in
// config.hpp. It throws ConfigError and nothing else, the error's position
// is inside the text (1-based line and column), and a config it accepts has
// what the parser promises to check (a listen in every server, a worker
// count from 1 to 64).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "handshake_fixture.hpp"
#include "webserver/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const webserver::Config config = webserver::parse_config(text, "fuzz.conf");
        TOYTLS_FUZZ_CHECK(config.worker_processes >= 1 && config.worker_processes <= 64);
        for (const webserver::ServerBlock& server : config.http.servers) TOYTLS_FUZZ_CHECK(!server.listens.empty());
    } catch (const webserver::ConfigError& error) {
        const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
        TOYTLS_FUZZ_CHECK(error.where().file == "fuzz.conf");
        TOYTLS_FUZZ_CHECK(error.where().line >= 1 && error.where().line <= lines);
        TOYTLS_FUZZ_CHECK(error.where().column >= 1);
        TOYTLS_FUZZ_CHECK(std::string(error.what()).starts_with("fuzz.conf:"));
    }
    return 0;
}
