// The config lexer and parser: every directive into its typed value, the
// defaults, nginx's time and size units, each error with its exact words and
// position, and load_config's path resolution and certificate checks.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "certificate_test_support.hpp"
#include "toytls/key_file.hpp"
#include "webserver/config.hpp"
#include "webserver/config_lexer.hpp"

using namespace std::chrono_literals;
using namespace webserver;
using toytls::testing::DemoLikePki;
using toytls::testing::TemporaryDirectory;

namespace {

// The smallest config that parses: each error test adds one mistake to it.
constexpr std::string_view minimal = "http { server { listen 8080; } }\n";

Config parse(std::string_view text) { return parse_config(std::string(text), "test.conf"); }

// what() of the error, or "(no error)": a test then shows what it got.
std::string error_of(std::string_view text) {
    try {
        parse(text);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "(no error)";
}

std::string load_error_of(const std::string& path, const std::string& prefix = "") {
    try {
        load_config(path, prefix);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "(no error)";
}

// "http { server { listen 8080; BODY } }", a server to put directives in.
std::string in_server(std::string_view body) { return "http { server { listen 8080; " + std::string(body) + " } }"; }

void write_text(const std::string& path, std::string_view text) {
    std::ofstream file(path, std::ios::binary);
    file << text;
    ASSERT_TRUE(file.good()) << path;
}

// A folder with a certificate (server.cert), its key (server.key) and an
// intermediate (intermediate.cert) made by the certificate tests' PKI.
class ConfigFiles : public ::testing::Test {
protected:
    void SetUp() override {
        std::string error;
        ASSERT_TRUE(toytls::write_certificate_file(directory.file("server.cert"), pki.leaf, error)) << error;
        ASSERT_TRUE(toytls::write_private_key_file(directory.file("server.key"), pki.leaf_key, "", error)) << error;
        ASSERT_TRUE(toytls::write_certificate_file(directory.file("intermediate.cert"), pki.intermediate, error))
            << error;
    }

    std::string folder() const { return directory.path().string(); }

    TemporaryDirectory directory;
    DemoLikePki pki;
};

std::string tls_server(std::string_view tls_lines) {
    return "http { server { listen 8443 ssl; " + std::string(tls_lines) + " } }\n";
}

// ---- Lexer ----

TEST(ConfigLexer, TokensCarryTheirKindTextLineAndColumn) {
    const auto tokens = tokenize_config("listen 80;\n  root \"a b\"; # a comment { ;\n}", "test.conf");
    ASSERT_EQ(tokens.size(), 8u);
    using Kind = Token::Kind;
    const std::vector<std::tuple<Kind, std::string, int, int>> expected = {
        {Kind::word, "listen", 1, 1},     {Kind::word, "80", 1, 8},        {Kind::semicolon, ";", 1, 10},
        {Kind::word, "root", 2, 3},       {Kind::string, "a b", 2, 8},     {Kind::semicolon, ";", 2, 13},
        {Kind::close_brace, "}", 3, 1},   {Kind::end_of_file, "", 3, 2},
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto& [kind, text, line, column] = expected[i];
        EXPECT_EQ(tokens[i].kind, kind) << i;
        EXPECT_EQ(tokens[i].text, text) << i;
        EXPECT_EQ(tokens[i].line, line) << i;
        EXPECT_EQ(tokens[i].column, column) << i;
    }
    // The end is just past the last character, quotes included.
    EXPECT_EQ(tokens[4].end_line, 2);
    EXPECT_EQ(tokens[4].end_column, 13);
}

TEST(ConfigLexer, StringsTakeBothQuotesAndEscapes) {
    const auto tokens = tokenize_config(R"("a\"b" 'c\'d' "x\\y" 'say "hi"' "t\q" "{;}" "")", "test.conf");
    ASSERT_EQ(tokens.size(), 8u);
    const std::vector<std::string> expected = {"a\"b", "c'd", "x\\y", "say \"hi\"", "t\\q", "{;}", ""};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(tokens[i].kind, Token::Kind::string) << i;
        EXPECT_EQ(tokens[i].text, expected[i]) << i;
    }
}

TEST(ConfigLexer, StringsMaySpanLines) {
    const auto tokens = tokenize_config("\"a\nb\" c", "test.conf");
    EXPECT_EQ(tokens[0].text, "a\nb");
    EXPECT_EQ(tokens[0].end_line, 2);
    EXPECT_EQ(tokens[1].line, 2);
    EXPECT_EQ(tokens[1].column, 4);
}

TEST(ConfigLexer, HashStartsACommentOnlyWhereATokenCould) {
    const auto tokens = tokenize_config("a#b #c d\n\"#e\"", "test.conf");
    ASSERT_EQ(tokens.size(), 3u);
    EXPECT_EQ(tokens[0].text, "a#b");
    EXPECT_EQ(tokens[1].text, "#e");
}

TEST(ConfigLexer, ColumnsCountCharactersNotBytes) {
    const auto tokens = tokenize_config("root /caf\xc3\xa9 x;", "test.conf");  // "café": 4 characters, 5 bytes
    ASSERT_EQ(tokens.size(), 5u);
    EXPECT_EQ(tokens[1].end_column, 11);
    EXPECT_EQ(tokens[2].column, 12);
}

TEST(ConfigLexer, UnterminatedStringIsReportedAtItsOpeningQuote) {
    EXPECT_EQ(error_of("http {\n    root \"html;\n}\n"),
              "test.conf:2:10: unterminated string: no closing \" before the end of the file");
    EXPECT_EQ(error_of("root 'html;"), "test.conf:1:6: unterminated string: no closing ' before the end of the file");
}

TEST(ConfigLexer, StrayCharactersAreErrorsWithTheirPosition) {
    EXPECT_EQ(error_of("root ht\"ml\";"),
              "test.conf:1:8: unexpected \"\"\" inside a word: a quoted string must start at the beginning of a value");
    EXPECT_EQ(error_of("root \"html\"x;"),
              "test.conf:1:12: unexpected \"x\" after a closing quote: expected a space, \";\", \"{\" or \"}\"");
    EXPECT_EQ(error_of("root h\x01tml;"), "test.conf:1:7: unexpected control character (the byte 0x01)");
}

// ---- Parsing every directive ----

constexpr std::string_view full_example = R"(# Every directive, with comments and quotes where nginx allows them.
worker_processes 4;
error_log logs/error.log info;
http {
    access_log "logs/access.log";   # quoted: the same as a word
    keepalive_timeout 65s;
    client_header_timeout 30s;
    send_timeout 2m;
    client_max_body_size 8k;
    server {
        listen 8080;
        listen 127.0.0.1:8443 ssl default_server;
        server_name localhost 'Example.ORG';
        ssl_certificate       ../certs/server.cert;
        ssl_certificate_key   ../certs/server.key;
        ssl_certificate_chain ../certs/intermediate.cert;
        ssl_certificate_chain ../certs/root.cert;
        root html;
        index index.html index.htm;
        location /docs/ { root docs; index "start page.html"; }
        location /img/ {
            root /srv/images;   # absolute: kept as it is
        }
    }
    server {
        listen *:9090 default_server;
    }
}
)";

TEST(ConfigParser, EveryDirectiveIsParsedIntoItsTypedValue) {
    const Config config = parse(full_example);
    EXPECT_EQ(config.worker_processes, 4);
    EXPECT_EQ(config.error_log, "logs/error.log");  // parse_config leaves paths as written
    EXPECT_EQ(config.error_log_level, LogLevel::info);

    const HttpSettings& http = config.http;
    EXPECT_EQ(http.access_log, "logs/access.log");
    EXPECT_EQ(http.keepalive_timeout, 65s);
    EXPECT_EQ(http.client_header_timeout, 30s);
    EXPECT_EQ(http.send_timeout, 2min);
    EXPECT_EQ(http.client_max_body_size, 8u * 1024);
    ASSERT_EQ(http.servers.size(), 2u);

    const ServerBlock& server = http.servers[0];
    EXPECT_EQ(server.where.line, 10);
    EXPECT_EQ(server.where.column, 5);
    ASSERT_EQ(server.listens.size(), 2u);
    EXPECT_EQ(server.listens[0].address, "0.0.0.0");
    EXPECT_EQ(server.listens[0].port, 8080);
    EXPECT_FALSE(server.listens[0].ssl);
    EXPECT_FALSE(server.listens[0].default_server);
    EXPECT_EQ(server.listens[0].where.line, 11);
    EXPECT_EQ(server.listens[0].where.column, 9);
    EXPECT_EQ(server.listens[1].address, "127.0.0.1");
    EXPECT_EQ(server.listens[1].port, 8443);
    EXPECT_TRUE(server.listens[1].ssl);
    EXPECT_TRUE(server.listens[1].default_server);
    EXPECT_EQ(server.server_names, (std::vector<std::string>{"localhost", "example.org"}));
    EXPECT_EQ(server.ssl_certificate, "../certs/server.cert");
    EXPECT_EQ(server.ssl_certificate_key, "../certs/server.key");
    EXPECT_EQ(server.ssl_certificate_chain,
              (std::vector<std::string>{"../certs/intermediate.cert", "../certs/root.cert"}));
    EXPECT_EQ(server.root, "html");
    EXPECT_EQ(server.index, (std::vector<std::string>{"index.html", "index.htm"}));

    ASSERT_EQ(server.locations.size(), 2u);
    EXPECT_EQ(server.locations[0].prefix, "/docs/");
    EXPECT_EQ(server.locations[0].root, "docs");
    EXPECT_EQ(server.locations[0].index, (std::vector<std::string>{"start page.html"}));
    EXPECT_EQ(server.locations[0].where.line, 20);
    EXPECT_EQ(server.locations[0].where.column, 9);
    EXPECT_EQ(server.locations[1].prefix, "/img/");
    EXPECT_EQ(server.locations[1].root, "/srv/images");
    EXPECT_FALSE(server.locations[1].index.has_value());  // inherits the server's

    const ServerBlock& second = http.servers[1];
    ASSERT_EQ(second.listens.size(), 1u);
    EXPECT_EQ(second.listens[0].address, "0.0.0.0");  // "*" means every address
    EXPECT_EQ(second.listens[0].port, 9090);
    EXPECT_TRUE(second.listens[0].default_server);
}

TEST(ConfigParser, DefaultsWhenDirectivesAreAbsent) {
    const Config config = parse(minimal);
    EXPECT_EQ(config.worker_processes, 1);
    EXPECT_EQ(config.error_log, "stderr");
    EXPECT_EQ(config.error_log_level, LogLevel::error);
    EXPECT_FALSE(config.http.access_log.has_value());
    EXPECT_EQ(config.http.keepalive_timeout, 75s);
    EXPECT_EQ(config.http.client_header_timeout, 60s);
    EXPECT_EQ(config.http.send_timeout, 60s);
    EXPECT_EQ(config.http.client_max_body_size, 1024u * 1024);
    ASSERT_EQ(config.http.servers.size(), 1u);
    const ServerBlock& server = config.http.servers[0];
    EXPECT_TRUE(server.server_names.empty());
    EXPECT_FALSE(server.ssl_certificate.has_value());
    EXPECT_FALSE(server.ssl_certificate_key.has_value());
    EXPECT_TRUE(server.ssl_certificate_chain.empty());
    EXPECT_EQ(server.root, "html");
    EXPECT_EQ(server.index, std::vector<std::string>{"index.html"});
    EXPECT_TRUE(server.locations.empty());
}

TEST(ConfigParser, AnHttpBlockWithoutServersIsAllowedAsInNginx) {
    EXPECT_TRUE(parse("http { }").http.servers.empty());
}

TEST(ConfigParser, TimeUnits) {
    const std::vector<std::pair<std::string, std::chrono::milliseconds>> cases = {
        {"0", 0ms},     {"30", 30s},   {"250ms", 250ms}, {"65s", 65s},
        {"5m", 5min},   {"2h", 2h},    {"1d", 24h},      {"365d", 365 * 24h},
    };
    for (const auto& [text, expected] : cases) {
        EXPECT_EQ(parse("http { keepalive_timeout " + text + "; }").http.keepalive_timeout, expected) << text;
    }
}

TEST(ConfigParser, SizeUnits) {
    const std::vector<std::pair<std::string, std::uint64_t>> cases = {
        {"0", 0},
        {"512", 512},
        {"8k", 8 * 1024},
        {"8K", 8 * 1024},
        {"10m", 10 * 1024 * 1024},
        {"10M", 10 * 1024 * 1024},
        {"2g", 2ull * 1024 * 1024 * 1024},
        {"2G", 2ull * 1024 * 1024 * 1024},
    };
    for (const auto& [text, expected] : cases) {
        EXPECT_EQ(parse("http { client_max_body_size " + text + "; }").http.client_max_body_size, expected) << text;
    }
}

TEST(ConfigParser, BadTimesAreRejected) {
    for (const std::string text : {"10x", "1w", "1M", "1h30m", "-5s", "s", "1.5s", "5S", "99999999999999999999"}) {
        EXPECT_EQ(error_of("http { send_timeout " + text + "; }"),
                  "test.conf:1:21: invalid time \"" + text +
                      "\" in \"send_timeout\": expected a number with an optional unit ms, s, m, h or d (e.g. 65s)")
            << text;
    }
    EXPECT_EQ(error_of("http {\n  client_header_timeout 366d;\n}"),
              "test.conf:2:25: time \"366d\" in \"client_header_timeout\" is too large: at most 365d");
}

TEST(ConfigParser, BadSizesAreRejected) {
    for (const std::string text : {"1x", "1kb", "1t", "k", "-1", "1.5m", "99999999999g"}) {
        EXPECT_EQ(error_of("http { client_max_body_size " + text + "; }"),
                  "test.conf:1:29: invalid size \"" + text +
                      "\" in \"client_max_body_size\": expected a number with an optional unit k, m or g (e.g. 1m)")
            << text;
    }
}

TEST(ConfigParser, WorkerProcesses) {
    EXPECT_EQ(parse("worker_processes 64; " + std::string(minimal)).worker_processes, 64);
    const int automatic = parse("worker_processes auto; " + std::string(minimal)).worker_processes;
    EXPECT_GE(automatic, 1);
    EXPECT_LE(automatic, 64);
    for (const std::string text : {"0", "65", "two", "-1", ""}) {
        EXPECT_EQ(error_of("worker_processes \"" + text + "\";"),
                  "test.conf:1:18: invalid value \"" + text +
                      "\" in \"worker_processes\": expected a number from 1 to 64 or \"auto\"")
            << text;
    }
}

TEST(ConfigParser, ErrorLogTakesStderrAndEveryLevel) {
    EXPECT_EQ(parse("error_log stderr; " + std::string(minimal)).error_log, "stderr");
    const std::vector<std::pair<std::string, LogLevel>> levels = {
        {"debug", LogLevel::debug}, {"info", LogLevel::info},   {"notice", LogLevel::notice},
        {"warn", LogLevel::warn},   {"error", LogLevel::error}, {"crit", LogLevel::crit},
    };
    for (const auto& [word, level] : levels) {
        EXPECT_EQ(parse("error_log stderr " + word + "; " + std::string(minimal)).error_log_level, level) << word;
    }
    EXPECT_EQ(error_of("error_log stderr loud;"),
              "test.conf:1:18: invalid log level \"loud\" in \"error_log\": expected debug, info, notice, warn, error "
              "or crit");
    EXPECT_EQ(error_of("error_log \"\";"), "test.conf:1:11: invalid path \"\" in \"error_log\": expected a file or "
                                           "folder name");
}

TEST(ConfigParser, AccessLogOffAndOn) {
    EXPECT_FALSE(parse("http { access_log off; }").http.access_log.has_value());
    EXPECT_EQ(parse("http { access_log /var/log/toy.log; }").http.access_log, "/var/log/toy.log");
}

TEST(ConfigParser, ListenForms) {
    const Config config = parse(
        "http { server { listen 80; listen *:81; listen 10.1.2.3:65535 ssl; listen 127.0.0.1:82 default_server ssl; "
        "ssl_certificate c; ssl_certificate_key k; } }");
    const auto& listens = config.http.servers[0].listens;
    ASSERT_EQ(listens.size(), 4u);
    EXPECT_EQ(listens[0].address + ":" + std::to_string(listens[0].port), "0.0.0.0:80");
    EXPECT_EQ(listens[1].address + ":" + std::to_string(listens[1].port), "0.0.0.0:81");
    EXPECT_EQ(listens[2].address + ":" + std::to_string(listens[2].port), "10.1.2.3:65535");
    EXPECT_TRUE(listens[2].ssl);
    EXPECT_FALSE(listens[2].default_server);
    EXPECT_TRUE(listens[3].ssl);
    EXPECT_TRUE(listens[3].default_server);
}

TEST(ConfigParser, ResourceLimits) {
    webserver::Config defaults = webserver::parse_config("http { }", "test.conf");
    EXPECT_EQ(defaults.worker_connections, 1024);
    EXPECT_EQ(defaults.http.header_buffer_count, 4u);
    EXPECT_EQ(defaults.http.header_buffer_size, 8192u);
    EXPECT_EQ(defaults.http.max_headers, 100u);
    EXPECT_EQ(defaults.http.ssl_handshake_timeout, std::chrono::seconds(60));

    webserver::Config config = webserver::parse_config(
        "events { worker_connections 512; }\n"
        "http { large_client_header_buffers 2 1k; max_headers 20; ssl_handshake_timeout 5s; }",
        "test.conf");
    EXPECT_EQ(config.worker_connections, 512);
    EXPECT_EQ(config.http.header_buffer_count, 2u);
    EXPECT_EQ(config.http.header_buffer_size, 1024u);
    EXPECT_EQ(config.http.max_headers, 20u);
    EXPECT_EQ(config.http.ssl_handshake_timeout, std::chrono::seconds(5));

    EXPECT_EQ(error_of("events { worker_connections 1; }"),
              "test.conf:1:29: invalid value \"1\" in \"worker_connections\": expected a number from 2 to 1000000");
    EXPECT_EQ(error_of("http { worker_connections 10; }"),
              "test.conf:1:8: \"worker_connections\" directive is not allowed in the \"http\" block (allowed in "
              "the \"events\" block)");
    EXPECT_EQ(error_of("http { large_client_header_buffers 0 8k; }"),
              "test.conf:1:36: invalid number of buffers \"0\" in \"large_client_header_buffers\": expected a number "
              "from 1 to 64");
    EXPECT_EQ(error_of("http { max_headers 0; }"),
              "test.conf:1:20: invalid value \"0\" in \"max_headers\": expected a number from 1 to 10000");
}

TEST(ConfigParser, PortZeroMeansAnyFreePortAndMayRepeat) {
    webserver::Config config = webserver::parse_config(
        "http { server { listen 127.0.0.1:0; listen 127.0.0.1:0 ssl; ssl_certificate a; ssl_certificate_key b; } }",
        "test.conf");
    ASSERT_EQ(config.http.servers[0].listens.size(), 2u);
    EXPECT_EQ(config.http.servers[0].listens[0].port, 0);
    EXPECT_TRUE(config.http.servers[0].listens[1].ssl);
}

TEST(ConfigParser, BadListenAddressesAndPorts) {
    for (const std::string port : {"65536", "http", "", "-1", "99999999999999999999999"}) {
        EXPECT_EQ(error_of("http { server { listen 127.0.0.1:" + port + "; } }"),
                  "test.conf:1:24: invalid port \"" + port + "\" in \"listen\": expected a number from 0 to 65535")
            << port;
    }
    EXPECT_EQ(error_of("http { server { listen 127.0.0.1; } }"),
              "test.conf:1:24: invalid port \"127.0.0.1\" in \"listen\": expected a number from 0 to 65535");
    for (const std::string address : {"localhost", "256.0.0.1", "1.2.3", "01.2.3.4", "[::1]", ""}) {
        EXPECT_EQ(error_of("http { server { listen " + address + ":80; } }"),
                  "test.conf:1:24: invalid address \"" + address +
                      "\" in \"listen\": expected an IPv4 address such as 127.0.0.1, or \"*\" for all addresses")
            << address;
    }
    EXPECT_EQ(error_of("http { server { listen 80 http2; } }"),
              "test.conf:1:27: invalid parameter \"http2\" in \"listen\": expected \"ssl\" or \"default_server\"");
    EXPECT_EQ(error_of("http { server { listen 80 ssl ssl; } }"),
              "test.conf:1:31: duplicate parameter \"ssl\" in \"listen\"");
}

TEST(ConfigParser, CommentsAndQuotedStringsAnywhere) {
    const Config config = parse(R"(# leading comment
http { # after a brace
    server {
        listen "8080";          # a quoted number is still a number
        server_name 'a.example' "b.example";
        root "/srv/my site";    # a space inside quotes
        index "{;}.html";       # braces and ";" inside quotes are text
        location "/with space/" { }
    }
} # trailing comment)");
    const ServerBlock& server = config.http.servers[0];
    EXPECT_EQ(server.listens[0].port, 8080);
    EXPECT_EQ(server.server_names, (std::vector<std::string>{"a.example", "b.example"}));
    EXPECT_EQ(server.root, "/srv/my site");
    EXPECT_EQ(server.index, std::vector<std::string>{"{;}.html"});
    EXPECT_EQ(server.locations[0].prefix, "/with space/");
}

// ---- Errors: structure ----

TEST(ConfigErrors, WhereMatchesTheMessage) {
    try {
        parse("http {\n  bogus;\n}");
        FAIL() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.where().file, "test.conf");
        EXPECT_EQ(error.where().line, 2);
        EXPECT_EQ(error.where().column, 3);
        EXPECT_STREQ(error.what(), "test.conf:2:3: unknown directive \"bogus\"");
    }
}

TEST(ConfigErrors, UnknownDirective) {
    EXPECT_EQ(error_of("http { server { listen 80; proxy_pass http://x; } }"),
              "test.conf:1:28: unknown directive \"proxy_pass\"");
}

TEST(ConfigErrors, DirectiveInTheWrongBlock) {
    EXPECT_EQ(error_of("http {\n    root html;\n}"),
              "test.conf:2:5: \"root\" directive is not allowed in the \"http\" block (allowed in the \"server\" and "
              "\"location\" blocks)");
    EXPECT_EQ(error_of("listen 80;"),
              "test.conf:1:1: \"listen\" directive is not allowed at the top level (allowed in the \"server\" block)");
    EXPECT_EQ(error_of(in_server("worker_processes 2;")),
              "test.conf:1:30: \"worker_processes\" directive is not allowed in the \"server\" block (allowed only at "
              "the top level; is a \"}\" missing before it?)");
    EXPECT_EQ(error_of(in_server("location /a/ { location /b/ { } }")),
              "test.conf:1:45: \"location\" directive is not allowed in the \"location\" block (allowed in the "
              "\"server\" block; is a \"}\" missing before it?)");
    EXPECT_EQ(error_of(in_server("location /a/ { listen 81; }")),
              "test.conf:1:45: \"listen\" directive is not allowed in the \"location\" block (allowed in the "
              "\"server\" block; is a \"}\" missing before it?)");
}

TEST(ConfigErrors, WrongNumberOfArguments) {
    EXPECT_EQ(error_of(in_server("root;")),
              "test.conf:1:30: invalid number of arguments in \"root\" directive: expected 1, got 0");
    EXPECT_EQ(error_of(in_server("root a b;")),
              "test.conf:1:30: invalid number of arguments in \"root\" directive: expected 1, got 2");
    EXPECT_EQ(error_of(in_server("server_name;")),
              "test.conf:1:30: invalid number of arguments in \"server_name\" directive: expected at least 1, got 0");
    EXPECT_EQ(error_of("error_log a info extra;"),
              "test.conf:1:1: invalid number of arguments in \"error_log\" directive: expected 1 to 2, got 3");
    EXPECT_EQ(error_of("http { server { listen 80 ssl default_server extra; } }"),
              "test.conf:1:17: invalid number of arguments in \"listen\" directive: expected 1 to 3, got 4");
    EXPECT_EQ(error_of("http now { }"),
              "test.conf:1:1: invalid number of arguments in \"http\" directive: expected none, got 1");
    EXPECT_EQ(error_of(in_server("location { }")),
              "test.conf:1:30: invalid number of arguments in \"location\" directive: expected 1, got 0");
}

TEST(ConfigErrors, MissingSemicolonIsReportedWhereItBelongs) {
    // Before a "}": at the end of the last argument.
    EXPECT_EQ(error_of("http { server { listen 80; root html } }"),
              "test.conf:1:37: expected \";\" at the end of the \"root\" directive");
    // Before the next directive on the next line: the same, not "3 arguments".
    EXPECT_EQ(error_of("http {\n  server {\n    listen 8080\n    root html;\n  }\n}"),
              "test.conf:3:16: expected \";\" at the end of the \"listen\" directive");
    // At the end of the file.
    EXPECT_EQ(error_of("worker_processes 2"), "test.conf:1:19: expected \";\" at the end of the \"worker_processes\" "
                                                "directive");
    // A block where a ";" was due.
    EXPECT_EQ(error_of(in_server("root html { }")),
              "test.conf:1:40: unexpected \"{\": \"root\" is not a block directive, expected \";\"");
}

TEST(ConfigErrors, MissingOpeningBrace) {
    EXPECT_EQ(error_of("http;"), "test.conf:1:5: expected \"{\" to open the \"http\" block, found \";\"");
    EXPECT_EQ(error_of("http {\n  server\n    listen 80;\n}"),
              "test.conf:3:5: expected \"{\" to open the \"server\" block, found \"listen\"");
    EXPECT_EQ(error_of("http"), "test.conf:1:5: expected \"{\" to open the \"http\" block, found end of file");
}

TEST(ConfigErrors, MissingClosingBraceIsAnUnexpectedEndOfFile) {
    EXPECT_EQ(error_of("http {\n    server {\n        listen 80;\n}\n"),
              "test.conf:5:1: unexpected end of file, expecting \"}\" to close the \"http\" block opened at line 1, "
              "column 1");
    EXPECT_EQ(error_of("http { server { listen 80;"),
              "test.conf:1:27: unexpected end of file, expecting \"}\" to close the \"server\" block opened at line 1, "
              "column 8");
}

TEST(ConfigErrors, UnexpectedPunctuation) {
    EXPECT_EQ(error_of(std::string(minimal) + "}"), "test.conf:2:1: unexpected \"}\": no block is open here");
    EXPECT_EQ(error_of("http { ; }"), "test.conf:1:8: unexpected \";\": expected a directive name");
    EXPECT_EQ(error_of("{ }"), "test.conf:1:1: unexpected \"{\": expected a directive name");
}

TEST(ConfigErrors, NonRepeatableDirectiveGivenTwice) {
    EXPECT_EQ(error_of(in_server("root a;\n  root b;")),
              "test.conf:2:3: \"root\" directive is duplicate (first given at line 1, column 30)");
    EXPECT_EQ(error_of("http { }\nhttp { }"),
              "test.conf:2:1: \"http\" directive is duplicate (first given at line 1, column 1)");
    // The same directive in two different blocks is not a duplicate.
    EXPECT_NO_THROW(parse(in_server("root a; location /x/ { root b; }")));
}

TEST(ConfigErrors, MissingHttpBlock) {
    EXPECT_EQ(error_of("worker_processes 2;\n"), "test.conf:2:1: missing \"http\" block");
    EXPECT_EQ(error_of(""), "test.conf:1:1: missing \"http\" block");
}

TEST(ConfigErrors, ServerWithoutListen) {
    EXPECT_EQ(error_of("http {\n  server { root html; }\n}"),
              "test.conf:2:3: the \"server\" block has no \"listen\" directive: expected at least one, e.g. \"listen "
              "8080;\"");
}

TEST(ConfigErrors, LocationPrefixMustStartWithSlash) {
    EXPECT_EQ(error_of(in_server("location docs/ { }")),
              "test.conf:1:39: invalid location prefix \"docs/\" in \"location\": expected a path that starts with "
              "\"/\" (regular expressions and the modifiers =, ~, ~* and ^~ are not supported)");
    EXPECT_EQ(error_of(in_server("location = /x { }")),
              "test.conf:1:30: invalid number of arguments in \"location\" directive: expected 1, got 2");
}

TEST(ConfigErrors, DuplicateLocation) {
    EXPECT_EQ(error_of(in_server("location /a/ { }\n  location /a/ { }")),
              "test.conf:2:12: duplicate location \"/a/\" (first given at line 1, column 30)");
}

// ---- Errors: listeners ----

TEST(ConfigErrors, DuplicateListenInOneServer) {
    EXPECT_EQ(error_of("http {\n  server {\n    listen 8080;\n    listen *:8080;\n  }\n}"),
              "test.conf:4:5: duplicate listen 0.0.0.0:8080 in the same server block (first given at line 3, column 5)");
}

TEST(ConfigParser, TheSamePortInTwoServersIsFine) {
    const Config config = parse("http { server { listen 8080; server_name a; } server { listen 8080; server_name b; } }");
    EXPECT_EQ(config.http.servers.size(), 2u);
}

TEST(ConfigErrors, DefaultServerTwiceForOneAddressAndPort) {
    EXPECT_EQ(error_of("http {\n  server { listen 8080 default_server; }\n  server { listen 8080 default_server; }\n}"),
              "test.conf:3:12: duplicate default_server for 0.0.0.0:8080 (first given at line 2, column 12)");
    // On different ports each may have its own default.
    EXPECT_NO_THROW(parse("http { server { listen 80 default_server; } server { listen 81 default_server; } }"));
}

TEST(ConfigErrors, OneAddressAndPortIsEitherTlsOrPlain) {
    EXPECT_EQ(error_of("http {\n  server { listen 8443 ssl; ssl_certificate c; ssl_certificate_key k; }\n"
                       "  server { listen 8443; }\n}"),
              "test.conf:3:12: conflicting listen 0.0.0.0:8443: without \"ssl\" here but with it at line 2, column 12; "
              "one address:port is either TLS or plain");
}

TEST(ConfigErrors, SslListenerNeedsCertificateAndKey) {
    EXPECT_EQ(error_of("http {\n  server {\n    listen 8443 ssl;\n  }\n}"),
              "test.conf:3:5: the ssl listener 0.0.0.0:8443 needs \"ssl_certificate\" in its server block");
    EXPECT_EQ(error_of("http {\n  server {\n    listen 8443 ssl;\n    ssl_certificate c;\n  }\n}"),
              "test.conf:3:5: the ssl listener 0.0.0.0:8443 needs \"ssl_certificate_key\" in its server block");
    // Given after the listen is just as good.
    EXPECT_NO_THROW(parse(tls_server("ssl_certificate c; ssl_certificate_key k;")));
}

TEST(ConfigErrors, CertificateKeyAndChainComeTogether) {
    EXPECT_EQ(error_of(in_server("ssl_certificate c;")),
              "test.conf:1:30: \"ssl_certificate\" is given without \"ssl_certificate_key\" in the same server block");
    EXPECT_EQ(error_of(in_server("ssl_certificate_key k;")),
              "test.conf:1:30: \"ssl_certificate_key\" is given without \"ssl_certificate\" in the same server block");
    EXPECT_EQ(error_of(in_server("ssl_certificate_chain i;")),
              "test.conf:1:30: \"ssl_certificate_chain\" is given without \"ssl_certificate\" in the same server block");
}

TEST(ConfigParser, ParseConfigOpensNoFile) {
    const Config config = parse(tls_server("ssl_certificate /nonexistent/c; ssl_certificate_key relative/k;"));
    EXPECT_EQ(config.http.servers[0].ssl_certificate, "/nonexistent/c");
    EXPECT_EQ(config.http.servers[0].ssl_certificate_key, "relative/k");
}

// ---- load_config ----

TEST_F(ConfigFiles, RelativePathsResolveAgainstTheConfigFolder) {
    write_text(directory.file("toy.conf"), R"(error_log logs/error.log;
http {
    access_log logs/access.log;
    server {
        listen 8443 ssl;
        ssl_certificate server.cert;
        ssl_certificate_key ./server.key;
        ssl_certificate_chain intermediate.cert;
        location /docs/ { root docs; }
        location /abs/ { root /srv/abs; }
        location /inherit/ { }
    }
})");
    const Config config = load_config(directory.file("toy.conf"));
    const std::string base = folder() + "/";
    EXPECT_EQ(config.error_log, base + "logs/error.log");
    EXPECT_EQ(config.http.access_log, base + "logs/access.log");
    const ServerBlock& server = config.http.servers[0];
    EXPECT_EQ(server.ssl_certificate, base + "server.cert");
    EXPECT_EQ(server.ssl_certificate_key, base + "./server.key");
    EXPECT_EQ(server.ssl_certificate_chain, std::vector<std::string>{base + "intermediate.cert"});
    EXPECT_EQ(server.root, base + "html");  // the default root is resolved too
    EXPECT_EQ(server.locations[0].root, base + "docs");
    EXPECT_EQ(server.locations[1].root, "/srv/abs");
    EXPECT_FALSE(server.locations[2].root.has_value());
}

TEST_F(ConfigFiles, RelativePathsResolveAgainstAnExplicitPrefix) {
    write_text(directory.file("toy.conf"), "error_log stderr;\nhttp { access_log off; server { listen 80; root www; } }");
    const Config config = load_config(directory.file("toy.conf"), "/opt/toy");
    EXPECT_EQ(config.error_log, "stderr");  // a name, not a path
    EXPECT_FALSE(config.http.access_log.has_value());
    EXPECT_EQ(config.http.servers[0].root, "/opt/toy/www");
}

TEST_F(ConfigFiles, CertificatesResolveAgainstThePrefixToo) {
    std::filesystem::create_directory(directory.path() / "conf");
    write_text(directory.file("conf/toy.conf"),
               tls_server("ssl_certificate server.cert; ssl_certificate_key server.key;"));
    EXPECT_EQ(load_config(directory.file("conf/toy.conf"), folder()).http.servers[0].ssl_certificate,
              folder() + "/server.cert");
    // Without the prefix they are looked for next to the config, where they are not.
    EXPECT_EQ(load_error_of(directory.file("conf/toy.conf")),
              directory.file("conf/toy.conf") + ":1:34: cannot open certificate file \"" + folder() +
                  "/conf/server.cert\": No such file or directory");
}

TEST_F(ConfigFiles, MissingCertificateKeyOrChainFile) {
    write_text(directory.file("toy.conf"),
               "http {\n  server {\n    listen 8443 ssl;\n    ssl_certificate missing.cert;\n"
               "    ssl_certificate_key server.key;\n  }\n}\n");
    EXPECT_EQ(load_error_of(directory.file("toy.conf")),
              directory.file("toy.conf") + ":4:5: cannot open certificate file \"" + folder() +
                  "/missing.cert\": No such file or directory");

    write_text(directory.file("key.conf"), tls_server("ssl_certificate server.cert; ssl_certificate_key nokey;"));
    EXPECT_EQ(load_error_of(directory.file("key.conf")),
              directory.file("key.conf") + ":1:63: cannot open private key file \"" + folder() +
                  "/nokey\": No such file or directory");

    write_text(directory.file("chain.conf"),
               tls_server("ssl_certificate server.cert; ssl_certificate_key server.key; ssl_certificate_chain no;"));
    EXPECT_EQ(load_error_of(directory.file("chain.conf")),
              directory.file("chain.conf") + ":1:95: cannot open certificate chain file \"" + folder() +
                  "/no\": No such file or directory");
}

TEST_F(ConfigFiles, FilesThatDoNotLoadAreRefusedWithTheLoadersWords) {
    write_text(directory.file("garbage.cert"), "not a certificate\n");
    write_text(directory.file("toy.conf"),
               tls_server("ssl_certificate garbage.cert; ssl_certificate_key server.key;"));
    const std::string error = load_error_of(directory.file("toy.conf"));
    EXPECT_TRUE(error.starts_with(directory.file("toy.conf") + ":1:34: cannot load certificate file \"" + folder() +
                                  "/garbage.cert\": "))
        << error;

    // A certificate given as the key: the key parser's words, never the file's lines.
    write_text(directory.file("swapped.conf"),
               tls_server("ssl_certificate server.cert; ssl_certificate_key server.cert;"));
    const std::string swapped = load_error_of(directory.file("swapped.conf"));
    EXPECT_TRUE(swapped.starts_with(directory.file("swapped.conf") + ":1:63: cannot load private key file \"" +
                                    folder() + "/server.cert\": "))
        << swapped;
}

TEST_F(ConfigFiles, KeyMustMatchTheCertificate) {
    std::string error;
    ASSERT_TRUE(toytls::write_private_key_file(directory.file("other.key"), pki.root_key, "", error)) << error;
    write_text(directory.file("toy.conf"), tls_server("ssl_certificate server.cert;\nssl_certificate_key other.key;"));
    EXPECT_EQ(load_error_of(directory.file("toy.conf")),
              directory.file("toy.conf") + ":2:1: the private key \"" + folder() +
                  "/other.key\" does not match the certificate \"" + folder() + "/server.cert\"");
}

TEST_F(ConfigFiles, SslListenerWithoutCertificateIsRefusedByLoadConfigToo) {
    write_text(directory.file("toy.conf"), "http {\n  server {\n    listen 8443 ssl;\n  }\n}\n");
    EXPECT_EQ(load_error_of(directory.file("toy.conf")),
              directory.file("toy.conf") +
                  ":3:5: the ssl listener 0.0.0.0:8443 needs \"ssl_certificate\" in its server block");
}

TEST_F(ConfigFiles, UnreadableConfigFileNamesThePath) {
    EXPECT_EQ(load_error_of(directory.file("absent.conf")),
              directory.file("absent.conf") + ": cannot open: No such file or directory");
}

TEST(ConfigFixtures, SyntaxErrorsNameTheFileAsGiven) {
    const std::string path = TOYTLS_TEST_DATA "/config/missing_semicolon.conf";
    EXPECT_EQ(load_error_of(path), path + ":3:20: expected \";\" at the end of the \"listen\" directive");
}

TEST(ConfigFixtures, TheHeaderExampleLoadsWithTheDemoCertificates) {
    const std::string folder = TOYTLS_TEST_DATA "/config";
    const Config config = load_config(folder + "/example.conf");
    const ServerBlock& server = config.http.servers.at(0);
    EXPECT_EQ(server.ssl_certificate, folder + "/../../../certs/server.cert");
    EXPECT_EQ(server.ssl_certificate_key, folder + "/../../../certs/server.key");
    EXPECT_EQ(server.ssl_certificate_chain, std::vector<std::string>{folder + "/../../../certs/intermediate.cert"});
    EXPECT_EQ(server.root, folder + "/html");
    EXPECT_EQ(server.locations.at(0).root, folder + "/docs");
    EXPECT_EQ(config.error_log_level, LogLevel::info);
    EXPECT_EQ(config.http.keepalive_timeout, 65s);
}

}  // namespace
