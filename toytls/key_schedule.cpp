#include "toytls/key_schedule.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "toytls/crypto/hkdf.hpp"
#include "toytls/crypto/hmac.hpp"

namespace toytls {

namespace {

constexpr std::string_view key_schedule_salt = "ToyTLS v1";
constexpr std::string_view label_prefix = "ToyTLS v1 ";
constexpr std::size_t longest_label_size = std::string_view("c finished").size();

// The salt is a constant of the protocol, so HMAC keyed with it is the same
// for every connection: its key pads are hashed once per process (the first
// time a handshake needs it), not once per handshake. The salt is public, so
// this long-lived state holds no secret.
const KeyedHmacSha256& keyed_with_salt() {
    static const KeyedHmacSha256 keyed(as_bytes(key_schedule_salt));
    return keyed;
}

// value = HKDF-Expand(session_secret, info, N) with
// info = "ToyTLS v1 " | label | hello_hash (PROTOCOL.md 5.1, step 4). The
// info is at most 10 + 10 + 32 = 52 bytes, so it is built on the stack.
template <std::size_t N>
void expand_label(Secret<N>& out, const KeyedHmacSha256& keyed_with_session_secret, std::string_view label,
                  const Sha256Digest& hello_hash) {
    if (label.size() > longest_label_size) throw std::logic_error("key schedule label too long");
    std::array<std::uint8_t, label_prefix.size() + longest_label_size + sizeof(Sha256Digest)> buffer;
    auto end = std::copy(label_prefix.begin(), label_prefix.end(), buffer.begin());
    end = std::copy(label.begin(), label.end(), end);
    end = std::copy(hello_hash.begin(), hello_hash.end(), end);
    ByteView info(buffer.data(), static_cast<std::size_t>(end - buffer.begin()));
    hkdf_expand(keyed_with_session_secret, info, out.span());
}

}  // namespace

TrafficSecrets derive_traffic_secrets(const Secret<32>& shared_secret, const Sha256Digest& hello_hash,
                                      const SecretObserver& observe_secret) {
    Secret<32> session_secret = hkdf_extract(keyed_with_salt(), shared_secret.view());
    // All six values are expanded from the session secret: key HMAC with it
    // once (RFC 2104's two key pads), then one HMAC message per label.
    const KeyedHmacSha256 keyed_with_session_secret(session_secret.view());
    TrafficSecrets secrets;
    expand_label(secrets.client_write_key, keyed_with_session_secret, "c key", hello_hash);
    expand_label(secrets.client_write_iv, keyed_with_session_secret, "c iv", hello_hash);
    expand_label(secrets.server_write_key, keyed_with_session_secret, "s key", hello_hash);
    expand_label(secrets.server_write_iv, keyed_with_session_secret, "s iv", hello_hash);
    expand_label(secrets.client_finished_key, keyed_with_session_secret, "c finished", hello_hash);
    expand_label(secrets.server_finished_key, keyed_with_session_secret, "s finished", hello_hash);
    if (observe_secret) {
        observe_secret("SHARED_SECRET", shared_secret.view());
        observe_secret("SESSION_SECRET", session_secret.view());
        observe_secret("CLIENT_WRITE_KEY", secrets.client_write_key.view());
        observe_secret("CLIENT_WRITE_IV", secrets.client_write_iv.view());
        observe_secret("SERVER_WRITE_KEY", secrets.server_write_key.view());
        observe_secret("SERVER_WRITE_IV", secrets.server_write_iv.view());
        observe_secret("CLIENT_FINISHED_KEY", secrets.client_finished_key.view());
        observe_secret("SERVER_FINISHED_KEY", secrets.server_finished_key.view());
    }
    return secrets;
}

std::array<std::uint8_t, 32> finished_verify_data(const Secret<32>& finished_key, const Sha256Digest& transcript_hash) {
    return hmac_sha256(finished_key.view(), transcript_hash);
}

Bytes certificate_verify_content(const Sha256Digest& transcript_hash) {
    constexpr std::string_view context = "ToyTLS v1 server CertificateVerify";
    constexpr std::size_t spaces = 64;
    Bytes content;
    content.reserve(spaces + context.size() + 1 + transcript_hash.size());  // one allocation, no regrowth
    content.assign(spaces, 0x20);
    append(content, as_bytes(context));
    content.push_back(0x00);
    append(content, transcript_hash);
    return content;
}

}  // namespace toytls
