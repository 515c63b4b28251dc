// Fuzz target: the HTTP request parser (parse_request_head) and the body
// discarder, fed the input whole and split in two, as TCP may deliver it.
// The first input byte is the split point (modulo the length); the rest is
// the bytes of the connection. The verdicts must agree (see
// http_split_property.hpp); http_split_check runs the same check for every
// split of every input of the corpus this target grows.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http_split_property.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
    const toytls::fuzz::HeadVerdict whole = toytls::fuzz::parse_head(stream);
    toytls::fuzz::check_http_split(stream, whole, data[0] % (stream.size() + 1));
    return 0;
}
