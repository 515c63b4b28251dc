#include "toytls/key_schedule.hpp"

#include "toytls/crypto/hkdf.hpp"
#include "toytls/crypto/hmac.hpp"

namespace toytls {

namespace {

constexpr std::string_view key_schedule_salt = "ToyTLS v1";
constexpr std::string_view label_prefix = "ToyTLS v1 ";

template <std::size_t N>
void expand_label(Secret<N>& out, const Secret<32>& session_secret, std::string_view label,
                  const Sha256Digest& hello_hash) {
    Bytes info;
    append(info, as_bytes(label_prefix));
    append(info, as_bytes(label));
    append(info, hello_hash);
    hkdf_expand(session_secret.view(), info, out.span());
}

}  // namespace

TrafficSecrets derive_traffic_secrets(const Secret<32>& shared_secret, const Sha256Digest& hello_hash,
                                      const SecretObserver& observe_secret) {
    Secret<32> session_secret = hkdf_extract(as_bytes(key_schedule_salt), shared_secret.view());
    TrafficSecrets secrets;
    expand_label(secrets.client_write_key, session_secret, "c key", hello_hash);
    expand_label(secrets.client_write_iv, session_secret, "c iv", hello_hash);
    expand_label(secrets.server_write_key, session_secret, "s key", hello_hash);
    expand_label(secrets.server_write_iv, session_secret, "s iv", hello_hash);
    expand_label(secrets.client_finished_key, session_secret, "c finished", hello_hash);
    expand_label(secrets.server_finished_key, session_secret, "s finished", hello_hash);
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
    Bytes content(64, 0x20);
    append(content, as_bytes(context));
    content.push_back(0x00);
    append(content, transcript_hash);
    return content;
}

}  // namespace toytls
