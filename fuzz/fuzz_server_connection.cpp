// Fuzz target: a ServerConnection fed arbitrary bytes, as a TCP peer could
// send them. The seeds (corpus/server_connection/) are what the
// deterministic client sends, so the fuzzer starts from a complete,
// successful connection and mutates from there.
//
// Checked on every input, besides "no crash, no sanitizer report":
// - the failure contract (handshake_fixture.hpp: a failure carries an alert);
// - the record layer does not care how TCP split the stream: the input fed
//   whole and fed in small pieces gives the same state, alert and output.
#include <cstddef>
#include <cstdint>

#include "handshake_fixture.hpp"

using namespace toytls;
using namespace toytls::fuzz;

namespace {

FeedOutcome run_server(const DemoPki& pki, ByteView input, std::size_t chunk_size) {
    ConnectionWatch watch;
    ServerConnection server(make_server_config(pki), watch.observer());
    return feed_and_answer(server, watch, input, chunk_size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // libFuzzer gives no other place for set-up: the demo chain is read
    // once, on the first input, and only read after that.
    static const DemoPki pki = load_demo_pki();

    ByteView input(data, size);
    FeedOutcome whole = run_server(pki, input, input.size());
    FeedOutcome in_pieces = run_server(pki, input, 1 + size % 61);
    TOYTLS_FUZZ_CHECK(whole == in_pieces);
    return 0;
}
