#include "toytls/crypto/aead.hpp"

#include <stdexcept>

#include "toytls/crypto/random.hpp"

namespace toytls {

struct Aead::AesGcmState {
    crypto_aead_aes256gcm_state state;
    ~AesGcmState() { sodium_memzero(&state, sizeof state); }
};

bool aead_available(AeadAlgorithm algorithm) {
    require_sodium();
    return algorithm == AeadAlgorithm::chacha20_poly1305 || crypto_aead_aes256gcm_is_available() == 1;
}

Aead::Aead(AeadAlgorithm algorithm, const Secret<key_size>& key) : algorithm_(algorithm) {
    if (!aead_available(algorithm)) throw std::runtime_error("AES-256-GCM is not available on this CPU");
    if (algorithm == AeadAlgorithm::aes_256_gcm) {
        // Expanding the AES key once per connection, not once per record.
        aes_gcm_ = std::make_unique<AesGcmState>();
        crypto_aead_aes256gcm_beforenm(&aes_gcm_->state, key.data());
    } else {
        chacha_key_ = key.clone();
    }
}

Aead::~Aead() = default;
Aead::Aead(Aead&&) noexcept = default;
Aead& Aead::operator=(Aead&&) noexcept = default;

void Aead::seal(std::span<std::uint8_t> out, ByteView plaintext, ByteView nonce, ByteView aad) const {
    if (nonce.size() != nonce_size || out.size() < plaintext.size() + tag_size)
        throw std::invalid_argument("Aead::seal: wrong nonce or output size");
    unsigned long long sealed_length = 0;
    if (algorithm_ == AeadAlgorithm::aes_256_gcm) {
        crypto_aead_aes256gcm_encrypt_afternm(out.data(), &sealed_length, plaintext.data(), plaintext.size(),
                                              aad.data(), aad.size(), nullptr, nonce.data(), &aes_gcm_->state);
    } else {
        crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &sealed_length, plaintext.data(), plaintext.size(),
                                                  aad.data(), aad.size(), nullptr, nonce.data(), chacha_key_.data());
    }
}

bool Aead::open(std::span<std::uint8_t> out, ByteView sealed, ByteView nonce, ByteView aad) const {
    if (nonce.size() != nonce_size || sealed.size() < tag_size || out.size() < sealed.size() - tag_size) return false;
    unsigned long long opened_length = 0;
    int result;
    if (algorithm_ == AeadAlgorithm::aes_256_gcm) {
        result = crypto_aead_aes256gcm_decrypt_afternm(out.data(), &opened_length, nullptr, sealed.data(),
                                                       sealed.size(), aad.data(), aad.size(), nonce.data(),
                                                       &aes_gcm_->state);
    } else {
        result = crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &opened_length, nullptr, sealed.data(),
                                                           sealed.size(), aad.data(), aad.size(), nonce.data(),
                                                           chacha_key_.data());
    }
    if (result != 0) {
        sodium_memzero(out.data(), sealed.size() - tag_size);
        return false;
    }
    return true;
}

}  // namespace toytls
