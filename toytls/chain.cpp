#include "toytls/chain.hpp"

#include <algorithm>
#include <utility>

namespace toytls {

namespace {

ChainVerdict reject(Alert alert, std::string reason) {
    ChainVerdict verdict;
    verdict.alert = alert;
    verdict.reason = std::move(reason);
    return verdict;
}

std::string named(const Certificate& certificate) { return "certificate '" + certificate.subject + "'"; }

std::string dns_names_in_words(const Certificate& certificate) {
    if (certificate.dns_names.empty()) return "it has no dns names";
    std::string words = "its names: ";
    for (std::size_t i = 0; i < certificate.dns_names.size(); ++i) {
        words += (i == 0 ? "" : ", ") + certificate.dns_names[i];
    }
    return words;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::string wire_position(std::size_t index, std::size_t count) {
    return "certificate " + std::to_string(index + 1) + " of " + std::to_string(count) + " on the wire" +
           (index == 0 ? " (the leaf)" : "");
}

}  // namespace

bool server_name_matches(const Certificate& leaf, std::string_view server_name) {
    return std::any_of(leaf.dns_names.begin(), leaf.dns_names.end(),
                       [&](const std::string& name) { return equal_ignoring_ascii_case(name, server_name); });
}

ChainVerdict verify_chain(const std::vector<Bytes>& wire_certificates_leaf_first, const TrustStore& trust_store,
                          std::string_view server_name, UnixTime now) {
    const std::size_t wire_count = wire_certificates_leaf_first.size();
    if (wire_count == 0) return reject(Alert::bad_certificate, "no certificate: the server must send at least its own");

    // Rule order as the design fixes it: parse, length, links and signatures
    // up to a root, CA flags, path-len, validity, name.
    std::vector<Certificate> path;
    for (std::size_t i = 0; i < wire_count; ++i) {
        std::string error;
        auto certificate = parse_certificate(wire_certificates_leaf_first[i], error);
        if (!certificate) {
            return reject(Alert::bad_certificate, wire_position(i, wire_count) + " does not parse: " + error);
        }
        path.push_back(std::move(*certificate));
    }

    if (wire_count > max_wire_chain_length) {
        return reject(Alert::bad_certificate, "chain too long: " + std::to_string(wire_count) +
                                                  " certificates on the wire, at most " +
                                                  std::to_string(max_wire_chain_length) +
                                                  " (the leaf and up to 2 intermediates; the root is never sent)");
    }

    // Roots come only from the trust store: a self-issued certificate on the
    // wire is refused even when the store holds the very same root, since
    // the peer must not be the one who says where the chain ends.
    for (const Certificate& certificate : path) {
        if (certificate.issuer == certificate.subject) {
            return reject(Alert::unknown_ca, named(certificate) +
                                                 " on the wire is self-issued (issuer == subject); roots come only "
                                                 "from the trust store");
        }
    }

    for (std::size_t i = 0; i + 1 < wire_count; ++i) {
        const Certificate& certificate = path[i];
        const Certificate& next = path[i + 1];
        if (certificate.issuer != next.subject) {
            return reject(Alert::bad_certificate, named(certificate) + " is issued by '" + certificate.issuer +
                                                      "', but the next certificate on the wire is '" + next.subject +
                                                      "' (each certificate must be followed by its issuer)");
        }
        if (!signature_valid(certificate, next.public_key)) {
            return reject(Alert::bad_certificate, "signature of " + named(certificate) +
                                                      " does not verify with the key of '" + next.subject + "'");
        }
    }

    // The last certificate on the wire must be signed by a trusted root of
    // the name it gives as issuer. Several roots may share a name (a root
    // being replaced): any of them will do.
    const Certificate& last = path.back();
    const Certificate* root = nullptr;
    bool a_root_has_that_name = false;
    for (const Certificate& candidate : trust_store.roots()) {
        if (candidate.subject != last.issuer) continue;
        a_root_has_that_name = true;
        if (signature_valid(last, candidate.public_key)) {
            root = &candidate;
            break;
        }
    }
    if (!root) {
        return reject(Alert::unknown_ca,
                      a_root_has_that_name
                          ? "signature of " + named(last) + " does not verify with the key of the trusted root '" +
                                last.issuer + "'"
                          : named(last) + " is issued by '" + last.issuer + "', which is not a trusted root");
    }
    path.push_back(*root);

    // Every issuer must be a CA; the server's own certificate must not be one.
    for (std::size_t i = 1; i < path.size(); ++i) {
        if (!path[i].is_ca) {
            return reject(Alert::bad_certificate,
                          named(path[i]) + " is not a CA but issued '" + path[i - 1].subject + "'");
        }
    }
    if (path[0].is_ca) {
        return reject(Alert::bad_certificate,
                      named(path[0]) + " is a CA (ca: true); the server's own certificate must have ca: false");
    }

    // path-len N: at most N intermediate CAs below this CA (X.509's
    // pathLenConstraint). The CA at path[i] has path[1..i-1] below it.
    for (std::size_t i = 1; i < path.size(); ++i) {
        const std::size_t intermediates_below = i - 1;
        const unsigned path_len = path[i].path_len.value_or(0);
        if (intermediates_below > path_len) {
            return reject(Alert::bad_certificate, named(path[i]) + " has path-len " + std::to_string(path_len) +
                                                      ", but the path puts " + std::to_string(intermediates_below) +
                                                      " intermediate CA" + (intermediates_below == 1 ? "" : "s") +
                                                      " below it");
        }
    }

    for (const Certificate& certificate : path) {
        if (now < certificate.not_before) {
            return reject(Alert::certificate_expired, named(certificate) + " is not valid before " +
                                                          format_utc_time(certificate.not_before) + " (now " +
                                                          format_utc_time(now) + ")");
        }
        if (now > certificate.not_after) {
            return reject(Alert::certificate_expired, named(certificate) + " expired at " +
                                                          format_utc_time(certificate.not_after) + " (now " +
                                                          format_utc_time(now) + ")");
        }
    }

    const Certificate& leaf = path[0];
    if (!server_name_matches(leaf, server_name)) {
        const std::string asked =
            server_name.empty() ? "no server name was given, and " + named(leaf) + " can only be checked against one"
                                : named(leaf) + " is not valid for the name '" + std::string(server_name) + "'";
        return reject(Alert::bad_certificate, asked + " (" + dns_names_in_words(leaf) + ")");
    }

    ChainVerdict verdict;
    verdict.ok = true;
    verdict.reason = named(leaf) + " is valid for '" + std::string(server_name) + "'; chain:";
    for (std::size_t i = 0; i < path.size(); ++i) verdict.reason += (i == 0 ? " '" : " <- '") + path[i].subject + "'";
    verdict.reason += " (trusted root)";
    verdict.leaf = leaf;
    return verdict;
}

}  // namespace toytls
