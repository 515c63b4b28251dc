// toytls-micro-benchmarks: the costs of ToyTLS's building blocks, next to
// the libsodium primitives they are made of (the "crypto floor"), measured
// in the same run so that the ratios mean something on any machine.
//
//   floor/...       raw libsodium calls: what the protocol cannot avoid
//   record/...      toytls::RecordProtection sealing and opening one record
//   handshake/...   a whole ToyTLS handshake in memory, the server's calls
//                   and the client's calls timed separately
//   chain/...       verify_chain on the demo chain (two Ed25519 verifies)
//   http/...        webserver::parse_request_head
//
// bench/compare.sh reads these by name from the JSON output: rename with care.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "toytls/chain.hpp"
#include "toytls/client.hpp"
#include "toytls/key_file.hpp"
#include "toytls/record.hpp"
#include "toytls/server.hpp"
#include "webserver/http_request.hpp"

namespace {

const std::string certs_dir = TOYTLS_SOURCE_DIR "/certs";

// A moment inside the demo certificates' validity (2026..2046), so that the
// benchmarks do not depend on the machine's date.
toytls::UnixTime inside_validity() { return *toytls::parse_utc_time("2030-01-01T00:00:00Z"); }

toytls::Certificate load_certificate(const std::string& name) {
    std::string error;
    std::optional<toytls::Certificate> certificate = toytls::load_certificate_file(certs_dir + "/" + name, error);
    if (!certificate) throw std::runtime_error(error);
    return *certificate;
}

// ---------------------------------------------------------------------------
// The crypto floor: libsodium itself, no ToyTLS code in between.
// ---------------------------------------------------------------------------

void floor_x25519_keygen(benchmark::State& state) {
    unsigned char secret_key[crypto_scalarmult_SCALARBYTES], public_key[crypto_scalarmult_BYTES];
    for (auto _ : state) {
        randombytes_buf(secret_key, sizeof secret_key);
        benchmark::DoNotOptimize(crypto_scalarmult_base(public_key, secret_key));
    }
}

void floor_x25519_shared(benchmark::State& state) {
    unsigned char own_secret[crypto_scalarmult_SCALARBYTES], peer_secret[crypto_scalarmult_SCALARBYTES];
    unsigned char peer_public[crypto_scalarmult_BYTES], shared[crypto_scalarmult_BYTES];
    randombytes_buf(own_secret, sizeof own_secret);
    randombytes_buf(peer_secret, sizeof peer_secret);
    crypto_scalarmult_base(peer_public, peer_secret);
    for (auto _ : state) benchmark::DoNotOptimize(crypto_scalarmult(shared, own_secret, peer_public));
}

// About what a CertificateVerify signs: a context string and a SHA-256 hash.
constexpr std::size_t signed_message_size = 100;

void floor_ed25519_sign(benchmark::State& state) {
    unsigned char public_key[crypto_sign_PUBLICKEYBYTES], secret_key[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(public_key, secret_key);
    std::vector<unsigned char> message(signed_message_size, 0x5a);
    unsigned char signature[crypto_sign_BYTES];
    for (auto _ : state)
        benchmark::DoNotOptimize(crypto_sign_detached(signature, nullptr, message.data(), message.size(), secret_key));
}

void floor_ed25519_verify(benchmark::State& state) {
    unsigned char public_key[crypto_sign_PUBLICKEYBYTES], secret_key[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(public_key, secret_key);
    std::vector<unsigned char> message(signed_message_size, 0x5a);
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, nullptr, message.data(), message.size(), secret_key);
    for (auto _ : state)
        if (crypto_sign_verify_detached(signature, message.data(), message.size(), public_key) != 0)
            state.SkipWithError("signature did not verify");
}

void floor_aes256gcm_seal(benchmark::State& state) {
    const auto size = static_cast<std::size_t>(state.range(0));
    crypto_aead_aes256gcm_state key_state;
    unsigned char key[crypto_aead_aes256gcm_KEYBYTES], nonce[crypto_aead_aes256gcm_NPUBBYTES] = {};
    randombytes_buf(key, sizeof key);
    crypto_aead_aes256gcm_beforenm(&key_state, key);  // as toytls::Aead does: once per key
    std::vector<unsigned char> plaintext(size, 0x42), sealed(size + crypto_aead_aes256gcm_ABYTES);
    unsigned char aad[11] = {};
    unsigned long long sealed_length = 0;
    for (auto _ : state) {
        crypto_aead_aes256gcm_encrypt_afternm(sealed.data(), &sealed_length, plaintext.data(), size, aad, sizeof aad,
                                              nullptr, nonce, &key_state);
        benchmark::DoNotOptimize(sealed.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void floor_chacha20poly1305_seal(benchmark::State& state) {
    const auto size = static_cast<std::size_t>(state.range(0));
    unsigned char key[crypto_aead_chacha20poly1305_ietf_KEYBYTES], nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES] = {};
    randombytes_buf(key, sizeof key);
    std::vector<unsigned char> plaintext(size, 0x42), sealed(size + crypto_aead_chacha20poly1305_ietf_ABYTES);
    unsigned char aad[11] = {};
    unsigned long long sealed_length = 0;
    for (auto _ : state) {
        crypto_aead_chacha20poly1305_ietf_encrypt(sealed.data(), &sealed_length, plaintext.data(), size, aad,
                                                  sizeof aad, nullptr, nonce, key);
        benchmark::DoNotOptimize(sealed.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// ---------------------------------------------------------------------------
// The record layer.
// ---------------------------------------------------------------------------

toytls::Secret<toytls::Aead::key_size> fixed_key() {
    std::array<std::uint8_t, toytls::Aead::key_size> bytes{};
    bytes.fill(0x11);
    return toytls::Secret<toytls::Aead::key_size>(bytes);
}

toytls::Secret<toytls::Aead::nonce_size> fixed_iv() {
    std::array<std::uint8_t, toytls::Aead::nonce_size> bytes{};
    bytes.fill(0x22);
    return toytls::Secret<toytls::Aead::nonce_size>(bytes);
}

void record_seal(benchmark::State& state, toytls::AeadAlgorithm algorithm) {
    const auto size = static_cast<std::size_t>(state.range(0));
    toytls::RecordProtection writer(algorithm, fixed_key(), fixed_iv());
    toytls::Bytes plaintext(size, 0x42), record;
    record.reserve(toytls::max_record_size);
    for (auto _ : state) {
        record.clear();  // the server appends to a reused buffer the same way
        writer.seal_record(record, toytls::ContentType::application_data, plaintext);
        benchmark::DoNotOptimize(record.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// Opening needs records with the next expected sequence number, so a batch
// of consecutive records is sealed in advance (about 256 KiB of them, so
// they stay in cache as a received record would be) and the reader is
// rebuilt, untimed, at the start of each batch.
void record_open(benchmark::State& state, toytls::AeadAlgorithm algorithm) {
    const auto size = static_cast<std::size_t>(state.range(0));
    const std::size_t batch = std::max<std::size_t>(16, 256 * 1024 / (size + toytls::protection_overhead));
    toytls::RecordProtection writer(algorithm, fixed_key(), fixed_iv());
    toytls::Bytes plaintext(size, 0x42);
    std::vector<toytls::Bytes> records(batch);
    for (auto& record : records) writer.seal_record(record, toytls::ContentType::application_data, plaintext);
    auto reader = std::make_unique<toytls::RecordProtection>(algorithm, fixed_key(), fixed_iv());
    toytls::Bytes opened;
    opened.reserve(toytls::max_plaintext_size);
    std::string error;
    std::size_t next = 0;
    for (auto _ : state) {
        if (next == batch) {
            state.PauseTiming();
            reader = std::make_unique<toytls::RecordProtection>(algorithm, fixed_key(), fixed_iv());
            next = 0;
            state.ResumeTiming();
        }
        opened.clear();
        toytls::ByteView body = toytls::ByteView(records[next++]).subspan(toytls::record_header_size);
        if (!reader->open_record(opened, toytls::ContentType::application_data, body, error)) state.SkipWithError(error.c_str());
        benchmark::DoNotOptimize(opened.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// ---------------------------------------------------------------------------
// A whole handshake in memory.
// ---------------------------------------------------------------------------

struct HandshakeParties {
    std::shared_ptr<const toytls::ServerConfig> server_config;
    toytls::ClientConfig client_config;  // parsed once; each connection gets a copy, as in toytls-load

    HandshakeParties() {
        auto server = std::make_shared<toytls::ServerConfig>();
        server->identities.push_back(toytls::load_server_identity(certs_dir + "/server.cert", certs_dir + "/server.key",
                                                                  {certs_dir + "/intermediate.cert"}));
        server_config = std::move(server);
        client_config.trust_store.add_root(load_certificate("root.cert"));
        client_config.server_name = "localhost";
        client_config.clock = toytls::fixed_clock(inside_validity());
    }
};

enum class TimedSide { server, client };

// The calling thread's CPU time: unlike a wall clock it does not count the
// time the thread was preempted, so a busy machine does not inflate it.
struct ThreadCpuClock {
    using duration = std::chrono::nanoseconds;
    using time_point = std::chrono::time_point<ThreadCpuClock>;
    static time_point now() {
        timespec now{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
        return time_point(duration(std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec));
    }
};

// Times only one side's calls (construction, feed() and pop()) in thread CPU
// time; the other side's work happens between the timed parts.
void handshake(benchmark::State& state, TimedSide timed_side) {
    const HandshakeParties parties;
    using Clock = ThreadCpuClock;
    for (auto _ : state) {
        Clock::duration server_time{}, client_time{};
        auto t0 = Clock::now();
        toytls::ClientConnection client(parties.client_config);
        toytls::Bytes client_hello = client.pop();
        auto t1 = Clock::now();
        toytls::ServerConnection server(parties.server_config);
        server.feed(client_hello);
        toytls::Bytes server_flight = server.pop();
        auto t2 = Clock::now();
        client.feed(server_flight);
        toytls::Bytes client_finished = client.pop();
        auto t3 = Clock::now();
        server.feed(client_finished);
        auto t4 = Clock::now();
        client_time = (t1 - t0) + (t3 - t2);
        server_time = (t2 - t1) + (t4 - t3);
        if (!client.established() || !server.established()) {
            state.SkipWithError("handshake did not complete");
            break;
        }
        state.SetIterationTime(std::chrono::duration<double>(timed_side == TimedSide::server ? server_time : client_time).count());
    }
}

void chain_verify(benchmark::State& state) {
    toytls::TrustStore trust_store;
    trust_store.add_root(load_certificate("root.cert"));
    const std::vector<toytls::Bytes> chain = {load_certificate("server.cert").encoded,
                                              load_certificate("intermediate.cert").encoded};
    const toytls::UnixTime now = inside_validity();
    for (auto _ : state) {
        toytls::ChainVerdict verdict = toytls::verify_chain(chain, trust_store, "localhost", now);
        if (!verdict.ok) state.SkipWithError(verdict.reason.c_str());
        benchmark::DoNotOptimize(verdict);
    }
}

// ---------------------------------------------------------------------------
// HTTP request parsing.
// ---------------------------------------------------------------------------

// What a current desktop browser sends for a page (15 header fields, ~700 bytes).
constexpr std::string_view browser_request =
    "GET /index.html HTTP/1.1\r\n"
    "Host: localhost:8080\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
    "sec-ch-ua-mobile: ?0\r\n"
    "sec-ch-ua-platform: \"Linux\"\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
    "Safari/537.36\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7\r\n"
    "Sec-Fetch-Site: none\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Sec-Fetch-User: ?1\r\n"
    "Sec-Fetch-Dest: document\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Cookie: session=0123456789abcdef0123456789abcdef\r\n"
    "\r\n";

// What wrk and toytls-load send.
constexpr std::string_view minimal_request = "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";

void http_parse(benchmark::State& state, std::string_view request_text) {
    const webserver::HttpLimits limits;
    for (auto _ : state) {
        webserver::HttpRequest request;
        webserver::BodyFraming framing;
        webserver::ParseResult result = webserver::parse_request_head(request_text, limits, request, framing);
        if (result.status != webserver::ParseResult::Status::complete) state.SkipWithError("request did not parse");
        benchmark::DoNotOptimize(request);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * request_text.size()));
}

void register_benchmarks() {
    using benchmark::RegisterBenchmark;
    using toytls::AeadAlgorithm;
    RegisterBenchmark("floor/x25519_keygen", floor_x25519_keygen)->Unit(benchmark::kMicrosecond);
    RegisterBenchmark("floor/x25519_shared", floor_x25519_shared)->Unit(benchmark::kMicrosecond);
    RegisterBenchmark("floor/ed25519_sign", floor_ed25519_sign)->Unit(benchmark::kMicrosecond);
    RegisterBenchmark("floor/ed25519_verify", floor_ed25519_verify)->Unit(benchmark::kMicrosecond);
    if (crypto_aead_aes256gcm_is_available())
        RegisterBenchmark("floor/aes256gcm_seal", floor_aes256gcm_seal)->Arg(16384)->Unit(benchmark::kMicrosecond);
    RegisterBenchmark("floor/chacha20poly1305_seal", floor_chacha20poly1305_seal)->Arg(16384)->Unit(benchmark::kMicrosecond);

    struct Suite {
        const char* name;
        AeadAlgorithm algorithm;
    };
    for (Suite suite : {Suite{"aes256gcm", AeadAlgorithm::aes_256_gcm}, Suite{"chacha20poly1305", AeadAlgorithm::chacha20_poly1305}}) {
        if (!toytls::aead_available(suite.algorithm)) continue;
        RegisterBenchmark((std::string("record/seal/") + suite.name).c_str(), record_seal, suite.algorithm)
            ->Arg(64)->Arg(1024)->Arg(16384);
        RegisterBenchmark((std::string("record/open/") + suite.name).c_str(), record_open, suite.algorithm)
            ->Arg(64)->Arg(1024)->Arg(16384);
    }

    RegisterBenchmark("handshake/server_side", handshake, TimedSide::server)->UseManualTime()->Unit(benchmark::kMicrosecond);
    RegisterBenchmark("handshake/client_side", handshake, TimedSide::client)->UseManualTime()->Unit(benchmark::kMicrosecond);
    RegisterBenchmark("chain/verify_demo_chain", chain_verify)->Unit(benchmark::kMicrosecond);
    RegisterBenchmark("http/parse_browser_request", http_parse, browser_request);
    RegisterBenchmark("http/parse_minimal_request", http_parse, minimal_request);
}

}  // namespace

int main(int argc, char** argv) {
    if (sodium_init() < 0) return 1;
    register_benchmarks();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
