// The differential check for the HTTP request parser: a request's verdict
// must not depend on how TCP split it. The server calls parse_request_head
// on the bytes received so far and again when more arrive, and feeds
// BodyDiscarder whatever each recv() returned; so, for any split point:
//
// - the head parsed from a prefix is "incomplete", or already the verdict
//   of the whole input (the same request, or the same error status);
// - every proper prefix of a complete head is "incomplete", never an error;
// - the body discarder ends the same way (done / error status, and when it
//   is done, after the same number of bytes) fed the body in one piece, in
//   two pieces at the split, or one byte at a time.
//
// Used by fuzz_http_request.cpp (one split per input, chosen by the fuzzer)
// and http_split_check.cpp (every split of every input of a corpus).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "handshake_fixture.hpp"
#include "webserver/http_request.hpp"

namespace toytls::fuzz {

// Small limits, so that short inputs reach the 413, 414 and 431 paths.
inline webserver::HttpLimits fuzz_http_limits() {
    webserver::HttpLimits limits;
    limits.max_request_line = 512;
    limits.max_header_section = 1024;
    limits.max_header_count = 16;
    limits.max_body_size = 4096;
    return limits;
}

struct HeadVerdict {
    webserver::ParseResult::Status status = webserver::ParseResult::Status::incomplete;
    std::size_t consumed = 0;
    int error_status = 0;
    std::string method;
    std::string target;
    int version_minor = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    webserver::BodyFraming::Kind framing = webserver::BodyFraming::Kind::none;
    std::uint64_t content_length = 0;
    bool operator==(const HeadVerdict&) const = default;
};

// Parses from a heap copy of exactly the input's size, so that under
// AddressSanitizer a read past the end is reported (a std::string would
// have its NUL there).
inline HeadVerdict parse_head(std::string_view input) {
    const auto copy = std::make_unique<char[]>(input.size() + 1);
    std::copy(input.begin(), input.end(), copy.get());
    webserver::HttpRequest request;
    webserver::BodyFraming framing;
    webserver::ParseResult result =
        webserver::parse_request_head(std::string_view(copy.get(), input.size()), fuzz_http_limits(), request, framing);
    HeadVerdict verdict;
    verdict.status = result.status;
    verdict.consumed = result.consumed;
    verdict.error_status = result.error_status;
    if (result.status == webserver::ParseResult::Status::complete) {
        TOYTLS_FUZZ_CHECK(result.consumed > 0 && result.consumed <= input.size());
        verdict.method = request.method;
        verdict.target = request.target;
        verdict.version_minor = request.version_minor;
        verdict.headers = request.headers;
        verdict.framing = framing.kind;
        verdict.content_length = framing.content_length;
    }
    if (result.status == webserver::ParseResult::Status::error) {
        const int status = result.error_status;
        TOYTLS_FUZZ_CHECK(status == 400 || status == 413 || status == 414 || status == 431 || status == 501 ||
                          status == 505);
        TOYTLS_FUZZ_CHECK(!result.error_reason.empty());
    }
    return verdict;
}

struct BodyVerdict {
    bool done = false;
    int error = 0;
    std::size_t consumed = 0;  // compared only when done: after an error the count is not part of the contract
    bool operator==(const BodyVerdict& other) const {
        return done == other.done && error == other.error && (!done || consumed == other.consumed);
    }
};

inline BodyVerdict discard_body(const HeadVerdict& head, std::string_view body, const std::vector<std::size_t>& cuts) {
    webserver::BodyDiscarder discarder(webserver::BodyFraming{head.framing, head.content_length},
                                       fuzz_http_limits().max_body_size);
    BodyVerdict verdict;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t end = i < cuts.size() ? cuts[i] : body.size();
        const std::string_view piece = body.substr(start, end - start);
        const std::size_t used = discarder.consume(piece);
        TOYTLS_FUZZ_CHECK(used <= piece.size());
        verdict.consumed += used;
        // It stops early only when it has finished or failed.
        if (used < piece.size()) {
            TOYTLS_FUZZ_CHECK(discarder.done() || discarder.error() != 0);
            break;
        }
        start = end;
    }
    verdict.done = discarder.done();
    verdict.error = discarder.error();
    TOYTLS_FUZZ_CHECK(verdict.error == 0 || verdict.error == 400 || verdict.error == 413);
    return verdict;
}

// Aborts (through TOYTLS_FUZZ_CHECK) unless `input` split at `split` gives
// the verdict of `input` whole. `whole` is parse_head(input), passed in so
// that http_split_check can compute it once per input.
inline void check_http_split(std::string_view input, const HeadVerdict& whole, std::size_t split) {
    using Status = webserver::ParseResult::Status;
    split = std::min(split, input.size());
    const HeadVerdict prefix = parse_head(input.substr(0, split));
    switch (whole.status) {
        case Status::complete:
            if (split < whole.consumed)
                TOYTLS_FUZZ_CHECK(prefix.status == Status::incomplete);
            else
                TOYTLS_FUZZ_CHECK(prefix == whole);
            break;
        case Status::incomplete: TOYTLS_FUZZ_CHECK(prefix.status == Status::incomplete); break;
        case Status::error:
            TOYTLS_FUZZ_CHECK(prefix.status == Status::incomplete ||
                              (prefix.status == Status::error && prefix.error_status == whole.error_status));
            break;
    }

    if (whole.status != Status::complete) return;
    const std::string_view body = input.substr(whole.consumed);
    const BodyVerdict in_one_piece = discard_body(whole, body, {});
    const std::size_t body_split = split >= whole.consumed ? split - whole.consumed : split % (body.size() + 1);
    TOYTLS_FUZZ_CHECK(discard_body(whole, body, {std::min(body_split, body.size())}) == in_one_piece);
    std::vector<std::size_t> every_byte;
    for (std::size_t cut = 1; cut < body.size(); ++cut) every_byte.push_back(cut);
    TOYTLS_FUZZ_CHECK(discard_body(whole, body, every_byte) == in_one_piece);
}

}  // namespace toytls::fuzz
