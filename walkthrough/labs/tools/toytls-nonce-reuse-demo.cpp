// toytls-nonce-reuse-demo (lab 8, LAB ONLY): what a repeated nonce costs.
//
//   Part 1: a deliberately broken sealer (nonce_reuse_sealer.hpp) seals two
//           messages under one key and ONE nonce. The attacker knows the
//           first message and recovers the second with two XORs.
//   Part 2: the same two messages, key and IV through the real record
//           layer (toytls::RecordProtection, seq 0 and 1): the nonces
//           differ and the same trick yields garbage.
//
// Every run prints a loud banner. Exit status 0 when the demonstration came
// out as the lab says it must (part 1 recovers, part 2 does not, the real
// nonces differ), 1 otherwise, 2 for a usage error.
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "nonce_reuse_sealer.hpp"
#include "toytls/crypto/random.hpp"
#include "toytls/record.hpp"

namespace {

using toytls::Aead;
using toytls::AeadAlgorithm;
using toytls::Bytes;
using toytls::ByteView;

constexpr std::string_view usage =
    "usage: toytls-nonce-reuse-demo [--aead aes-256-gcm|chacha20-poly1305] [--known TEXT] [--secret TEXT]\n"
    "  --aead    the AEAD to break (default: AES-256-GCM if this CPU has it, else ChaCha20-Poly1305)\n"
    "  --known   message 1, which the attacker knows (default: a GET of a public page)\n"
    "  --secret  message 2, which the attacker wants (default: a login POST with a password)\n"
    "LAB ONLY: part 1 uses a sealer that reuses a nonce on purpose.\n";

constexpr std::string_view default_known =
    "GET /public/news.html HTTP/1.1\r\nHost: localhost\r\nUser-Agent: toytls-client/1.0\r\n"
    "Accept: */*\r\nConnection: close\r\n\r\n";
constexpr std::string_view default_secret =
    "POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 27\r\n\r\nuser=alice&password=hunter2";

struct Options {
    AeadAlgorithm algorithm = toytls::aead_available(AeadAlgorithm::aes_256_gcm) ? AeadAlgorithm::aes_256_gcm
                                                                                 : AeadAlgorithm::chacha20_poly1305;
    std::string known{default_known};
    std::string secret{default_secret};
};

std::optional<Options> parse_options(int argc, char** argv, std::string& error) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        if (i + 1 >= argc) {
            error = std::string(name) + " needs a value";
            return std::nullopt;
        }
        std::string_view value = argv[++i];
        if (name == "--aead" && value == "aes-256-gcm") {
            options.algorithm = AeadAlgorithm::aes_256_gcm;
        } else if (name == "--aead" && value == "chacha20-poly1305") {
            options.algorithm = AeadAlgorithm::chacha20_poly1305;
        } else if (name == "--known") {
            options.known = value;
        } else if (name == "--secret") {
            options.secret = value;
        } else {
            error = "unknown option or value: " + std::string(name) + " " + std::string(value);
            return std::nullopt;
        }
    }
    if (!toytls::aead_available(options.algorithm)) {
        error = "AES-256-GCM is not available on this CPU (libsodium needs AES-NI); use --aead chacha20-poly1305";
        return std::nullopt;
    }
    return options;
}

std::string_view algorithm_name(AeadAlgorithm algorithm) {
    return algorithm == AeadAlgorithm::aes_256_gcm ? "AES-256-GCM" : "ChaCha20-Poly1305";
}

// Text with CR, LF and non-printable bytes escaped, on one line.
std::string quoted(ByteView bytes) {
    std::string text = "\"";
    for (std::uint8_t byte : bytes) {
        if (byte == '\r') text += "\\r";
        else if (byte == '\n') text += "\\n";
        else if (byte == '"' || byte == '\\') text += std::string("\\") + static_cast<char>(byte);
        else if (byte >= 0x20 && byte < 0x7f) text += static_cast<char>(byte);
        else {
            constexpr char digits[] = "0123456789abcdef";
            text += "\\x";
            text += digits[byte >> 4];
            text += digits[byte & 15];
        }
    }
    return text + "\"";
}

std::string hex_preview(ByteView bytes) {
    const std::size_t shown = std::min<std::size_t>(bytes.size(), 24);
    return toytls::to_hex(bytes.first(shown)) + (shown < bytes.size() ? "..." : "");
}

Bytes xor_bytes(ByteView a, ByteView b) {
    Bytes out(std::min(a.size(), b.size()));
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i] ^ b[i];
    return out;
}

// The attack: with c = p XOR keystream(key, nonce), the same keystream
// under both messages gives p2 = c2 XOR c1 XOR p1. (As long as p1 reaches.)
Bytes recover_second_plaintext(ByteView ciphertext1, ByteView ciphertext2, ByteView known_plaintext1) {
    return xor_bytes(xor_bytes(ciphertext1, ciphertext2), known_plaintext1);
}

std::string yes_no(bool value) { return value ? "YES" : "NO"; }

struct Outcome {
    bool broken_recovers = false;
    bool real_nonces_differ = false;
    bool real_recovers = false;
};

Outcome run(const Options& options) {
    const ByteView known = toytls::as_bytes(options.known);
    const ByteView secret = toytls::as_bytes(options.secret);
    toytls::SystemRandom random;
    toytls::Secret<Aead::key_size> key;
    toytls::Secret<Aead::nonce_size> nonce;
    random.fill(key.span());
    random.fill(nonce.span());
    Outcome outcome;

    // Part 1: the broken sealer. Its constructor prints the banner.
    toytls_labs::NonceReusingSealer broken(options.algorithm, key, nonce, std::cout);
    std::cout << "\nAEAD " << algorithm_name(options.algorithm) << ", a fresh random 32-byte key, and the nonce "
              << toytls::to_hex(nonce.view()) << "\n"
              << "\nPart 1: the broken sealer (one key, the SAME nonce for both messages)\n"
              << "  message 1, known to the attacker: " << quoted(known) << "\n"
              << "  message 2, the secret:            " << quoted(secret) << "\n";
    const Bytes sealed1 = broken.seal(known);
    const Bytes sealed2 = broken.seal(secret);
    const ByteView ciphertext1 = ByteView(sealed1).first(known.size());  // the tag follows the ciphertext
    const ByteView ciphertext2 = ByteView(sealed2).first(secret.size());
    std::cout << "  nonce of message 1: " << toytls::to_hex(nonce.view()) << "\n"
              << "  nonce of message 2: " << toytls::to_hex(nonce.view()) << "   <- the same\n"
              << "  ciphertext 1: " << hex_preview(ciphertext1) << "\n"
              << "  ciphertext 2: " << hex_preview(ciphertext2) << "\n"
              << "  The keystream depends only on (key, nonce), so it cancels out:\n"
              << "    ciphertext 1 XOR ciphertext 2 = " << hex_preview(xor_bytes(ciphertext1, ciphertext2)) << "\n"
              << "    message 1    XOR message 2    = " << hex_preview(xor_bytes(known, secret)) << "\n"
              << "  The attacker computes ciphertext 2 XOR ciphertext 1 XOR message 1:\n";
    const Bytes recovered = recover_second_plaintext(ciphertext1, ciphertext2, known);
    std::cout << "  recovered: " << quoted(recovered) << "\n";
    if (known.size() < secret.size())
        std::cout << "  (only " << known.size() << " of " << secret.size()
                  << " bytes: the known message is shorter than the secret one)\n";
    outcome.broken_recovers = ByteView(recovered).size() == secret.size() &&
                              std::equal(recovered.begin(), recovered.end(), secret.begin());
    std::cout << "RESULT broken sealer: recovered message 2 exactly: " << yes_no(outcome.broken_recovers) << "\n";

    // Part 2: the real record layer, same key, and the nonce above as IV.
    std::cout << "\nPart 2: the real record layer (toytls::RecordProtection; same key, IV = the nonce above)\n";
    toytls::RecordProtection real(options.algorithm, key, nonce);
    const toytls::Nonce nonce0 = real.nonce_for(0);
    const toytls::Nonce nonce1 = real.nonce_for(1);
    Bytes records;
    real.seal_record(records, toytls::ContentType::application_data, known);   // seq 0
    const std::size_t second_record_start = records.size();
    real.seal_record(records, toytls::ContentType::application_data, secret);  // seq 1
    // A protected record is header (3) | seq (8) | ciphertext | tag (PROTOCOL.md 2.3).
    constexpr std::size_t ciphertext_offset = toytls::record_header_size + toytls::sequence_number_size;
    const ByteView real1 = ByteView(records).subspan(ciphertext_offset, known.size());
    const ByteView real2 = ByteView(records).subspan(second_record_start + ciphertext_offset, secret.size());
    outcome.real_nonces_differ = nonce0 != nonce1;
    std::cout << "  nonce of record seq 0: " << toytls::to_hex(nonce0) << "   (IV XOR 0: the nonce of part 1)\n"
              << "  nonce of record seq 1: " << toytls::to_hex(nonce1) << "   (IV XOR 1)\n"
              << "RESULT real record layer: nonces of seq 0 and seq 1 differ: " << yes_no(outcome.real_nonces_differ)
              << "\n"
              << "  ciphertext 1: " << hex_preview(real1) << "   (identical to part 1: same key, same nonce)\n"
              << "  ciphertext 2: " << hex_preview(real2) << "   (another keystream)\n";
    const Bytes real_recovered = recover_second_plaintext(real1, real2, known);
    outcome.real_recovers = ByteView(real_recovered).size() == secret.size() &&
                            std::equal(real_recovered.begin(), real_recovered.end(), secret.begin());
    std::cout << "  the same XOR trick gives: " << quoted(real_recovered) << "\n"
              << "RESULT real record layer: recovered message 2: " << yes_no(outcome.real_recovers) << "\n";
    return outcome;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (std::string_view(argv[1]) == "-h" || std::string_view(argv[1]) == "--help")) {
        std::cout << usage;
        return 0;
    }
    try {
        toytls::require_sodium();
        std::string error;
        std::optional<Options> options = parse_options(argc, argv, error);
        if (!options) {
            std::cerr << "toytls-nonce-reuse-demo: " << error << "\n" << usage;
            return 2;
        }
        Outcome outcome = run(*options);
        const bool as_expected = outcome.broken_recovers && outcome.real_nonces_differ && !outcome.real_recovers;
        std::cout << "\n"
                  << (as_expected ? "As expected: one repeated nonce gave the secret away; the record layer's "
                                    "per-record nonces did not.\n"
                                  : "NOT as the lab expects (a --known message shorter than --secret cannot "
                                    "recover all of it).\n");
        return as_expected ? 0 : 1;
    } catch (const std::exception& failure) {
        std::cerr << "toytls-nonce-reuse-demo: " << failure.what() << "\n";
        return 2;
    }
}
