// Fuzz target: the certificate parser and the chain validator.
//
// The input is up to four certificate texts separated by NUL bytes (a NUL
// can never appear in a valid certificate, so the split costs the fuzzer
// nothing): each one goes to parse_certificate, and all of them, leaf
// first, to verify_chain against the demo root, for "localhost", at a time
// inside the demo chain's validity. Seeds: certs/*.cert, and the demo chain
// as the server sends it.
//
// Checked besides "no crash, no sanitizer report":
// - a parsed certificate keeps exactly the bytes it was parsed from;
// - the helpers the parser uses are canonical, as certificate.hpp promises:
//   a value that base64_decode accepts encodes back to the same text, and
//   a time that parse_utc_time accepts formats back to the same text;
// - an accepted chain has a leaf, and the leaf carries the server name.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "handshake_fixture.hpp"
#include "toytls/chain.hpp"

using namespace toytls;
using namespace toytls::fuzz;

namespace {

// Every "name: value" line's value through the canonical decoders.
void check_canonical_values(std::string_view text) {
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        const std::size_t colon = line.find(": ");
        if (colon == std::string_view::npos) continue;
        const std::string_view value = line.substr(colon + 2);
        if (std::optional<Bytes> decoded = base64_decode(value))
            TOYTLS_FUZZ_CHECK(base64_encode(*decoded) == value);
        if (std::optional<UnixTime> time = parse_utc_time(value)) TOYTLS_FUZZ_CHECK(format_utc_time(*time) == value);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // libFuzzer gives no other place for set-up: the demo chain is read
    // once, on the first input, and only read after that.
    static const DemoPki pki = load_demo_pki();

    std::vector<Bytes> wire_certificates;
    ByteView rest(data, size);
    while (wire_certificates.size() < max_wire_chain_length + 1) {
        const auto nul = std::find(rest.begin(), rest.end(), std::uint8_t{0});
        const auto length = static_cast<std::size_t>(nul - rest.begin());
        wire_certificates.emplace_back(rest.begin(), nul);
        if (nul == rest.end()) break;
        rest = rest.subspan(length + 1);
    }

    for (const Bytes& text : wire_certificates) {
        std::string error;
        std::optional<Certificate> certificate = parse_certificate(text, error);
        check_canonical_values(as_text(text));
        if (!certificate) {
            TOYTLS_FUZZ_CHECK(!error.empty());
            continue;
        }
        TOYTLS_FUZZ_CHECK(certificate->encoded == text);
        TOYTLS_FUZZ_CHECK(certificate->is_ca == certificate->path_len.has_value());
        TOYTLS_FUZZ_CHECK(!certificate_signed_message(certificate->encoded).empty());
        (void)describe_certificate(*certificate);
        (void)signature_valid(*certificate, pki.root.public_key);
    }

    TrustStore trust_store;
    trust_store.add_root(pki.root);
    const ChainVerdict verdict = verify_chain(wire_certificates, trust_store, server_name, handshake_time);
    TOYTLS_FUZZ_CHECK(!verdict.reason.empty());
    if (verdict.ok) {
        TOYTLS_FUZZ_CHECK(verdict.leaf.has_value());
        TOYTLS_FUZZ_CHECK(server_name_matches(*verdict.leaf, server_name));
        TOYTLS_FUZZ_CHECK(wire_certificates.size() <= max_wire_chain_length);
    } else {
        TOYTLS_FUZZ_CHECK(!verdict.leaf.has_value());
    }
    return 0;
}
