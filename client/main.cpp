// toytls-client: a small curl for http:// and toytls:// URLs. It parses the
// command line, loads the trusted roots, and hands the rest to fetch()
// (client/fetch.hpp); its own job is to turn the outcome into output and a
// documented exit code.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/fetch.hpp"
#include "client/key_log_file.hpp"
#include "client/url.hpp"
#include "toytls/key_file.hpp"
#include "webserver/unique_fd.hpp"

namespace {

using namespace toytls_client;

// The exit codes are part of the interface: scripts and tests test them.
enum ExitCode : int {
    exit_ok = 0,
    exit_usage = 2,             // bad option or URL, unreadable --cacert, unusable server name
    exit_cannot_connect = 3,    // the host does not resolve, or refuses the connection
    exit_handshake_failed = 4,  // the ToyTLS handshake failed
    exit_truncated = 5,         // the response was cut short (ToyTLS: EOF without close_notify)
    exit_http_error = 6,        // --fail and a status of 400 or more
    exit_other_error = 7,       // timeout, I/O error, malformed response, failure after the handshake
};

// The demo root from the source tree (certs/root.cert), the default --cacert.
constexpr std::string_view demo_root_path = TOYTLS_SOURCE_DIR "/certs/root.cert";

constexpr std::string_view usage_text = R"(Usage: toytls-client [options] URL

Fetches URL with one HTTP/1.1 request and writes the response body to
standard output. URL is one of
  http://HOST[:PORT]/PATH     plain HTTP over TCP (port 80 by default)
  toytls://HOST[:PORT]/PATH   HTTP inside ToyTLS v1 (port 8443 by default)
HOST may be a name, an IPv4 address or an IPv6 address in brackets ([::1]).

Options:
  --cacert FILE           trust this root certificate (repeatable); by default
                          the demo root of the source tree, certs/root.cert
  --servername NAME       the server name to send and to check the certificate
                          against (default: the URL's host)
  --insecure              DO NOT verify the certificate chain (labs only)
  --keylog FILE           append the session secrets to FILE (created mode 0600);
                          anyone with FILE can decrypt the session
  -i                      show the response headers before the body
  -I                      send HEAD instead of GET, and show the headers
  -o FILE                 write the output to FILE instead of standard output
  -H "Name: value"        add a request header (repeatable); "Name:" with no
                          value removes a default header
  --fail                  exit with 6, writing no body, if the status is >= 400
  --connect-timeout SECS  give up if connecting (and, for toytls://, the
                          handshake) takes longer than SECS (decimals allowed)
  --max-time SECS         give up if the whole transfer takes longer than SECS
  -v                      narrate every step on standard error
  -h, --help              show this help

Exit codes:
  0  success
  2  usage error: bad option or URL, unreadable --cacert, unusable server name
  3  cannot resolve the host, or cannot connect to it
  4  ToyTLS handshake failure ("handshake failed: <why>")
  5  truncated response (for toytls://: closed without close_notify)
  6  HTTP status >= 400 with --fail
  7  other I/O or protocol error: timeout, reset, malformed HTTP response,
     failure after the handshake, output that cannot be written
)";

struct CommandLine {
    std::string url;
    std::vector<std::string> cacert_paths;
    std::optional<std::string> server_name;
    bool insecure = false;
    std::optional<std::string> keylog_path;
    bool show_headers = false;  // -i
    bool head_request = false;  // -I
    std::optional<std::string> output_path;
    std::vector<HeaderField> headers;
    bool fail_on_http_error = false;
    std::optional<std::chrono::milliseconds> connect_timeout;
    std::optional<std::chrono::milliseconds> max_time;
    bool verbose = false;
    bool help = false;
};

std::optional<std::chrono::milliseconds> parse_seconds(std::string_view text) {
    double seconds = 0;
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (status != std::errc() || end != text.data() + text.size() || !(seconds > 0) || seconds > 1e6)
        return std::nullopt;
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000 + 0.5));
}

std::optional<CommandLine> parse_command_line(const std::vector<std::string_view>& arguments, std::string& error) {
    CommandLine command_line;
    bool options_ended = false;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        std::string_view argument = arguments[i];
        if (options_ended || argument.size() < 2 || argument.front() != '-') {
            if (!command_line.url.empty()) {
                error = "more than one URL: '" + command_line.url + "' and '" + std::string(argument) + "'";
                return std::nullopt;
            }
            command_line.url = std::string(argument);
            continue;
        }
        if (argument == "--") {
            options_ended = true;
            continue;
        }
        // "--name=value" and "--name value" mean the same.
        std::string_view name = argument;
        std::optional<std::string_view> attached_value;
        if (std::size_t equals = argument.find('='); argument.starts_with("--") && equals != std::string_view::npos) {
            name = argument.substr(0, equals);
            attached_value = argument.substr(equals + 1);
        }
        auto value = [&]() -> std::optional<std::string> {
            if (attached_value) return std::string(*attached_value);
            if (i + 1 < arguments.size()) return std::string(arguments[++i]);
            error = std::string(name) + " needs a value";
            return std::nullopt;
        };
        auto flag = [&](bool& target) {
            if (attached_value) {
                error = std::string(name) + " takes no value";
                return false;
            }
            target = true;
            return true;
        };
        auto seconds = [&](std::optional<std::chrono::milliseconds>& target) {
            std::optional<std::string> text = value();
            if (!text) return false;
            target = parse_seconds(*text);
            if (!target) error = std::string(name) + ": '" + *text + "' is not a number of seconds above 0";
            return target.has_value();
        };
        bool ok = true;
        if (name == "-h" || name == "--help") {
            ok = flag(command_line.help);
        } else if (name == "--cacert") {
            std::optional<std::string> path = value();
            if ((ok = path.has_value())) command_line.cacert_paths.push_back(*path);
        } else if (name == "--servername") {
            ok = (command_line.server_name = value()).has_value();
        } else if (name == "--insecure") {
            ok = flag(command_line.insecure);
        } else if (name == "--keylog") {
            ok = (command_line.keylog_path = value()).has_value();
        } else if (name == "-i") {
            ok = flag(command_line.show_headers);
        } else if (name == "-I") {
            ok = flag(command_line.head_request);
        } else if (name == "-o") {
            ok = (command_line.output_path = value()).has_value();
        } else if (name == "-H") {
            std::optional<std::string> text = value();
            std::optional<HeaderField> header = text ? parse_header_option(*text, error) : std::nullopt;
            if ((ok = header.has_value())) command_line.headers.push_back(*header);
        } else if (name == "--fail") {
            ok = flag(command_line.fail_on_http_error);
        } else if (name == "--connect-timeout") {
            ok = seconds(command_line.connect_timeout);
        } else if (name == "--max-time") {
            ok = seconds(command_line.max_time);
        } else if (name == "-v") {
            ok = flag(command_line.verbose);
        } else {
            error = "unknown option '" + std::string(argument) + "'";
            ok = false;
        }
        if (!ok) return std::nullopt;
    }
    if (command_line.url.empty() && !command_line.help) {
        error = "no URL given";
        return std::nullopt;
    }
    return command_line;
}

// Where the response goes: standard output, or the -o file, which is only
// created once there is something to write (or the fetch has succeeded), so
// that a failed connection leaves no empty file behind.
class Output {
public:
    explicit Output(std::optional<std::string> path) : path_(std::move(path)) {}

    bool write(std::string_view bytes) {
        if (!open()) return false;
        int fd = file_ ? file_.get() : STDOUT_FILENO;
        while (!bytes.empty()) {
            ssize_t written = ::write(fd, bytes.data(), bytes.size());
            if (written >= 0) {
                bytes.remove_prefix(static_cast<std::size_t>(written));
            } else if (errno != EINTR) {
                error_ = (path_ ? *path_ : std::string("standard output")) + ": " + std::strerror(errno);
                return false;
            }
        }
        return true;
    }

    bool open() {
        if (!path_ || file_ || !error_.empty()) return error_.empty();
        file_.reset(::open(path_->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
        if (!file_) error_ = *path_ + ": " + std::strerror(errno);
        return error_.empty();
    }

    const std::string& error() const { return error_; }

private:
    std::optional<std::string> path_;
    webserver::UniqueFd file_;
    std::string error_;
};

// Refuses to go on quietly: the user asked for no security, and gets told so.
void warn_insecure() {
    std::cerr << "***********************************************************************\n"
                 "* WARNING: --insecure: the server's certificate chain is NOT checked. *\n"
                 "* Anyone on the network path can pretend to be this server, and read  *\n"
                 "* and change everything sent and received. For labs only.             *\n"
                 "***********************************************************************\n";
}

std::optional<toytls::TrustStore> load_trust_store(const std::vector<std::string>& cacert_paths) {
    std::vector<std::string> paths = cacert_paths;
    if (paths.empty()) {
        if (!std::filesystem::exists(demo_root_path)) {
            std::cerr << "toytls-client: no --cacert given, and the demo root " << demo_root_path
                      << " does not exist: pass --cacert FILE with the root certificate to trust\n";
            return std::nullopt;
        }
        paths.emplace_back(demo_root_path);
    }
    toytls::TrustStore trust_store;
    for (const std::string& path : paths) {
        std::string error;
        std::optional<toytls::Certificate> root = toytls::load_certificate_file(path, error);
        if (!root) {
            std::cerr << "toytls-client: " << path << ": " << error << "\n";
            return std::nullopt;
        }
        trust_store.add_root(std::move(*root));
    }
    return trust_store;
}

int run(const std::vector<std::string_view>& arguments) {
    std::string error;
    std::optional<CommandLine> command_line = parse_command_line(arguments, error);
    if (!command_line) {
        std::cerr << "toytls-client: " << error << "\nTry 'toytls-client --help'.\n";
        return exit_usage;
    }
    if (command_line->help) {
        std::cout << usage_text;
        return exit_ok;
    }
    std::optional<Url> url = parse_url(command_line->url, error);
    if (!url) {
        std::cerr << "toytls-client: bad URL: " << error << "\n";
        return exit_usage;
    }

    FetchOptions options;
    options.url = *url;
    options.head_request = command_line->head_request;
    options.extra_headers = command_line->headers;
    options.connect_timeout = command_line->connect_timeout;
    options.max_time = command_line->max_time;
    if (command_line->verbose) options.narrate = [](std::string_view line) { std::cerr << line << '\n'; };

    std::optional<KeyLogFile> key_log;
    if (url->scheme == Scheme::toytls) {
        std::optional<toytls::TrustStore> trust_store = load_trust_store(command_line->cacert_paths);
        if (!trust_store) return exit_usage;
        options.trust_store = std::move(*trust_store);
        options.server_name = command_line->server_name.value_or(url->host);
        if (!is_valid_server_name(options.server_name)) {
            std::cerr << "toytls-client: '" << options.server_name
                      << "' cannot be sent as a ToyTLS server name (only letters, digits, '.' and '-'): "
                         "pass --servername NAME\n";
            return exit_usage;
        }
        options.insecure_skip_chain_verification = command_line->insecure;
        if (command_line->insecure) warn_insecure();
        if (command_line->keylog_path) {
            key_log = KeyLogFile::open(*command_line->keylog_path, error);
            if (!key_log) {
                std::cerr << "toytls-client: cannot open the key log: " << error << "\n";
                return exit_other_error;
            }
            std::cerr << "toytls-client: appending the session secrets to " << *command_line->keylog_path
                      << ": anyone who can read it can decrypt this session\n";
            options.key_log = key_log->sink();
        }
    } else if (!command_line->cacert_paths.empty() || command_line->server_name || command_line->insecure ||
               command_line->keylog_path) {
        std::cerr << "toytls-client: note: --cacert, --servername, --insecure and --keylog only apply to "
                     "toytls:// URLs\n";
    }

    Output output(command_line->output_path);
    bool show_headers = command_line->show_headers || command_line->head_request;
    bool suppress_output = false;  // --fail and an error status: like curl, write nothing
    options.on_head = [&](const HttpResponseHead& head) {
        suppress_output = command_line->fail_on_http_error && head.status_code >= 400;
        if (show_headers && !suppress_output) output.write(head.raw);
    };
    options.on_body = [&](std::string_view body) { return suppress_output || output.write(body); };

    FetchResult result = fetch(options);

    if (key_log && !key_log->error().empty()) std::cerr << "toytls-client: " << key_log->error() << "\n";
    if (!output.error().empty()) {
        std::cerr << "toytls-client: cannot write the output: " << output.error() << "\n";
        return exit_other_error;
    }
    switch (result.outcome) {
        case FetchOutcome::ok: break;
        case FetchOutcome::cannot_connect: std::cerr << "toytls-client: " << result.message << "\n"; return exit_cannot_connect;
        case FetchOutcome::handshake_failed:
            std::cerr << "toytls-client: " << result.message << "\n";
            return exit_handshake_failed;
        case FetchOutcome::truncated: std::cerr << "toytls-client: " << result.message << "\n"; return exit_truncated;
        case FetchOutcome::error: std::cerr << "toytls-client: " << result.message << "\n"; return exit_other_error;
    }
    if (suppress_output) {
        std::cerr << "toytls-client: the server answered " << result.head->status_code << " " << result.head->reason
                  << " (--fail)\n";
        return exit_http_error;
    }
    if (!output.open()) {  // -o with an empty body still creates the file
        std::cerr << "toytls-client: cannot write the output: " << output.error() << "\n";
        return exit_other_error;
    }
    return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> arguments(argv + 1, argv + argc);
    return run(arguments);
}
