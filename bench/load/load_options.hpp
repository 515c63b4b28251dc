// toytls-load's command line.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/url.hpp"

namespace toytls_load {

enum class LoadMode {
    keep_alive,      // each connection sends request after request
    new_connection,  // one request per connection ("Connection: close"), then a new connection: a full handshake each
    bulk,            // keep-alive requests for one (large) path: the figure is MB/s
    idle,            // open the connections, (one request each,) then hold them idle: the figure is server memory
};

std::string_view load_mode_name(LoadMode mode);

struct LoadOptions {
    toytls_client::Url url;
    LoadMode mode = LoadMode::keep_alive;
    int connections = 16;
    int threads = 1;
    double duration_seconds = 10;            // idle: how long the idle connections are held
    std::optional<std::uint64_t> max_requests;  // stop after this many requests have been sent
    std::vector<pid_t> server_pids;           // sampled before and after (with their descendants)
    std::vector<std::string> cacert_paths;    // toytls://: trusted roots (default: the demo root)
    std::optional<std::string> server_name;   // toytls://: default: the URL's host
    bool insecure = false;                    // toytls://: skip chain verification (like wrk, which never verifies)
    bool idle_with_request = true;            // idle: one request per connection before it goes idle
    int max_connecting_per_thread = 256;      // ramp-up: connects and handshakes in flight at once
    bool key_value_output = false;            // --kv: one "key=value ..." line for scripts
};

// Nullopt with `error` set on a bad command line; nullopt with `error`
// empty when help was asked for.
std::optional<LoadOptions> parse_load_options(const std::vector<std::string_view>& arguments, std::string& error);

extern const std::string_view load_usage_text;

}  // namespace toytls_load
