// The two AEADs a ToyTLS record can be sealed with: AES-256-GCM (when the
// CPU has AES-NI and PCLMUL, which libsodium requires) and
// ChaCha20-Poly1305-IETF (everywhere). Both: 32-byte key, 12-byte nonce,
// 16-byte tag.
#pragma once

#include <memory>

#include "toytls/bytes.hpp"
#include "toytls/crypto/secret.hpp"

namespace toytls {

enum class AeadAlgorithm { aes_256_gcm, chacha20_poly1305 };

bool aead_available(AeadAlgorithm algorithm);

class Aead {
public:
    static constexpr std::size_t key_size = 32;
    static constexpr std::size_t nonce_size = 12;
    static constexpr std::size_t tag_size = 16;

    // Throws std::runtime_error if the algorithm is not available here.
    Aead(AeadAlgorithm algorithm, const Secret<key_size>& key);
    ~Aead();
    Aead(Aead&&) noexcept;
    Aead& operator=(Aead&&) noexcept;

    AeadAlgorithm algorithm() const { return algorithm_; }

    // Writes ciphertext | tag (plaintext.size() + tag_size bytes) to `out`,
    // which may start at the same address as `plaintext`.
    void seal(std::span<std::uint8_t> out, ByteView plaintext, ByteView nonce, ByteView aad) const;

    // Checks the tag and writes the plaintext (sealed.size() - tag_size
    // bytes). Returns false, with `out` wiped, if the tag does not match or
    // the input is shorter than a tag.
    bool open(std::span<std::uint8_t> out, ByteView sealed, ByteView nonce, ByteView aad) const;

private:
    struct AesGcmState;  // libsodium's expanded AES key, 16-byte aligned
    AeadAlgorithm algorithm_;
    std::unique_ptr<AesGcmState> aes_gcm_;
    Secret<key_size> chacha_key_;
};

}  // namespace toytls
