// The server's configuration: an nginx-style file parsed into typed values.
//
//   worker_processes 1;
//   error_log logs/error.log info;
//   http {
//       access_log logs/access.log;      # or: access_log off;
//       keepalive_timeout 65s;
//       client_header_timeout 60s;
//       send_timeout 60s;
//       client_max_body_size 1m;
//       server {
//           listen 8080;
//           listen 127.0.0.1:8443 ssl default_server;
//           server_name localhost 127.0.0.1;
//           ssl_certificate       ../certs/server.cert;
//           ssl_certificate_key   ../certs/server.key;
//           ssl_certificate_chain ../certs/intermediate.cert;
//           root html;
//           index index.html;
//           location /docs/ { root docs; index index.html; }
//       }
//   }
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace webserver {

// Where in which file something went wrong; every config error carries one.
// Lines and columns are 1-based (a column counts characters, a tab is one);
// line 0 means the whole file (it cannot be read), and what() is then
// "FILE: MESSAGE".
struct SourcePosition {
    std::string file;
    int line = 1;
    int column = 1;
};

class ConfigError : public std::runtime_error {
public:
    ConfigError(SourcePosition where, const std::string& message);
    const SourcePosition& where() const { return where_; }

private:
    SourcePosition where_;
};

struct Listen {
    std::string address = "0.0.0.0";  // from "ADDR:PORT"; "*:PORT" and "PORT" mean all addresses
    std::uint16_t port = 0;
    bool ssl = false;
    bool default_server = false;
    SourcePosition where;
};

struct Location {
    std::string prefix;                    // "/docs/"
    std::optional<std::string> root;       // absolute after loading; inherits the server's when unset
    std::optional<std::vector<std::string>> index;
    SourcePosition where;
};

struct ServerBlock {
    std::vector<Listen> listens;
    std::vector<std::string> server_names;           // lowercased, as nginx does
    std::optional<std::string> ssl_certificate;      // absolute path after loading
    std::optional<std::string> ssl_certificate_key;  // absolute path after loading
    std::vector<std::string> ssl_certificate_chain;  // absolute paths after loading
    std::string root = "html";                       // absolute path after loading
    std::vector<std::string> index = {"index.html"};
    std::vector<Location> locations;
    SourcePosition where;
};

enum class LogLevel { debug, info, notice, warn, error, crit };

struct HttpSettings {
    std::optional<std::string> access_log;  // nullopt: "off"; absolute path after loading
    std::chrono::milliseconds keepalive_timeout{75'000};
    std::chrono::milliseconds client_header_timeout{60'000};
    std::chrono::milliseconds send_timeout{60'000};
    std::chrono::milliseconds ssl_handshake_timeout{60'000};  // ToyTLS handshake, from accept()
    // large_client_header_buffers NUMBER SIZE: the request line may be SIZE
    // bytes (414 beyond), the whole header section NUMBER * SIZE (431 beyond).
    std::size_t header_buffer_count = 4;
    std::size_t header_buffer_size = 8 * 1024;
    std::size_t max_headers = 100;  // header fields per request; 431 beyond
    std::uint64_t client_max_body_size = 1024 * 1024;  // bytes; 0 = no limit, as in nginx
    std::vector<ServerBlock> servers;
};

struct Config {
    int worker_processes = 1;
    int worker_connections = 1024;  // events { worker_connections N; }: per worker; accepting pauses at the limit          // 1..64; "auto": the number of CPUs, at most 64
    std::string error_log = "stderr";  // a path (absolute after loading) or "stderr"
    LogLevel error_log_level = LogLevel::error;
    HttpSettings http;
};

// Parses the text of a config file. `file_name` only labels errors.
// Throws ConfigError ("FILE:LINE:COLUMN: MESSAGE") on the first error.
// Checks everything the text alone can tell: the directives, their blocks,
// arguments and values, a server without "listen", duplicate listens and
// default servers, an address:port both with and without ssl, ssl
// listeners without a certificate and key. Paths stay as written; no file
// is opened (see load_config).
Config parse_config(const std::string& text, const std::string& file_name);

// Reads and parses `path`, resolves every relative path against `prefix`
// (the config file's folder if empty), and checks what can be checked before
// serving: certificate and key files exist and load, every ssl listener's
// server has a certificate and a key, no two servers claim the same
// address:port with default_server, ... Throws ConfigError.
// Also checks that the private key matches the certificate. The error for
// a certificate or key names the absolute path and sits at its directive;
// roots are not checked (as in nginx, they may appear later).
Config load_config(const std::string& path, const std::string& prefix = "");

}  // namespace webserver
