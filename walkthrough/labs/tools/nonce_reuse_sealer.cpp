#include "nonce_reuse_sealer.hpp"

namespace toytls_labs {

NonceReusingSealer::NonceReusingSealer(toytls::AeadAlgorithm algorithm,
                                       const toytls::Secret<toytls::Aead::key_size>& key,
                                       const toytls::Secret<toytls::Aead::nonce_size>& fixed_nonce,
                                       std::ostream& warnings)
    : aead_(algorithm, key), fixed_nonce_(fixed_nonce.clone()) {
    warnings << nonce_reuse_banner << std::flush;
}

toytls::Bytes NonceReusingSealer::seal(toytls::ByteView plaintext) const {
    toytls::Bytes sealed(plaintext.size() + toytls::Aead::tag_size);
    // THE BUG, on purpose: the nonce does not change from one call to the next.
    aead_.seal(sealed, plaintext, fixed_nonce_.view(), {});
    return sealed;
}

}  // namespace toytls_labs
