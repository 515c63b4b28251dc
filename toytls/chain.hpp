// Certificate chain validation, as the client does it: is the server's
// certificate vouched for, link by link, by a root this client trusts, and
// is it for the name the client asked for? The rules and their order are in
// toytls/PROTOCOL.md, "Chain validation".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "toytls/alert.hpp"
#include "toytls/bytes.hpp"
#include "toytls/certificate.hpp"
#include "toytls/clock.hpp"

namespace toytls {

inline constexpr std::size_t max_wire_chain_length = 3;  // the leaf and up to 2 intermediates; never the root

// The roots a client trusts. A root is trusted because it was put here, not
// because of anything it says about itself: its signature on itself is not
// checked (its validity period, ca flag and path-len are, as part of a path).
class TrustStore {
public:
    void add_root(Certificate root) { roots_.push_back(std::move(root)); }
    const std::vector<Certificate>& roots() const { return roots_; }

private:
    std::vector<Certificate> roots_;
};

struct ChainVerdict {
    bool ok = false;
    Alert alert = Alert::bad_certificate;  // what to send when !ok
    std::string reason;                    // why, in words; for ok, the path that was found
    std::optional<Certificate> leaf;       // set when ok
};

// `wire_certificates_leaf_first` as they arrived in the Certificate message.
ChainVerdict verify_chain(const std::vector<Bytes>& wire_certificates_leaf_first, const TrustStore& trust_store,
                          std::string_view server_name, UnixTime now);

// One of the leaf's dns names equals `server_name`, ASCII case-insensitively.
// No wildcards, no partial matches.
bool server_name_matches(const Certificate& leaf, std::string_view server_name);

}  // namespace toytls
