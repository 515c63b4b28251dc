#include "load/response_meter.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace toytls_load {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

void ResponseMeter::reset() {
    status_ = Status::in_progress;
    head_.clear();  // keeps its capacity: one allocation per connection, not per response
    head_done_ = false;
    status_code_ = 0;
    connection_close_ = false;
    content_length_ = 0;
    body_received_ = 0;
    extra_bytes_ = 0;
    error_.clear();
}

ResponseMeter::Status ResponseMeter::fail(std::string reason) {
    error_ = std::move(reason);
    return status_ = Status::malformed;
}

ResponseMeter::Status ResponseMeter::feed(std::string_view bytes) {
    if (status_ == Status::malformed) return status_;
    if (status_ == Status::complete) {
        extra_bytes_ += bytes.size();
        return status_;
    }
    if (!head_done_) {
        // The blank line may straddle two pieces: search from 3 bytes back.
        std::size_t search_from = head_.size() < 3 ? 0 : head_.size() - 3;
        head_.append(bytes);
        std::size_t end = head_.find("\r\n\r\n", search_from);
        if (end == std::string::npos) {
            if (head_.size() > max_head_size) return fail("response head over 16 KiB");
            return status_;
        }
        std::size_t head_size = end + 4;
        bytes = std::string_view(head_).substr(head_size);  // body bytes that came with the head
        head_done_ = true;
        parse_head();
        if (status_ == Status::malformed) return status_;
        std::uint64_t body_now = std::min<std::uint64_t>(bytes.size(), content_length_);
        body_received_ = body_now;
        extra_bytes_ = bytes.size() - body_now;
        head_.resize(head_size);
        if (body_received_ == content_length_) status_ = Status::complete;
        return status_;
    }
    std::uint64_t wanted = content_length_ - body_received_;
    std::uint64_t taken = std::min<std::uint64_t>(wanted, bytes.size());
    body_received_ += taken;
    extra_bytes_ += bytes.size() - taken;
    if (body_received_ == content_length_) status_ = Status::complete;
    return status_;
}

void ResponseMeter::parse_head() {
    std::string_view head(head_);
    // "HTTP/1.1 200 OK"
    if (head.size() < 12 || head.substr(0, 7) != "HTTP/1.") return void(fail("not an HTTP/1.x status line"));
    auto [end, result] = std::from_chars(head.data() + 9, head.data() + 12, status_code_);
    if (result != std::errc() || end != head.data() + 12) return void(fail("bad status code"));
    bool have_length = false;
    std::size_t line_start = head.find("\r\n") + 2;
    while (line_start < head.size()) {
        std::size_t line_end = head.find("\r\n", line_start);
        std::string_view line = head.substr(line_start, line_end - line_start);
        line_start = line_end + 2;
        if (line.empty()) break;
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) return void(fail("header line without a colon"));
        std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
        if (equals_ignoring_case(name, "Content-Length")) {
            auto [value_end, parsed] = std::from_chars(value.data(), value.data() + value.size(), content_length_);
            if (parsed != std::errc() || value_end != value.data() + value.size())
                return void(fail("bad Content-Length"));
            have_length = true;
        } else if (equals_ignoring_case(name, "Connection")) {
            connection_close_ = equals_ignoring_case(value, "close");
        } else if (equals_ignoring_case(name, "Transfer-Encoding")) {
            return void(fail("Transfer-Encoding is not supported by toytls-load"));
        }
    }
    if (!have_length) fail("response without Content-Length");
}

}  // namespace toytls_load
