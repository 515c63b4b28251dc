#include "tools/cert_tool.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>

#include "toytls/certificate.hpp"
#include "toytls/chain.hpp"
#include "toytls/key_file.hpp"

namespace toytls {

namespace {

constexpr std::string_view usage_text =
    R"(usage: toytls-cert COMMAND [OPTIONS]

  toytls-cert init-demo DIR
      Makes the demo chain in DIR: root.cert/.key, intermediate.cert/.key and
      server.cert/.key (dns localhost and 127.0.0.1), all valid from
      2026-01-01 to 2046-01-01; root path-len 1, intermediate path-len 0.
      The keys are marked as published demo keys, never to be used for real.

  toytls-cert new-root --subject S --out-cert F --out-key K
                       [--days N] [--path-len N] [--not-before T] [--serial N]
      A self-signed root CA for a new key. Defaults: valid 3650 days from
      now, path-len 1, a random serial.

  toytls-cert issue --issuer-cert F --issuer-key K --subject S
                    [--ca --path-len N] [--dns NAME]... [--days N]
                    [--not-before T] [--serial N] --out-cert F --out-key K
      A certificate for a new key, signed by the issuer. Defaults: not a CA,
      valid 365 days from now, a random serial.

  toytls-cert show FILE
      A certificate in words; for a private key file, its public key (the
      seed is never shown).

  toytls-cert verify --root ROOT [--root ROOT2]... --name NAME [--at T]
                     LEAF [INTERMEDIATE...]
      Checks a chain as a ToyTLS client would, leaf first. Prints
      "OK: ..." (exit 0) or "REJECTED (alert): reason" (exit 1).

Times T are UTC, written like 2030-01-01T00:00:00Z. Keys are written with
mode 0600. Existing files are never overwritten.
Exit status: 0 done, 1 failed or rejected, 2 wrong command line.
)";

constexpr std::string_view demo_key_warning = "DEMO KEY - PUBLISHED IN THE REPOSITORY, NEVER USE FOR ANYTHING REAL";
constexpr std::string_view demo_not_before = "2026-01-01T00:00:00Z";
constexpr std::string_view demo_not_after = "2046-01-01T00:00:00Z";
constexpr std::uint64_t max_days = 100000;  // ~270 years: far from any overflow
constexpr std::int64_t seconds_per_day = 86400;

// A wrong command line: reported with a hint to -h and exit status 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// Anything else that stops the command: exit status 1.
struct ToolFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct OptionSpec {
    std::string_view name;  // "--subject"
    bool takes_value;
    bool repeatable;
};

// The options and positional arguments of one subcommand.
class Arguments {
public:
    Arguments(std::span<const std::string> arguments, std::string_view command, std::span<const OptionSpec> specs) {
        for (std::size_t i = 0; i < arguments.size(); ++i) {
            const std::string& argument = arguments[i];
            if (!argument.starts_with("--") || argument == "--") {
                positional_.push_back(argument);
                continue;
            }
            auto spec =
                std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == argument; });
            if (spec == specs.end()) {
                throw UsageError("unknown option '" + argument + "' for '" + std::string(command) + "'");
            }
            std::vector<std::string>& values = options_[argument];
            if (!values.empty() && !spec->repeatable) throw UsageError("option '" + argument + "' given twice");
            if (!spec->takes_value) {
                values.push_back("");
                continue;
            }
            if (i + 1 == arguments.size()) throw UsageError("option '" + argument + "' needs a value");
            values.push_back(arguments[++i]);
        }
    }

    bool has(std::string_view name) const { return options_.contains(std::string(name)); }
    std::optional<std::string> value(std::string_view name) const {
        auto found = options_.find(std::string(name));
        if (found == options_.end()) return std::nullopt;
        return found->second.front();
    }
    std::string required(std::string_view name) const {
        auto found = value(name);
        if (!found) throw UsageError("missing " + std::string(name));
        return *found;
    }
    std::vector<std::string> all(std::string_view name) const {
        auto found = options_.find(std::string(name));
        return found == options_.end() ? std::vector<std::string>{} : found->second;
    }
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::map<std::string, std::vector<std::string>> options_;
    std::vector<std::string> positional_;
};

std::uint64_t parse_number(std::string_view option, const std::string& text, std::uint64_t max) {
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > max) {
        throw UsageError(std::string(option) + " must be a number 0.." + std::to_string(max) + ", got '" + text + "'");
    }
    return value;
}

UnixTime parse_time_option(std::string_view option, const std::string& text) {
    auto time = parse_utc_time(text);
    if (!time)
        throw UsageError(std::string(option) + " must be a UTC time like 2030-01-01T00:00:00Z, got '" + text + "'");
    return *time;
}

Ed25519KeyPair generate_key(RandomSource& random) {
    Secret<32> seed;
    random.fill(seed.span());
    return Ed25519KeyPair::from_seed(seed);
}

// Random serials, 63 bits so that they read the same as a signed number.
std::uint64_t random_serial(RandomSource& random) {
    std::array<std::uint8_t, 8> bytes{};
    random.fill(bytes);
    std::uint64_t serial = 0;
    for (std::uint8_t byte : bytes) serial = serial << 8 | byte;
    return serial >> 1;
}

Certificate issue_or_usage_error(const CertificateFields& fields, const Ed25519KeyPair& issuer_key) {
    try {
        return issue_certificate(fields, issuer_key);
    } catch (const std::invalid_argument& error) {
        throw UsageError(error.what());
    }
}

void refuse_existing(const std::filesystem::path& path) {
    std::error_code ignored;
    if (std::filesystem::exists(std::filesystem::symlink_status(path, ignored))) {
        throw ToolFailure(path.string() + " already exists; remove it first (files are never overwritten)");
    }
}

// Writes a certificate and its key, or neither.
void write_certificate_and_key(const std::filesystem::path& certificate_path, const Certificate& certificate,
                               const std::filesystem::path& key_path, const Ed25519KeyPair& key,
                               std::string_view warning) {
    std::string error;
    if (!write_private_key_file(key_path, key, warning, error)) throw ToolFailure(key_path.string() + ": " + error);
    if (!write_certificate_file(certificate_path, certificate, error)) {
        std::filesystem::remove(key_path);
        throw ToolFailure(certificate_path.string() + ": " + error);
    }
}

Certificate load_certificate_or_fail(const std::string& path) {
    std::string error;
    auto certificate = load_certificate_file(path, error);
    if (!certificate) throw ToolFailure(path + ": " + error);
    return std::move(*certificate);
}

Ed25519KeyPair load_key_or_fail(const std::string& path) {
    std::string error;
    auto key = load_private_key_file(path, error);
    if (!key) throw ToolFailure(path + ": " + error);
    return std::move(*key);
}

void print_written(std::ostream& out, const std::filesystem::path& certificate_path,
                   const std::filesystem::path& key_path, const Certificate& certificate) {
    out << "wrote " << certificate_path.string() << " and " << key_path.string() << " (mode 0600)\n"
        << describe_certificate(certificate);
}

int init_demo(std::span<const std::string> arguments, std::ostream& out, CertToolEnvironment& environment) {
    const Arguments parsed(arguments, "init-demo", {});
    if (parsed.positional().size() != 1) throw UsageError("init-demo takes one directory");
    const std::filesystem::path directory = parsed.positional()[0];

    struct DemoCertificate {
        std::string_view file_stem;
        std::string_view subject;
        unsigned path_len;  // for the CAs
        std::vector<std::string> dns_names;
    };
    const std::vector<DemoCertificate> chain = {
        {"root", "ToyTLS Demo Root CA", 1, {}},
        {"intermediate", "ToyTLS Demo Intermediate CA", 0, {}},
        {"server", "localhost", 0, {"localhost", "127.0.0.1"}},
    };
    for (const DemoCertificate& demo : chain) {
        refuse_existing(directory / (std::string(demo.file_stem) + ".cert"));
        refuse_existing(directory / (std::string(demo.file_stem) + ".key"));
    }
    std::filesystem::create_directories(directory);

    // Each certificate is issued by the one before it; the root by itself.
    std::optional<Ed25519KeyPair> issuer_key;
    std::string issuer_subject;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const DemoCertificate& demo = chain[i];
        const bool is_server = i + 1 == chain.size();
        Ed25519KeyPair key = generate_key(environment.random);
        CertificateFields fields;
        fields.serial = i + 1;
        fields.subject = demo.subject;
        fields.issuer = issuer_key ? issuer_subject : fields.subject;
        fields.not_before = *parse_utc_time(demo_not_before);
        fields.not_after = *parse_utc_time(demo_not_after);
        fields.is_ca = !is_server;
        if (!is_server) fields.path_len = demo.path_len;
        fields.dns_names = demo.dns_names;
        fields.public_key = key.public_key();
        const Certificate certificate = issue_certificate(fields, issuer_key ? *issuer_key : key);

        const std::filesystem::path certificate_path = directory / (std::string(demo.file_stem) + ".cert");
        const std::filesystem::path key_path = directory / (std::string(demo.file_stem) + ".key");
        write_certificate_and_key(certificate_path, certificate, key_path, key, demo_key_warning);
        out << "wrote " << certificate_path.string() << " and " << key_path.string() << ": '" << demo.subject << "'\n";
        issuer_key = std::move(key);
        issuer_subject = demo.subject;
    }
    out << "These are demo keys: anyone with the repository has them. Never use them for anything real.\n";
    return cert_tool_success;
}

struct ValidityOptions {
    UnixTime not_before;
    UnixTime not_after;
};

ValidityOptions validity_from(const Arguments& parsed, std::uint64_t default_days, const Clock& clock) {
    const UnixTime not_before =
        parsed.has("--not-before") ? parse_time_option("--not-before", parsed.required("--not-before")) : clock();
    const std::uint64_t days =
        parsed.has("--days") ? parse_number("--days", parsed.required("--days"), max_days) : default_days;
    return {not_before, not_before + static_cast<std::int64_t>(days) * seconds_per_day};
}

std::uint64_t serial_from(const Arguments& parsed, RandomSource& random) {
    return parsed.has("--serial") ? parse_number("--serial", parsed.required("--serial"), UINT64_MAX)
                                  : random_serial(random);
}

int new_root(std::span<const std::string> arguments, std::ostream& out, CertToolEnvironment& environment) {
    constexpr std::array<OptionSpec, 7> specs = {{
        {"--subject", true, false},
        {"--out-cert", true, false},
        {"--out-key", true, false},
        {"--days", true, false},
        {"--path-len", true, false},
        {"--not-before", true, false},
        {"--serial", true, false},
    }};
    const Arguments parsed(arguments, "new-root", specs);
    if (!parsed.positional().empty()) throw UsageError("unexpected argument '" + parsed.positional()[0] + "'");
    const std::filesystem::path certificate_path = parsed.required("--out-cert");
    const std::filesystem::path key_path = parsed.required("--out-key");

    CertificateFields fields;
    fields.subject = parsed.required("--subject");
    fields.issuer = fields.subject;
    const ValidityOptions validity = validity_from(parsed, 3650, environment.clock);
    fields.not_before = validity.not_before;
    fields.not_after = validity.not_after;
    fields.is_ca = true;
    fields.path_len =
        parsed.has("--path-len")
            ? static_cast<unsigned>(parse_number("--path-len", parsed.required("--path-len"), max_path_len))
            : 1;
    fields.serial = serial_from(parsed, environment.random);
    refuse_existing(certificate_path);
    refuse_existing(key_path);

    Ed25519KeyPair key = generate_key(environment.random);
    fields.public_key = key.public_key();
    const Certificate certificate = issue_or_usage_error(fields, key);
    write_certificate_and_key(certificate_path, certificate, key_path, key, "");
    print_written(out, certificate_path, key_path, certificate);
    return cert_tool_success;
}

int issue(std::span<const std::string> arguments, std::ostream& out, std::ostream& err,
          CertToolEnvironment& environment) {
    constexpr std::array<OptionSpec, 11> specs = {{
        {"--issuer-cert", true, false},
        {"--issuer-key", true, false},
        {"--subject", true, false},
        {"--ca", false, false},
        {"--path-len", true, false},
        {"--dns", true, true},
        {"--days", true, false},
        {"--not-before", true, false},
        {"--serial", true, false},
        {"--out-cert", true, false},
        {"--out-key", true, false},
    }};
    const Arguments parsed(arguments, "issue", specs);
    if (!parsed.positional().empty()) throw UsageError("unexpected argument '" + parsed.positional()[0] + "'");
    if (parsed.has("--ca") != parsed.has("--path-len")) throw UsageError("--ca and --path-len N go together");
    const std::string issuer_certificate_path = parsed.required("--issuer-cert");
    const std::string issuer_key_path = parsed.required("--issuer-key");
    const std::filesystem::path certificate_path = parsed.required("--out-cert");
    const std::filesystem::path key_path = parsed.required("--out-key");

    CertificateFields fields;
    fields.subject = parsed.required("--subject");
    const ValidityOptions validity = validity_from(parsed, 365, environment.clock);
    fields.not_before = validity.not_before;
    fields.not_after = validity.not_after;
    fields.is_ca = parsed.has("--ca");
    if (fields.is_ca) {
        fields.path_len =
            static_cast<unsigned>(parse_number("--path-len", parsed.required("--path-len"), max_path_len));
    }
    fields.dns_names = parsed.all("--dns");
    fields.serial = serial_from(parsed, environment.random);

    const Certificate issuer = load_certificate_or_fail(issuer_certificate_path);
    const Ed25519KeyPair issuer_key = load_key_or_fail(issuer_key_path);
    if (issuer_key.public_key() != issuer.public_key) {
        throw ToolFailure(issuer_key_path + " is not the key of " + issuer_certificate_path + " ('" + issuer.subject +
                          "')");
    }
    fields.issuer = issuer.subject;
    refuse_existing(certificate_path);
    refuse_existing(key_path);

    // Allowed, so that a class can build chains that fail, but said out loud.
    if (!issuer.is_ca) {
        err << "warning: '" << issuer.subject << "' is not a CA; clients will reject what it issues\n";
    } else if (fields.is_ca && issuer.path_len == 0u) {
        err << "warning: '" << issuer.subject << "' has path-len 0; clients will reject chains that use '"
            << fields.subject << "' as an intermediate\n";
    }

    Ed25519KeyPair key = generate_key(environment.random);
    fields.public_key = key.public_key();
    const Certificate certificate = issue_or_usage_error(fields, issuer_key);
    write_certificate_and_key(certificate_path, certificate, key_path, key, "");
    print_written(out, certificate_path, key_path, certificate);
    return cert_tool_success;
}

int show(std::span<const std::string> arguments, std::ostream& out) {
    const Arguments parsed(arguments, "show", {});
    if (parsed.positional().size() != 1) throw UsageError("show takes one file");
    const std::string& path = parsed.positional()[0];
    std::string error;
    auto content = read_file_bytes(path, max_read_file_size, error);
    if (!content) throw ToolFailure(path + ": " + error);

    if (as_text(*content).starts_with("ToyTLS private key v1\n")) {
        std::string warning;
        auto key = parse_private_key(*content, error, &warning);
        sodium_memzero(content->data(), content->size());
        if (!key) throw ToolFailure(path + ": " + error);
        out << "private key (Ed25519); the seed is not shown\n"
            << "  public key:  " << base64_encode(key->public_key()) << "\n"
            << "  warning:     " << (warning.empty() ? "(none)" : warning) << "\n";
        return cert_tool_success;
    }
    auto certificate = parse_certificate(*content, error);
    if (!certificate) throw ToolFailure(path + ": " + error);
    out << describe_certificate(*certificate);
    return cert_tool_success;
}

int verify(std::span<const std::string> arguments, std::ostream& out, CertToolEnvironment& environment) {
    constexpr std::array<OptionSpec, 3> specs = {{
        {"--root", true, true},
        {"--name", true, false},
        {"--at", true, false},
    }};
    const Arguments parsed(arguments, "verify", specs);
    if (!parsed.has("--root")) throw UsageError("missing --root (at least one)");
    const std::string name = parsed.required("--name");
    const UnixTime now = parsed.has("--at") ? parse_time_option("--at", parsed.required("--at")) : environment.clock();
    if (parsed.positional().empty()) throw UsageError("verify needs the leaf certificate file, then any intermediates");

    TrustStore trust_store;
    for (const std::string& root_path : parsed.all("--root")) trust_store.add_root(load_certificate_or_fail(root_path));
    // The chain files are read as bytes, not parsed: verify_chain sees them
    // exactly as a client sees a Certificate message.
    std::vector<Bytes> wire_certificates;
    for (const std::string& path : parsed.positional()) {
        std::string error;
        auto content = read_file_bytes(path, max_read_file_size, error);
        if (!content) throw ToolFailure(path + ": " + error);
        wire_certificates.push_back(std::move(*content));
    }

    const ChainVerdict verdict = verify_chain(wire_certificates, trust_store, name, now);
    if (verdict.ok) {
        out << "OK: " << verdict.reason << "\n";
        return cert_tool_success;
    }
    out << "REJECTED (" << alert_name(verdict.alert) << "): " << verdict.reason << "\n";
    return cert_tool_failure;
}

}  // namespace

int run_cert_tool(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err,
                  CertToolEnvironment& environment) {
    const bool wants_help = std::any_of(arguments.begin(), arguments.end(), [](const std::string& argument) {
        return argument == "-h" || argument == "--help";
    });
    if (wants_help || (arguments.size() == 1 && arguments[0] == "help")) {
        out << usage_text;
        return cert_tool_success;
    }
    if (arguments.empty()) {
        err << usage_text;
        return cert_tool_usage_error;
    }
    const std::string& command = arguments[0];
    const std::span<const std::string> rest = std::span(arguments).subspan(1);
    try {
        if (command == "init-demo") return init_demo(rest, out, environment);
        if (command == "new-root") return new_root(rest, out, environment);
        if (command == "issue") return issue(rest, out, err, environment);
        if (command == "show") return show(rest, out);
        if (command == "verify") return verify(rest, out, environment);
        throw UsageError("unknown command '" + command + "'");
    } catch (const UsageError& error) {
        err << "toytls-cert: " << error.what() << " (see toytls-cert -h)\n";
        return cert_tool_usage_error;
    } catch (const ToolFailure& error) {
        err << "toytls-cert: " << error.what() << "\n";
        return cert_tool_failure;
    } catch (const std::filesystem::filesystem_error& error) {
        err << "toytls-cert: " << error.what() << "\n";
        return cert_tool_failure;
    }
}

int run_cert_tool(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
    SystemRandom random;
    CertToolEnvironment environment{random, system_clock()};
    return run_cert_tool(arguments, out, err, environment);
}

}  // namespace toytls
