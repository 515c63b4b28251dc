// The config parser, in the spirit of nginx's ngx_conf_parse: a table says
// for each directive where it may appear, how many arguments it takes,
// whether it may repeat and which handler stores its value; the parser
// checks all of that, so a handler only turns words into typed values.
#include "webserver/config.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <limits>
#include <map>
#include <span>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>

#include "toytls/key_file.hpp"
#include "webserver/config_lexer.hpp"
#include "webserver/unique_fd.hpp"

namespace webserver {

namespace {

constexpr int max_worker_processes = 64;
constexpr std::size_t max_config_file_size = 1024 * 1024;
// Timeouts end up added to clock readings; a cap keeps that sum far from overflow.
constexpr std::chrono::milliseconds max_time = std::chrono::days(365);

std::string format_error(const SourcePosition& where, const std::string& message) {
    if (where.line == 0) return where.file + ": " + message;
    return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " + message;
}

// "line 3, column 5": every other position in an error is in the same file.
std::string line_and_column(const SourcePosition& where) {
    return "line " + std::to_string(where.line) + ", column " + std::to_string(where.column);
}

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

// The blocks a directive can appear in, from the outside in: a directive
// allowed in an enclosing block but found in an inner one often means a
// missing "}".
enum class Context { main, events, http, server, location };

constexpr unsigned in(Context context) { return 1u << static_cast<unsigned>(context); }
constexpr unsigned at_top_level = in(Context::main);
constexpr unsigned in_events = in(Context::events);
constexpr unsigned in_http = in(Context::http);
constexpr unsigned in_server = in(Context::server);
constexpr unsigned in_location = in(Context::location);
constexpr std::array all_contexts = {Context::main, Context::events, Context::http, Context::server,
                                     Context::location};

// The blocks around a block: main { events { } http { server { location { } } } }.
constexpr unsigned enclosing(Context context) {
    switch (context) {
        case Context::main: return 0;
        case Context::events:
        case Context::http: return at_top_level;
        case Context::server: return at_top_level | in_http;
        case Context::location: return at_top_level | in_http | in_server;
    }
    return 0;
}

std::string_view block_name(Context context) {
    switch (context) {
        case Context::main: return "main";
        case Context::events: return "events";
        case Context::http: return "http";
        case Context::server: return "server";
        case Context::location: return "location";
    }
    return "?";
}

std::string where_in(Context context) {
    return context == Context::main ? "at the top level" : "in the " + in_quotes(block_name(context)) + " block";
}

// The block being read, and the values its directives fill. The pointers
// stay valid while it is read: servers and locations are only added from
// the enclosing block, never while one of their siblings is open.
struct Block {
    Context context = Context::main;
    Config& config;
    ServerBlock* server = nullptr;  // in a server block and its locations
    Location* location = nullptr;   // in a location block
    const Token* opened_by = nullptr;  // the directive name ("server"); null at the top level
    // Where each directive first appeared in this block: for the duplicate
    // check, and for errors found only once the block is complete.
    std::map<std::string_view, SourcePosition> seen = {};
};

class Statement;
using Handler = void (*)(const Statement&, Block&);

enum class Repeat { once, many };
enum class Body { none, block };  // none: ends with ";"; block: followed by "{ ... }"
constexpr int any_number = std::numeric_limits<int>::max();

// One row of the directive table, like nginx's ngx_command_t.
struct Directive {
    std::string_view name;
    unsigned allowed_in;  // the in_... bits of every block where it may appear
    int min_arguments;
    int max_arguments;
    Repeat repeat;
    Body body;
    Handler handler;
};

const Directive* find_directive(std::string_view name);

class Parser {
public:
    Parser(std::vector<Token> tokens, std::string file_name, std::optional<std::filesystem::path> prefix)
        : tokens_(std::move(tokens)), file_name_(std::move(file_name)), prefix_(std::move(prefix)) {}

    Config parse();
    // Reads directives up to the "}" that closes `block` (or the end of the
    // file at the top level).
    void parse_block(Block& block);

    SourcePosition position_of(const Token& token) const { return {file_name_, token.line, token.column}; }
    [[noreturn]] void fail_at(const Token& token, const std::string& message) const {
        throw ConfigError(position_of(token), message);
    }
    // Set by load_config only: parse_config never touches the file system.
    const std::optional<std::filesystem::path>& prefix() const { return prefix_; }

private:
    void parse_directive(const Token& name, Block& block);
    // A word on a new line that names a directive is almost surely the
    // next directive after a forgotten ";" or "{", not one more argument.
    bool starts_next_directive(std::size_t index) const {
        const Token& token = tokens_[index];
        return token.kind == Token::Kind::word && token.line > tokens_[index - 1].end_line &&
               find_directive(token.text) != nullptr;
    }

    std::vector<Token> tokens_;  // always ends with an end_of_file token, which no loop goes past
    std::size_t next_ = 0;
    std::string file_name_;
    std::optional<std::filesystem::path> prefix_;
};

// One directive as it appears in the file, handed to its handler.
class Statement {
public:
    Statement(Parser& parser, const Token& name, std::span<const Token> arguments)
        : parser_(parser), name_(name), arguments_(arguments) {}

    const Token& name() const { return name_; }
    std::size_t argument_count() const { return arguments_.size(); }
    const Token& argument(std::size_t index) const { return arguments_[index]; }
    const std::string& value(std::size_t index) const { return arguments_[index].text; }
    SourcePosition where() const { return parser_.position_of(name_); }

    [[noreturn]] void fail(const std::string& message) const { parser_.fail_at(name_, message); }
    [[noreturn]] void fail_at(const Token& token, const std::string& message) const {
        parser_.fail_at(token, message);
    }
    // "invalid port "x" in "listen": expected a number from 0 to 65535"
    [[noreturn]] void fail_invalid(std::size_t index, std::string_view what, std::string_view expected) const {
        fail_at(argument(index), "invalid " + std::string(what) + " " + in_quotes(value(index)) + " in " +
                                     in_quotes(name_.text) + ": expected " + std::string(expected));
    }

    // The argument as a path: made absolute against the prefix when loading
    // (nginx's ngx_conf_full_name), as written otherwise.
    std::string path(std::size_t index) const {
        if (value(index).empty()) fail_invalid(index, "path", "a file or folder name");
        return resolve(value(index));
    }
    std::string resolve(const std::string& path) const {
        const std::filesystem::path as_path(path);
        if (!parser_.prefix() || as_path.is_absolute()) return path;
        return (*parser_.prefix() / as_path).string();
    }
    bool checks_files() const { return parser_.prefix().has_value(); }

    void parse_block(Block& block) const { parser_.parse_block(block); }

private:
    Parser& parser_;
    const Token& name_;
    std::span<const Token> arguments_;
};

// ---- Values: numbers, times, sizes ----

// ASCII digits only (no sign, no spaces), without overflow.
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

struct Unit {
    std::string_view suffix;
    std::uint64_t factor;
};

// nginx's measurement units (nginx.org/en/docs/syntax.html), without the
// w, M and y of times and without combined values such as "1h 30m".
constexpr std::array time_units = {Unit{"", 1000}, Unit{"ms", 1}, Unit{"s", 1000}, Unit{"m", 60'000},
                                   Unit{"h", 3'600'000}, Unit{"d", 86'400'000}};
constexpr std::array size_units = {Unit{"", 1},       Unit{"k", 1 << 10}, Unit{"K", 1 << 10}, Unit{"m", 1 << 20},
                                   Unit{"M", 1 << 20}, Unit{"g", 1 << 30}, Unit{"G", 1 << 30}};

// "65s" -> 65 * 1000 with time_units: digits, then one of the suffixes.
template <std::size_t count>
std::optional<std::uint64_t> parse_with_unit(std::string_view text, const std::array<Unit, count>& units) {
    const std::size_t digits_end = std::min(text.find_first_not_of("0123456789"), text.size());
    const auto number = parse_decimal(text.substr(0, digits_end));
    const auto unit = std::find_if(units.begin(), units.end(),
                                   [&](const Unit& u) { return u.suffix == text.substr(digits_end); });
    if (!number || unit == units.end()) return std::nullopt;
    if (*number > std::numeric_limits<std::uint64_t>::max() / unit->factor) return std::nullopt;
    return *number * unit->factor;
}

std::chrono::milliseconds time_argument(const Statement& statement, std::size_t index) {
    const auto milliseconds = parse_with_unit(statement.value(index), time_units);
    if (!milliseconds) {
        statement.fail_invalid(index, "time", "a number with an optional unit ms, s, m, h or d (e.g. 65s)");
    }
    if (*milliseconds > static_cast<std::uint64_t>(max_time.count())) {
        const auto max_days = std::chrono::duration_cast<std::chrono::days>(max_time).count();
        statement.fail_at(statement.argument(index), "time " + in_quotes(statement.value(index)) + " in " +
                                                         in_quotes(statement.name().text) + " is too large: at most " +
                                                         std::to_string(max_days) + "d");
    }
    return std::chrono::milliseconds(*milliseconds);
}

std::uint64_t size_argument(const Statement& statement, std::size_t index) {
    const auto bytes = parse_with_unit(statement.value(index), size_units);
    if (!bytes) statement.fail_invalid(index, "size", "a number with an optional unit k, m or g (e.g. 1m)");
    return *bytes;
}

// ---- TLS files (load_config only) ----

std::string system_error_words(int error_number) { return std::generic_category().message(error_number); }

// Opened first on its own so that the error says why, in the system's
// words; then loaded, so that a wrong file is refused now and not at the
// first handshake.
template <typename Loader>
void check_tls_file(const Statement& statement, const std::string& path, std::string_view kind, Loader load) {
    const UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file) {
        statement.fail("cannot open " + std::string(kind) + " file " + in_quotes(path) + ": " +
                       system_error_words(errno));
    }
    std::string error;
    if (!load(path, error)) {
        statement.fail("cannot load " + std::string(kind) + " file " + in_quotes(path) + ": " + error);
    }
}

void check_certificate_file(const Statement& statement, const std::string& path, std::string_view kind) {
    if (!statement.checks_files()) return;
    check_tls_file(statement, path, kind, [](const std::string& file, std::string& error) {
        return toytls::load_certificate_file(file, error).has_value();
    });
}

void check_private_key_file(const Statement& statement, const std::string& path) {
    if (!statement.checks_files()) return;
    check_tls_file(statement, path, "private key", [](const std::string& file, std::string& error) {
        return toytls::load_private_key_file(file, error).has_value();
    });
}

// Both files loaded fine on their own (checked at their directives); they
// are small, so they are simply loaded again to compare the public keys.
bool key_matches_certificate(const ServerBlock& server) {
    std::string error;
    const auto certificate = toytls::load_certificate_file(*server.ssl_certificate, error);
    const auto key = toytls::load_private_key_file(*server.ssl_certificate_key, error);
    return certificate && key && certificate->public_key == key->public_key();
}

// ---- Handlers, in the order of the table ----

void set_worker_processes(const Statement& statement, Block& block) {
    if (statement.value(0) == "auto") {
        const unsigned cpus = std::thread::hardware_concurrency();  // 0 when unknown
        block.config.worker_processes = static_cast<int>(std::clamp(cpus, 1u, unsigned{max_worker_processes}));
        return;
    }
    const auto count = parse_decimal(statement.value(0));
    if (!count || *count < 1 || *count > max_worker_processes) {
        statement.fail_invalid(0, "value",
                               "a number from 1 to " + std::to_string(max_worker_processes) + " or \"auto\"");
    }
    block.config.worker_processes = static_cast<int>(*count);
}

constexpr std::array<std::pair<std::string_view, LogLevel>, 6> log_levels = {{{"debug", LogLevel::debug},
                                                                             {"info", LogLevel::info},
                                                                             {"notice", LogLevel::notice},
                                                                             {"warn", LogLevel::warn},
                                                                             {"error", LogLevel::error},
                                                                             {"crit", LogLevel::crit}}};

void set_error_log(const Statement& statement, Block& block) {
    block.config.error_log = statement.value(0) == "stderr" ? "stderr" : statement.path(0);
    if (statement.argument_count() == 2) {
        const auto level = std::find_if(log_levels.begin(), log_levels.end(),
                                        [&](const auto& entry) { return entry.first == statement.value(1); });
        if (level == log_levels.end()) {
            statement.fail_invalid(1, "log level", "debug, info, notice, warn, error or crit");
        }
        block.config.error_log_level = level->second;
    }
}

void events_block(const Statement& statement, Block& top_level) {
    Block events{.context = Context::events, .config = top_level.config, .opened_by = &statement.name()};
    statement.parse_block(events);
}

void set_worker_connections(const Statement& statement, Block& block) {
    const auto count = parse_decimal(statement.value(0));
    if (!count || *count < 2 || *count > 1'000'000) statement.fail_invalid(0, "value", "a number from 2 to 1000000");
    block.config.worker_connections = static_cast<int>(*count);
}

void http_block(const Statement& statement, Block& top_level) {
    Block http{.context = Context::http, .config = top_level.config, .opened_by = &statement.name()};
    statement.parse_block(http);
}

void set_access_log(const Statement& statement, Block& block) {
    if (statement.value(0) == "off") {
        block.config.http.access_log.reset();
    } else {
        block.config.http.access_log = statement.path(0);
    }
}

// One handler for every time directive, told which field to set: nginx's
// ngx_conf_set_msec_slot does the same with a field offset.
template <std::chrono::milliseconds HttpSettings::*field>
void set_http_time(const Statement& statement, Block& block) {
    block.config.http.*field = time_argument(statement, 0);
}

void set_client_max_body_size(const Statement& statement, Block& block) {
    block.config.http.client_max_body_size = size_argument(statement, 0);
}

void set_large_client_header_buffers(const Statement& statement, Block& block) {
    const auto count = parse_decimal(statement.value(0));
    if (!count || *count < 1 || *count > 64) statement.fail_invalid(0, "number of buffers", "a number from 1 to 64");
    const std::uint64_t size = size_argument(statement, 1);
    if (size < 64 || size > 1024 * 1024) statement.fail_invalid(1, "buffer size", "a size from 64 to 1m");
    block.config.http.header_buffer_count = static_cast<std::size_t>(*count);
    block.config.http.header_buffer_size = static_cast<std::size_t>(size);
}

void set_max_headers(const Statement& statement, Block& block) {
    const auto count = parse_decimal(statement.value(0));
    if (!count || *count < 1 || *count > 10'000) statement.fail_invalid(0, "value", "a number from 1 to 10000");
    block.config.http.max_headers = static_cast<std::size_t>(*count);
}

std::string endpoint(const Listen& listen) { return listen.address + ":" + std::to_string(listen.port); }

// Checks that need the whole server block: its "}" has been read.
void check_server(const Statement& statement, const Block& block) {
    const ServerBlock& server = *block.server;
    if (server.listens.empty()) {
        statement.fail(
            "the \"server\" block has no \"listen\" directive: expected at least one, e.g. \"listen 8080;\"");
    }
    for (const Listen& listen : server.listens) {
        if (!listen.ssl) continue;
        for (const auto* needed : {"ssl_certificate", "ssl_certificate_key"}) {
            if (!block.seen.contains(needed)) {
                throw ConfigError(listen.where, "the ssl listener " + endpoint(listen) + " needs " + in_quotes(needed) +
                                                    " in its server block");
            }
        }
    }
    const auto given_without = [&](std::string_view directive, std::string_view missing) {
        if (block.seen.contains(directive) && !block.seen.contains(missing)) {
            throw ConfigError(block.seen.at(directive), in_quotes(directive) + " is given without " +
                                                            in_quotes(missing) + " in the same server block");
        }
    };
    given_without("ssl_certificate", "ssl_certificate_key");
    given_without("ssl_certificate_key", "ssl_certificate");
    given_without("ssl_certificate_chain", "ssl_certificate");
    if (statement.checks_files() && server.ssl_certificate && !key_matches_certificate(server)) {
        throw ConfigError(block.seen.at("ssl_certificate_key"),
                          "the private key " + in_quotes(*server.ssl_certificate_key) +
                              " does not match the certificate " + in_quotes(*server.ssl_certificate));
    }
}

void server_block(const Statement& statement, Block& http) {
    // Added before its block is read, so that each "listen" can compare
    // itself with the servers before it and with its own server.
    ServerBlock& server = http.config.http.servers.emplace_back();
    server.where = statement.where();
    server.root = statement.resolve(server.root);  // the default root is relative to the prefix too
    Block block{.context = Context::server, .config = http.config, .server = &server, .opened_by = &statement.name()};
    statement.parse_block(block);
    check_server(statement, block);
}

// "[ADDRESS:]PORT" into listen.address and listen.port.
void parse_listen_endpoint(const Statement& statement, Listen& listen) {
    const std::string& text = statement.value(0);
    const std::size_t colon = text.rfind(':');
    std::string port_text = text;
    if (colon != std::string::npos) {
        const std::string address = text.substr(0, colon);
        in_addr parsed{};
        if (address != "*" && ::inet_pton(AF_INET, address.c_str(), &parsed) != 1) {
            statement.fail_at(statement.argument(0), "invalid address " + in_quotes(address) +
                                                         " in \"listen\": expected an IPv4 address such as "
                                                         "127.0.0.1, or \"*\" for all addresses");
        }
        if (address != "*") listen.address = address;
        port_text = text.substr(colon + 1);
    }
    const auto port = parse_decimal(port_text);
    // Port 0 asks the kernel for any free port (toytls-server logs the one it
    // got): the demo and the tests use it so that they never collide.
    if (!port || *port > 65535) {
        statement.fail_at(statement.argument(0),
                          "invalid port " + in_quotes(port_text) + " in \"listen\": expected a number from 0 to 65535");
    }
    listen.port = static_cast<std::uint16_t>(*port);
}

void set_listen(const Statement& statement, Block& block) {
    Listen listen;
    listen.where = statement.where();
    parse_listen_endpoint(statement, listen);
    for (std::size_t i = 1; i < statement.argument_count(); ++i) {
        const std::string& option = statement.value(i);
        bool* flag = option == "ssl" ? &listen.ssl : option == "default_server" ? &listen.default_server : nullptr;
        if (flag == nullptr) statement.fail_invalid(i, "parameter", "\"ssl\" or \"default_server\"");
        if (*flag) {
            statement.fail_at(statement.argument(i), "duplicate parameter " + in_quotes(option) + " in \"listen\"");
        }
        *flag = true;
    }

    // One address:port is one socket: every server on it must agree on
    // TLS, and at most one may be its default.
    for (const ServerBlock& server : block.config.http.servers) {
        for (const Listen& earlier : server.listens) {
            // Every "listen ...:0" gets a socket (and a port) of its own.
            if (earlier.address != listen.address || earlier.port != listen.port || listen.port == 0) continue;
            const std::string first_given = " (first given at " + line_and_column(earlier.where) + ")";
            if (&server == block.server) {
                statement.fail("duplicate listen " + endpoint(listen) + " in the same server block" + first_given);
            }
            if (earlier.default_server && listen.default_server) {
                statement.fail("duplicate default_server for " + endpoint(listen) + first_given);
            }
            if (earlier.ssl != listen.ssl) {
                statement.fail("conflicting listen " + endpoint(listen) + ": " + (listen.ssl ? "with" : "without") +
                               " \"ssl\" here but " + (earlier.ssl ? "with" : "without") + " it at " +
                               line_and_column(earlier.where) + "; one address:port is either TLS or plain");
            }
        }
    }
    block.server->listens.push_back(std::move(listen));
}

void set_server_name(const Statement& statement, Block& block) {
    for (std::size_t i = 0; i < statement.argument_count(); ++i) {
        // Host names compare case-insensitively; nginx lowercases them here too.
        std::string name = statement.value(i);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        block.server->server_names.push_back(std::move(name));
    }
}

void set_ssl_certificate(const Statement& statement, Block& block) {
    block.server->ssl_certificate = statement.path(0);
    check_certificate_file(statement, *block.server->ssl_certificate, "certificate");
}

void set_ssl_certificate_key(const Statement& statement, Block& block) {
    block.server->ssl_certificate_key = statement.path(0);
    check_private_key_file(statement, *block.server->ssl_certificate_key);
}

void add_ssl_certificate_chain(const Statement& statement, Block& block) {
    block.server->ssl_certificate_chain.push_back(statement.path(0));
    check_certificate_file(statement, block.server->ssl_certificate_chain.back(), "certificate chain");
}

// root and index fill the location when in one, else the server.
void set_root(const Statement& statement, Block& block) {
    if (block.location != nullptr) {
        block.location->root = statement.path(0);
    } else {
        block.server->root = statement.path(0);
    }
}

void set_index(const Statement& statement, Block& block) {
    std::vector<std::string> files;
    for (std::size_t i = 0; i < statement.argument_count(); ++i) {
        if (statement.value(i).empty()) statement.fail_invalid(i, "file name", "a non-empty file name");
        files.push_back(statement.value(i));
    }
    if (block.location != nullptr) {
        block.location->index = std::move(files);
    } else {
        block.server->index = std::move(files);
    }
}

void location_block(const Statement& statement, Block& server_block) {
    const Token& prefix = statement.argument(0);
    if (!prefix.text.starts_with('/')) {
        statement.fail_invalid(0, "location prefix", "a path that starts with \"/\" (regular expressions and "
                                                     "the modifiers =, ~, ~* and ^~ are not supported)");
    }
    ServerBlock& server = *server_block.server;
    for (const Location& earlier : server.locations) {
        if (earlier.prefix == prefix.text) {
            statement.fail_at(prefix, "duplicate location " + in_quotes(prefix.text) + " (first given at " +
                                          line_and_column(earlier.where) + ")");
        }
    }
    Location& location = server.locations.emplace_back();
    location.prefix = prefix.text;
    location.where = statement.where();
    Block block{.context = Context::location,
                .config = server_block.config,
                .server = &server,
                .location = &location,
                .opened_by = &statement.name()};
    statement.parse_block(block);
}

// clang-format off
constexpr Handler set_keepalive_timeout = set_http_time<&HttpSettings::keepalive_timeout>;
constexpr Handler set_client_header_timeout = set_http_time<&HttpSettings::client_header_timeout>;
constexpr Handler set_send_timeout = set_http_time<&HttpSettings::send_timeout>;
constexpr Handler set_ssl_handshake_timeout = set_http_time<&HttpSettings::ssl_handshake_timeout>;

constexpr auto directives = std::to_array<Directive>({
    // name                   allowed in               min, max       repeat        body         handler
    {"worker_processes",      at_top_level,            1, 1,          Repeat::once, Body::none,  set_worker_processes},
    {"error_log",             at_top_level,            1, 2,          Repeat::once, Body::none,  set_error_log},
    {"events",                at_top_level,            0, 0,          Repeat::once, Body::block, events_block},
    {"worker_connections",    in_events,               1, 1,          Repeat::once, Body::none,  set_worker_connections},
    {"http",                  at_top_level,            0, 0,          Repeat::once, Body::block, http_block},
    {"access_log",            in_http,                 1, 1,          Repeat::once, Body::none,  set_access_log},
    {"keepalive_timeout",     in_http,                 1, 1,          Repeat::once, Body::none,  set_keepalive_timeout},
    {"client_header_timeout", in_http,                 1, 1,          Repeat::once, Body::none,  set_client_header_timeout},
    {"send_timeout",          in_http,                 1, 1,          Repeat::once, Body::none,  set_send_timeout},
    {"client_max_body_size",  in_http,                 1, 1,          Repeat::once, Body::none,  set_client_max_body_size},
    {"large_client_header_buffers", in_http,           2, 2,          Repeat::once, Body::none,  set_large_client_header_buffers},
    {"max_headers",           in_http,                 1, 1,          Repeat::once, Body::none,  set_max_headers},
    {"ssl_handshake_timeout", in_http,                 1, 1,          Repeat::once, Body::none,  set_ssl_handshake_timeout},
    {"server",                in_http,                 0, 0,          Repeat::many, Body::block, server_block},
    {"listen",                in_server,               1, 3,          Repeat::many, Body::none,  set_listen},
    {"server_name",           in_server,               1, any_number, Repeat::once, Body::none,  set_server_name},
    {"ssl_certificate",       in_server,               1, 1,          Repeat::once, Body::none,  set_ssl_certificate},
    {"ssl_certificate_key",   in_server,               1, 1,          Repeat::once, Body::none,  set_ssl_certificate_key},
    {"ssl_certificate_chain", in_server,               1, 1,          Repeat::many, Body::none,  add_ssl_certificate_chain},
    {"root",                  in_server | in_location, 1, 1,          Repeat::once, Body::none,  set_root},
    {"index",                 in_server | in_location, 1, any_number, Repeat::once, Body::none,  set_index},
    {"location",              in_server,               1, 1,          Repeat::many, Body::block, location_block},
});
// clang-format on

const Directive* find_directive(std::string_view name) {
    const auto found = std::find_if(directives.begin(), directives.end(),
                                    [&](const Directive& directive) { return directive.name == name; });
    return found == directives.end() ? nullptr : &*found;
}

// "in the "server" and "location" blocks", "at the top level"
std::string where_allowed(unsigned allowed_in) {
    if (allowed_in == at_top_level) return "only at the top level";
    std::vector<std::string> blocks;
    for (Context context : all_contexts) {
        if ((allowed_in & in(context)) != 0) blocks.push_back(in_quotes(block_name(context)));
    }
    std::string list = blocks.front();
    for (std::size_t i = 1; i < blocks.size(); ++i) list += (i + 1 == blocks.size() ? " and " : ", ") + blocks[i];
    return "in the " + list + (blocks.size() == 1 ? " block" : " blocks");
}

std::string expected_arguments(const Directive& directive) {
    if (directive.max_arguments == 0) return "none";
    if (directive.min_arguments == directive.max_arguments) return std::to_string(directive.min_arguments);
    if (directive.max_arguments == any_number) return "at least " + std::to_string(directive.min_arguments);
    return std::to_string(directive.min_arguments) + " to " + std::to_string(directive.max_arguments);
}

Config Parser::parse() {
    Config config;
    Block top_level{.context = Context::main, .config = config};
    parse_block(top_level);
    if (!top_level.seen.contains("http")) fail_at(tokens_.back(), "missing \"http\" block");
    return config;
}

void Parser::parse_block(Block& block) {
    while (true) {
        const Token& token = tokens_[next_++];
        if (token.is_value()) {
            parse_directive(token, block);
        } else if (token.kind == Token::Kind::close_brace) {
            if (block.opened_by == nullptr) fail_at(token, "unexpected \"}\": no block is open here");
            return;
        } else if (token.kind == Token::Kind::end_of_file) {
            if (block.opened_by == nullptr) return;
            fail_at(token, "unexpected end of file, expecting \"}\" to close the " + in_quotes(block.opened_by->text) +
                               " block opened at " + line_and_column(position_of(*block.opened_by)));
        } else {
            fail_at(token, "unexpected " + describe(token) + ": expected a directive name");
        }
    }
}

void Parser::parse_directive(const Token& name, Block& block) {
    const Directive* directive = find_directive(name.text);
    if (directive == nullptr) fail_at(name, "unknown directive " + in_quotes(name.text));
    if ((directive->allowed_in & in(block.context)) == 0) {
        const bool allowed_further_out = (directive->allowed_in & enclosing(block.context)) != 0;
        fail_at(name, in_quotes(name.text) + " directive is not allowed " + where_in(block.context) + " (allowed " +
                          where_allowed(directive->allowed_in) +
                          (allowed_further_out ? "; is a \"}\" missing before it?)" : ")"));
    }

    const std::size_t first_argument = next_;
    while (tokens_[next_].is_value() && !starts_next_directive(next_)) ++next_;
    const auto arguments = std::span<const Token>(tokens_).subspan(first_argument, next_ - first_argument);
    const Token& last = tokens_[next_ - 1];  // the name when there are no arguments
    const Token& end = tokens_[next_];
    if (directive->body == Body::none && end.kind == Token::Kind::open_brace) {
        fail_at(end, "unexpected \"{\": " + in_quotes(name.text) + " is not a block directive, expected \";\"");
    }
    if (directive->body == Body::none && end.kind != Token::Kind::semicolon) {
        // Reported where the ";" belongs, not at whatever comes next.
        throw ConfigError({file_name_, last.end_line, last.end_column},
                          "expected \";\" at the end of the " + in_quotes(name.text) + " directive");
    }
    if (directive->body == Body::block && end.kind != Token::Kind::open_brace) {
        fail_at(end, "expected \"{\" to open the " + in_quotes(name.text) + " block, found " + describe(end));
    }
    ++next_;

    const auto count = static_cast<int>(arguments.size());
    if (count < directive->min_arguments || count > directive->max_arguments) {
        fail_at(name, "invalid number of arguments in " + in_quotes(name.text) + " directive: expected " +
                          expected_arguments(*directive) + ", got " + std::to_string(count));
    }
    const auto [first, inserted] = block.seen.emplace(directive->name, position_of(name));
    if (!inserted && directive->repeat == Repeat::once) {
        fail_at(name, in_quotes(name.text) + " directive is duplicate (first given at " +
                          line_and_column(first->second) + ")");
    }
    directive->handler(Statement(*this, name, arguments), block);
}

// The config's folder, absolute. The folder of "toy.conf" is the current
// one; it is asked for by name because absolute("") throws.
std::filesystem::path folder_of(const std::string& path) {
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    return folder.empty() ? std::filesystem::current_path() : std::filesystem::absolute(folder);
}

}  // namespace

ConfigError::ConfigError(SourcePosition where, const std::string& message)
    : std::runtime_error(format_error(where, message)), where_(std::move(where)) {}

Config parse_config(const std::string& text, const std::string& file_name) {
    return Parser(tokenize_config(text, file_name), file_name, std::nullopt).parse();
}

Config load_config(const std::string& path, const std::string& prefix) {
    std::string error;
    const auto content = toytls::read_file_bytes(path, max_config_file_size, error);
    if (!content) throw ConfigError({path, 0, 0}, error);
    const std::filesystem::path base = prefix.empty() ? folder_of(path) : std::filesystem::absolute(prefix);
    return Parser(tokenize_config(toytls::as_text(*content), path), path, base).parse();
}

}  // namespace webserver
