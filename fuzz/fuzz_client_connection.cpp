// Fuzz target: a ClientConnection that has sent its (real, deterministic)
// ClientHello, then fed arbitrary bytes as the server's answer. The seeds
// (corpus/client_connection/) are what the deterministic server answers to
// exactly this ClientHello, so the fuzzer starts from a successful
// handshake (the client's clock is fixed inside the demo chain's validity).
//
// Checked on every input, besides "no crash, no sanitizer report": the
// failure contract, and that the input fed whole and fed in small pieces
// gives the same state, alert and output.
#include <cstddef>
#include <cstdint>

#include "handshake_fixture.hpp"

using namespace toytls;
using namespace toytls::fuzz;

namespace {

FeedOutcome run_client(const DemoPki& pki, ByteView input, std::size_t chunk_size) {
    ConnectionWatch watch;
    ClientConfig config = make_client_config(pki);
    config.observer = watch.observer();
    ClientConnection client(std::move(config));
    Bytes client_hello = client.pop();
    TOYTLS_FUZZ_CHECK(!client_hello.empty());
    return feed_and_answer(client, watch, input, chunk_size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // libFuzzer gives no other place for set-up: the demo chain is read
    // once, on the first input, and only read after that.
    static const DemoPki pki = load_demo_pki();

    ByteView input(data, size);
    FeedOutcome whole = run_client(pki, input, input.size());
    FeedOutcome in_pieces = run_client(pki, input, 1 + size % 61);
    TOYTLS_FUZZ_CHECK(whole == in_pieces);
    return 0;
}
