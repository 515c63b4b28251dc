// Writes the seed corpora, fuzz/corpus/<target>/, from real traffic and the
// project's own test inputs:
//
//   server_connection/     what the deterministic client sends (toytls-trace's
//                          seeds and clock): the ClientHello alone, and the whole
//                          connection (ClientHello, Finished, a request, close_notify)
//   client_connection/     what the deterministic server answers to that
//                          ClientHello: its flight, and the whole connection
//                          (flight, a response, close_notify); AES and ChaCha20
//   handshake_structured/  a few choices of flight / mutation / field
//   certificate/           certs/*.cert, and the chain as the server sends it
//   http_request/          requests from tests/http_test.cpp's tables, with
//                          a split byte in front (see fuzz_http_request.cpp)
//   config/                demo/toytls-server.conf, tests/data/config/*.conf
//
//     build/fuzz/bin/make_seeds fuzz/corpus
//
// Overwrites the files it writes, nothing else. The output is the same on
// every run, so the committed corpus only changes when the protocol does.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "handshake_fixture.hpp"

using namespace toytls;
using namespace toytls::fuzz;

namespace {

const std::filesystem::path source_root = TOYTLS_SOURCE_DIR;

void write_seed(const std::filesystem::path& path, ByteView bytes) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!file) throw std::runtime_error("cannot write " + path.string());
    std::printf("%6zu bytes  %s\n", bytes.size(), path.c_str());
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::runtime_error("cannot read " + path.string());
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_connection_seeds(const std::filesystem::path& corpus, const DemoPki& pki) {
    struct Variant {
        const char* name;
        std::vector<CipherSuite> server_suites;
    };
    const Variant variants[] = {{"aes", {CipherSuite::aes_256_gcm_sha256}},
                                {"chacha", {CipherSuite::chacha20_poly1305_sha256}}};
    for (const Variant& variant : variants) {
        if (!cipher_suite_available(variant.server_suites.front())) continue;
        ReferenceHandshake reference = record_reference_handshake(pki, variant.server_suites);
        const std::string name = variant.name;
        write_seed(corpus / "server_connection" / (name + "-whole-connection"), reference.client_stream);
        write_seed(corpus / "client_connection" / (name + "-whole-connection"), reference.server_stream);
        write_seed(corpus / "client_connection" / (name + "-server-flight"), reference.server_flight_wire);
        if (name == "aes")
            write_seed(corpus / "server_connection" / "client-hello", reference.client_hello_wire);
    }
}

// FuzzedDataProvider takes its numbers from the END of the input: the last
// byte picks the flight, the two before it the TCP chunk size, then the
// mutation, the message and the field; the bytes at the front are the data
// a mutation writes.
void write_structured_seeds(const std::filesystem::path& corpus) {
    const std::uint8_t flights = 3;
    const std::uint8_t mutations = 13;
    for (std::uint8_t flight = 0; flight < flights; ++flight) {
        for (std::uint8_t mutation = 0; mutation < mutations; mutation += 3) {
            Bytes seed(24, 0x41);
            const std::uint8_t tail[] = {5, 1, mutation, 0x00, 0x40, flight};
            seed.insert(seed.end(), std::begin(tail), std::end(tail));
            write_seed(corpus / "handshake_structured" /
                           ("flight" + std::to_string(flight) + "-mutation" + std::to_string(mutation)),
                       seed);
        }
    }
}

void write_certificate_seeds(const std::filesystem::path& corpus) {
    const std::string server = read_text(source_root / "certs" / "server.cert");
    const std::string intermediate = read_text(source_root / "certs" / "intermediate.cert");
    const std::string root = read_text(source_root / "certs" / "root.cert");
    write_seed(corpus / "certificate" / "server.cert", as_bytes(server));
    write_seed(corpus / "certificate" / "intermediate.cert", as_bytes(intermediate));
    write_seed(corpus / "certificate" / "root.cert", as_bytes(root));
    const std::string chain = server + '\0' + intermediate;
    write_seed(corpus / "certificate" / "chain", as_bytes(chain));
    write_seed(corpus / "certificate" / "chain-with-root", as_bytes(chain + '\0' + root));
}

void write_http_seeds(const std::filesystem::path& corpus) {
    using namespace std::string_view_literals;
    struct Request {
        const char* name;
        std::string_view bytes;
    };
    // From tests/http_test.cpp's tables: valid heads, bodies of both
    // framings, and refusals.
    const Request requests[] = {
        {"simple-get", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"sv},
        {"http10", "GET /index.html HTTP/1.0\r\n\r\n"sv},
        {"ows-and-empty-values", "GET / HTTP/1.1\r\nHost:   h  \r\nX-Empty:\r\nX-Tabs:\t v \t\r\n\r\n"sv},
        {"bare-lf", "GET / HTTP/1.1\nHost: h\n\n"sv},
        {"content-length-body", "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"sv},
        {"content-length-list", "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7, 7\r\n\r\n1234567"sv},
        {"chunked-body",
         "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"sv},
        {"chunked-and-length", "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"sv},
        {"pipelined", "GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n"sv},
        {"asterisk-options", "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"sv},
        {"http2-version", "GET / HTTP/2.0\r\nHost: h\r\n\r\n"sv},
        {"nul-in-target", "GET /a\0z HTTP/1.1\r\nHost: h\r\n\r\n"sv},
    };
    for (const Request& request : requests) {
        std::string seed(1, static_cast<char>(request.bytes.size() / 2));  // split in the middle
        seed += request.bytes;
        write_seed(corpus / "http_request" / request.name, as_bytes(seed));
    }
}

void write_config_seeds(const std::filesystem::path& corpus) {
    write_seed(corpus / "config" / "toytls-server.conf", as_bytes(read_text(source_root / "demo" / "toytls-server.conf")));
    for (const auto& entry : std::filesystem::directory_iterator(source_root / "tests" / "data" / "config")) {
        if (entry.path().extension() != ".conf") continue;
        write_seed(corpus / "config" / entry.path().filename(), as_bytes(read_text(entry.path())));
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_seeds CORPUS_DIR   (normally fuzz/corpus)\n");
        return 2;
    }
    try {
        const std::filesystem::path corpus = argv[1];
        const DemoPki pki = load_demo_pki();
        write_connection_seeds(corpus, pki);
        write_structured_seeds(corpus);
        write_certificate_seeds(corpus);
        write_http_seeds(corpus);
        write_config_seeds(corpus);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "make_seeds: %s\n", error.what());
        return 1;
    }
    return 0;
}
