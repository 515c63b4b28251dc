// toytls-decrypt: what a recorded ToyTLS session is worth to an attacker
// who later obtains a secret (lab 7).
//
//   toytls-decrypt --capture FILE --keylog FILE       the session's key log: every record opens
//   toytls-decrypt --capture FILE --server-key FILE   the server's long-term key: nothing opens
//
// It splits the capture (capture_format.hpp) into records, reads the two
// plaintext hellos, and then either rebuilds both directions'
// RecordProtection from the key log's CLIENT_/SERVER_WRITE_KEY/IV (found by
// the ClientHello's random) and the suite the ServerHello chose, or shows
// why the server's signing key cannot produce those keys.
//
// Exit status: 0 every protected record was decrypted; 1 not all (or none)
// were; 2 usage error; 3 a file cannot be read or is malformed.
#include <sodium.h>

#include <charconv>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "decrypt_key_log.hpp"
#include "decrypt_records.hpp"
#include "toytls/cipher_suite.hpp"
#include "toytls/crypto/sha256.hpp"
#include "toytls/crypto/x25519.hpp"
#include "toytls/key_file.hpp"
#include "toytls/key_schedule.hpp"
#include "toytls/record.hpp"

namespace {

using namespace toytls_labs;

enum ExitCode : int { exit_all_decrypted = 0, exit_not_decrypted = 1, exit_usage = 2, exit_bad_input = 3 };

constexpr std::string_view usage =
    "usage: toytls-decrypt --capture FILE (--keylog FILE | --server-key FILE) [--max-bytes N]\n"
    "  --capture FILE     a capture written by toytls-capture (one connection)\n"
    "  --keylog FILE      a key log (toytls-client --keylog): decrypt every record of the session\n"
    "                     whose ClientHello random it lists\n"
    "  --server-key FILE  the server's long-term private key (e.g. certs/server.key): explain why\n"
    "                     it does not decrypt anything, and prove it by trying\n"
    "  --max-bytes N      show at most N bytes of each application_data record (default 4096)\n"
    "Exit status: 0 all protected records decrypted, 1 not all or none, 2 usage, 3 bad input.\n";

struct Options {
    std::string capture_path;
    std::string key_log_path;
    std::string server_key_path;
    std::size_t max_bytes = 4096;
};

std::optional<Options> parse_options(int argc, char** argv, std::string& error) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        if (i + 1 >= argc) {
            error = std::string(name) + " needs a value";
            return std::nullopt;
        }
        std::string value = argv[++i];
        if (name == "--capture") {
            options.capture_path = value;
        } else if (name == "--keylog") {
            options.key_log_path = value;
        } else if (name == "--server-key") {
            options.server_key_path = value;
        } else if (name == "--max-bytes") {
            auto [end, status] = std::from_chars(value.data(), value.data() + value.size(), options.max_bytes);
            if (status != std::errc() || end != value.data() + value.size()) {
                error = "--max-bytes: '" + value + "' is not a number";
                return std::nullopt;
            }
        } else {
            error = "unknown option '" + std::string(name) + "'";
            return std::nullopt;
        }
    }
    if (options.capture_path.empty()) {
        error = "--capture is required";
        return std::nullopt;
    }
    if (options.key_log_path.empty() == options.server_key_path.empty()) {
        error = "give exactly one of --keylog and --server-key";
        return std::nullopt;
    }
    return options;
}

std::optional<std::string> read_text_file(const std::string& path, std::string& error) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        error = path + ": cannot open";
        return std::nullopt;
    }
    return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::string short_hex(toytls::ByteView bytes) { return toytls::to_hex(bytes.first(8)) + "..."; }

// Standard base64 with padding, as certificate files write public keys.
std::string base64(toytls::ByteView bytes) {
    std::string text(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    text.resize(text.size() - 1);  // the terminating NUL libsodium writes
    return text;
}

std::string suite_name(std::uint16_t code) {
    auto suite = toytls::cipher_suite_from_code(code);
    return suite ? std::string(toytls::cipher_suite_name(*suite)) : "unknown suite " + std::to_string(code);
}

bool is_protected(const WireRecord& record) {
    // PROTOCOL.md 2.5: after the hellos every record is protected, except a
    // 2-byte plaintext alert (no protected record is shorter than 24 bytes).
    return !(record.type_byte() == static_cast<std::uint8_t>(toytls::ContentType::alert) && record.body_length() == 2);
}

// Prints what anyone on the path can read without any key.
void print_plaintext_part(const SplitCapture& capture, std::size_t chunk_count, const Hellos& hellos) {
    std::size_t to_server = 0;
    for (const CapturedRecord& captured : capture.records)
        to_server += captured.direction == CaptureDirection::client_to_server;
    std::cout << "capture: " << chunk_count << " chunks, " << capture.records.size() << " records (" << to_server
              << " client -> server, " << capture.records.size() - to_server << " server -> client)\n";
    if (capture.leftover_client_to_server || capture.leftover_server_to_client)
        std::cout << "capture: the connection was cut mid-record (" << capture.leftover_client_to_server << " + "
                  << capture.leftover_server_to_client << " bytes left over)\n";

    const toytls::ClientHello& client = hellos.client_hello;
    const toytls::ServerHello& server = hellos.server_hello;
    std::cout << "\nIn the clear (anyone who recorded the connection reads this):\n"
              << "  [client -> server] ClientHello\n"
              << "      random        " << toytls::to_hex(client.random) << "   <- names the session in a key log\n"
              << "      server name   \"" << client.server_name << "\"\n"
              << "      key_share     " << toytls::to_hex(client.key_share) << "   (ephemeral X25519 public key)\n"
              << "      suites        ";
    for (std::size_t i = 0; i < client.cipher_suites.size(); ++i)
        std::cout << (i ? ", " : "") << suite_name(client.cipher_suites[i]);
    std::cout << "\n  [server -> client] ServerHello\n"
              << "      random        " << toytls::to_hex(server.random) << "\n"
              << "      key_share     " << toytls::to_hex(server.key_share) << "   (ephemeral X25519 public key)\n"
              << "      chosen suite  " << suite_name(server.cipher_suite) << "\n";
}

// One direction's record keys, as its sender had them.
struct DirectionSecrets {
    toytls::Secret<toytls::Aead::key_size> write_key;
    toytls::Secret<toytls::Aead::nonce_size> write_iv;
};

// `who` is "CLIENT" or "SERVER": the <who>_WRITE_KEY and <who>_WRITE_IV lines.
std::optional<DirectionSecrets> direction_secrets(const SessionSecrets& secrets, const std::string& who,
                                                  std::string& error) {
    const std::string key_label = who + "_WRITE_KEY";
    const std::string iv_label = who + "_WRITE_IV";
    auto key = secrets.find(key_label);
    auto iv = secrets.find(iv_label);
    if (key == secrets.end() || iv == secrets.end()) {
        error = "the key log has no " + (key == secrets.end() ? key_label : iv_label) + " line for this session";
        return std::nullopt;
    }
    if (key->second.size() != toytls::Aead::key_size || iv->second.size() != toytls::Aead::nonce_size) {
        error = "the key log's " + key_label + " or " + iv_label + " has the wrong length";
        return std::nullopt;
    }
    return DirectionSecrets{
        toytls::Secret<toytls::Aead::key_size>(std::span<const std::uint8_t, toytls::Aead::key_size>(key->second)),
        toytls::Secret<toytls::Aead::nonce_size>(std::span<const std::uint8_t, toytls::Aead::nonce_size>(iv->second))};
}

// Every record after each direction's hello, except plaintext alerts.
std::size_t count_protected_records(const SplitCapture& capture) {
    std::size_t count = 0;
    bool past_hello[2] = {false, false};
    for (const CapturedRecord& captured : capture.records) {
        const int side = static_cast<int>(captured.direction);
        if (past_hello[side] && is_protected(captured.record)) ++count;
        past_hello[side] = true;
    }
    return count;
}

// Opens every protected record with the two directions' protections and
// prints its content. Returns how many opened.
std::size_t print_protected_records(const SplitCapture& capture, toytls::RecordProtection& client_to_server,
                                    toytls::RecordProtection& server_to_client, std::size_t max_bytes) {
    std::size_t opened = 0;
    bool direction_failed[2] = {false, false};
    bool past_hello[2] = {false, false};
    for (const CapturedRecord& captured : capture.records) {
        const WireRecord& record = captured.record;
        const int side = static_cast<int>(captured.direction);
        const std::string where = "  [" + std::string(direction_arrow(captured.direction)) + "] ";
        if (!past_hello[side]) {  // the hello itself, printed above
            past_hello[side] = true;
            continue;
        }
        if (!is_protected(record)) {
            std::cout << where << "plaintext alert: " << describe_alert(record.body()) << "\n";
            continue;
        }
        if (direction_failed[side]) continue;  // its sequence numbers are out of step now
        toytls::RecordProtection& protection =
            captured.direction == CaptureDirection::client_to_server ? client_to_server : server_to_client;
        const std::uint64_t seq = protection.next_sequence_number();
        auto type = toytls::content_type_from_byte(record.type_byte());
        toytls::Bytes plaintext;
        std::string error;
        if (!type || !protection.open_record(plaintext, *type, record.body(), error)) {
            std::cout << where << "seq " << seq << ": DOES NOT OPEN: "
                      << (type ? error : "unknown content type " + std::to_string(record.type_byte())) << "\n";
            direction_failed[side] = true;
            continue;
        }
        ++opened;
        std::cout << where << "seq " << seq << " " << toytls::content_type_name(*type);
        switch (*type) {
            case toytls::ContentType::handshake:
                std::cout << ": " << describe_handshake_message(plaintext) << "\n";
                break;
            case toytls::ContentType::alert:
                std::cout << ": " << describe_alert(plaintext) << "\n";
                break;
            case toytls::ContentType::application_data:
                std::cout << ", " << plaintext.size() << " bytes:\n" << render_text(plaintext, max_bytes);
                break;
        }
    }
    return opened;
}

int decrypt_with_key_log(const Options& options, const SplitCapture& capture, const Hellos& hellos) {
    std::string error;
    std::optional<std::string> key_log = read_text_file(options.key_log_path, error);
    if (!key_log) {
        std::cerr << "toytls-decrypt: " << error << "\n";
        return exit_bad_input;
    }
    std::optional<SessionSecrets> secrets = find_session_secrets(*key_log, hellos.client_hello.random, error);
    if (!secrets) {
        std::cerr << "toytls-decrypt: " << options.key_log_path << ": " << error << "\n";
        return exit_bad_input;
    }
    std::cout << "\nKey log " << options.key_log_path << ": " << count_key_log_sessions(*key_log)
              << " session(s); looking for client random " << short_hex(hellos.client_hello.random) << "\n";
    if (secrets->empty()) {
        std::cout << "  not there: this key log belongs to other sessions. Decrypted nothing.\n";
        return exit_not_decrypted;
    }
    auto suite = toytls::cipher_suite_from_code(hellos.server_hello.cipher_suite);
    std::optional<DirectionSecrets> client = direction_secrets(*secrets, "CLIENT", error);
    std::optional<DirectionSecrets> server = client ? direction_secrets(*secrets, "SERVER", error) : std::nullopt;
    if (!suite || !server) {
        std::cerr << "toytls-decrypt: " << (suite ? error : "the ServerHello chose an unknown suite") << "\n";
        return exit_bad_input;
    }
    std::cout << "  found: CLIENT_WRITE_KEY/IV open client -> server, SERVER_WRITE_KEY/IV open server -> client, with "
              << toytls::cipher_suite_name(*suite) << "\n";

    // The same objects the endpoints used: one RecordProtection per
    // direction, counting sequence numbers from 0 (PROTOCOL.md 2.4).
    const toytls::AeadAlgorithm aead = toytls::cipher_suite_aead(*suite);
    toytls::RecordProtection client_to_server(aead, client->write_key, client->write_iv);
    toytls::RecordProtection server_to_client(aead, server->write_key, server->write_iv);
    std::cout << "\nProtected records, opened with the key log's keys:\n";
    const std::size_t protected_count = count_protected_records(capture);
    const std::size_t opened = print_protected_records(capture, client_to_server, server_to_client, options.max_bytes);
    std::cout << "\ntoytls-decrypt: decrypted " << opened << " of " << protected_count << " protected records.\n";
    return opened == protected_count && opened > 0 ? exit_all_decrypted : exit_not_decrypted;
}

// The one thing a long-term signing key could be mistaken for: the server's
// key-exchange key, as in TLS 1.2's static RSA and static DH suites. Convert
// it to an X25519 key (libsodium's Ed25519 -> Curve25519 map), run the key
// schedule with it, and try the server's first protected record.
bool signing_key_opens_first_record(const toytls::Ed25519KeyPair& key, const SplitCapture& capture,
                                    const Hellos& hellos, std::string& outcome) {
    auto suite = toytls::cipher_suite_from_code(hellos.server_hello.cipher_suite);
    const WireRecord* first_protected = nullptr;
    bool past_hello = false;
    for (const CapturedRecord& captured : capture.records) {
        if (captured.direction != CaptureDirection::server_to_client) continue;
        if (past_hello && is_protected(captured.record)) {
            first_protected = &captured.record;
            break;
        }
        past_hello = true;
    }
    if (!suite || !first_protected) {
        outcome = "the capture has no protected server record to try";
        return false;
    }
    toytls::Secret<crypto_sign_SECRETKEYBYTES> expanded;
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key{};
    crypto_sign_seed_keypair(public_key.data(), expanded.data(), key.seed().data());
    toytls::Secret<32> as_x25519;
    crypto_sign_ed25519_sk_to_curve25519(as_x25519.data(), expanded.data());
    auto shared = toytls::x25519_shared_secret(as_x25519, hellos.client_hello.key_share);
    if (!shared) {
        outcome = "X25519 gave the all-zero value";
        return false;
    }
    toytls::Bytes hello_transcript = hellos.client_hello_message;
    toytls::append(hello_transcript, hellos.server_hello_message);
    toytls::TrafficSecrets guessed = toytls::derive_traffic_secrets(*shared, toytls::sha256(hello_transcript), {});
    toytls::RecordProtection reader(toytls::cipher_suite_aead(*suite), guessed.server_write_key,
                                    guessed.server_write_iv);
    toytls::Bytes plaintext;
    auto type = toytls::content_type_from_byte(first_protected->type_byte());
    if (type && reader.open_record(plaintext, *type, first_protected->body(), outcome)) {
        outcome = "it opened (this should never happen)";
        return true;
    }
    return false;
}

int explain_server_key(const Options& options, const SplitCapture& capture, const Hellos& hellos) {
    std::string error;
    std::optional<toytls::Ed25519KeyPair> key = toytls::load_private_key_file(options.server_key_path, error);
    if (!key) {
        std::cerr << "toytls-decrypt: " << options.server_key_path << ": " << error << "\n";
        return exit_bad_input;
    }
    std::cout
        << "\nServer key " << options.server_key_path << ":\n"
        << "  an Ed25519 SIGNING key; its public key is " << base64(key->public_key()) << "\n"
        << "  (the public-key line of server.cert).\n"
        << "  In ToyTLS it does exactly one thing: it signs CertificateVerify (PROTOCOL.md 3.4), proving to the\n"
        << "  client that it talks to the certificate's owner. It is not an input of the key schedule (5.1):\n"
        << "    shared_secret = X25519(ephemeral private key, peer's key_share)\n"
        << "    client key_share " << toytls::to_hex(hellos.client_hello.key_share) << "\n"
        << "    server key_share " << toytls::to_hex(hellos.server_hello.key_share) << "\n"
        << "  Only the two public halves are in the capture. The private halves were drawn fresh for this one\n"
        << "  connection and wiped right after the shared secret was computed (5.4): they are in no file,\n"
        << "  and the signing key cannot recompute them.\n";
    std::string outcome;
    bool opened = signing_key_opens_first_record(*key, capture, hellos, outcome);
    std::cout << "\n  Trying anyway: the signing key used as if it were the server's key-exchange key\n"
              << "  (what TLS 1.2's static RSA / static DH suites did), X25519 with the client's key_share,\n"
              << "  the key schedule, then the server's first protected record:\n"
              << "    " << (opened ? "opened: " : "does not open: ") << outcome << "\n";
    if (opened) return exit_all_decrypted;
    std::cout << "\ntoytls-decrypt: decrypted 0 of " << count_protected_records(capture)
              << " protected records: the server's long-term key does not decrypt recorded sessions\n"
              << "(forward secrecy, RFC 8446 section 1.2 and appendix E.1). Only the session's own secrets\n"
              << "do: a key log (--keylog) is exactly those.\n";
    return exit_not_decrypted;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help")) {
        std::cout << usage;
        return exit_all_decrypted;
    }
    std::string error;
    std::optional<Options> options = parse_options(argc, argv, error);
    if (!options) {
        std::cerr << "toytls-decrypt: " << error << "\n" << usage;
        return exit_usage;
    }
    try {
        toytls::require_sodium();
        std::optional<std::vector<CaptureChunk>> chunks = load_capture_file(options->capture_path, error);
        if (!chunks) {
            std::cerr << "toytls-decrypt: " << error << "\n";
            return exit_bad_input;
        }
        SplitCapture capture = split_records(*chunks);
        std::optional<Hellos> hellos = read_hellos(capture, error);
        if (!hellos) {
            std::cerr << "toytls-decrypt: " << options->capture_path << ": " << error << "\n";
            return exit_bad_input;
        }
        print_plaintext_part(capture, chunks->size(), *hellos);
        return options->key_log_path.empty() ? explain_server_key(*options, capture, *hellos)
                                             : decrypt_with_key_log(*options, capture, *hellos);
    } catch (const std::exception& failure) {
        // E.g. AES-256-GCM chosen in the capture but not available on this CPU.
        std::cerr << "toytls-decrypt: " << failure.what() << "\n";
        return exit_bad_input;
    }
}
