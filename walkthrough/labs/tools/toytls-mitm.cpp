// toytls-mitm: an attacker on the wire, for the labs (walkthrough/labs/).
// It listens on one port, forwards each connection to the real server, and
// prints every record as it passes; a mode makes it attack one of them.
//
//   toytls-mitm --listen PORT --forward HOST:PORT --mode MODE [options]
//
// ATTACKER TOOL: it exists to show that ToyTLS's checks hold. It never
// weakens the library; every mode below works only on bytes on the wire,
// or, for impersonate, with its own keys.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lab_sockets.hpp"
#include "mitm_modes.hpp"
#include "mitm_session.hpp"
#include "toytls/key_file.hpp"

namespace {

using namespace toytls_labs;

constexpr std::string_view usage_text = R"(Usage: toytls-mitm --listen [ADDR:]PORT --forward HOST:PORT --mode MODE [options]

An attacker between a ToyTLS client and server, for the labs. Prints one line
per record on standard output: direction, type, length, and seq once the
records are protected. MODE is one of
  log          pass everything on unchanged
  tamper       flip one bit in server->client application record N
  replay       send server->client application record N twice
  drop         do not pass on server->client application record N
  reorder      hold back record N, send it after the record that follows it
  truncate     pass on record N, then cut both connections, without close_notify
  strip-suite  remove suite CODE from the ClientHello
  impersonate  answer the client's handshake with its own certificate chain,
               print the decrypted request, and pass it on to the real server

Options:
  --listen [ADDR:]PORT  where to listen (ADDR: 127.0.0.1 unless given)
  --forward HOST:PORT   the real server
  --record N            which server->client application_data record (default 1)
  --suite CODE          the suite strip-suite removes (default 0x0001)
  --cert F --key K      impersonate: the attacker's certificate and its key
  --chain F             impersonate: an intermediate to send after it (repeatable)
  --upstream-cacert F   impersonate: the root the attacker checks the real server
                        with (default: the demo root, certs/root.cert)
  --upstream-name NAME  impersonate: the name it asks the real server for
                        (default: HOST of --forward)
  -h, --help            this help
)";

constexpr std::string_view demo_root_path = TOYTLS_SOURCE_DIR "/certs/root.cert";

struct CommandLine {
    std::string listen_address = "127.0.0.1";
    std::optional<std::uint16_t> listen_port;
    std::optional<HostPort> forward;
    AttackSettings attack;
    bool mode_given = false;
    std::string certificate_path, key_path;
    std::vector<std::string> chain_paths;
    std::string upstream_cacert = std::string(demo_root_path);
    std::string upstream_name;
    bool help = false;
};

template <typename Integer>
std::optional<Integer> parse_integer(std::string_view text) {
    int base = 10;
    if (text.starts_with("0x") || text.starts_with("0X")) {
        text.remove_prefix(2);
        base = 16;
    }
    Integer value{};
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (text.empty() || status != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<CommandLine> parse_command_line(const std::vector<std::string>& arguments, std::string& error) {
    CommandLine command_line;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& name = arguments[i];
        if (name == "-h" || name == "--help") {
            command_line.help = true;
            continue;
        }
        if (i + 1 >= arguments.size()) {
            error = name.starts_with("-") ? name + " needs a value" : "unexpected argument '" + name + "'";
            return std::nullopt;
        }
        const std::string& value = arguments[++i];
        if (name == "--listen") {
            std::size_t colon = value.rfind(':');
            if (colon != std::string::npos) command_line.listen_address = value.substr(0, colon);
            command_line.listen_port = parse_port(colon == std::string::npos ? value : value.substr(colon + 1));
            if (!command_line.listen_port) error = "--listen: '" + value + "' is not [ADDR:]PORT";
        } else if (name == "--forward") {
            command_line.forward = parse_host_port(value);
            if (!command_line.forward) error = "--forward: '" + value + "' is not HOST:PORT";
        } else if (name == "--mode") {
            std::optional<MitmMode> mode = parse_mitm_mode(value);
            if (mode) command_line.attack.mode = *mode;
            command_line.mode_given = true;
            if (!mode) error = "--mode: unknown mode '" + value + "'";
        } else if (name == "--record") {
            std::optional<std::uint64_t> number = parse_integer<std::uint64_t>(value);
            if (number && *number > 0) command_line.attack.record_number = *number;
            else error = "--record: '" + value + "' is not a record number (1 is the first)";
        } else if (name == "--suite") {
            std::optional<std::uint16_t> code = parse_integer<std::uint16_t>(value);
            if (code) command_line.attack.suite_to_strip = *code;
            else error = "--suite: '" + value + "' is not a suite code such as 0x0001";
        } else if (name == "--cert") {
            command_line.certificate_path = value;
        } else if (name == "--key") {
            command_line.key_path = value;
        } else if (name == "--chain") {
            command_line.chain_paths.push_back(value);
        } else if (name == "--upstream-cacert") {
            command_line.upstream_cacert = value;
        } else if (name == "--upstream-name") {
            command_line.upstream_name = value;
        } else {
            error = "unknown option '" + name + "'";
        }
        if (!error.empty()) return std::nullopt;
    }
    if (command_line.help) return command_line;
    if (!command_line.listen_port) error = "--listen is required";
    else if (!command_line.forward) error = "--forward is required";
    else if (!command_line.mode_given) error = "--mode is required";
    else if (command_line.attack.mode == MitmMode::impersonate &&
             (command_line.certificate_path.empty() || command_line.key_path.empty()))
        error = "--mode impersonate needs --cert and --key (the attacker's own certificate)";
    if (!error.empty()) return std::nullopt;
    if (command_line.upstream_name.empty()) command_line.upstream_name = command_line.forward->host;
    return command_line;
}

std::string describe_attack(const CommandLine& command_line) {
    const AttackSettings& attack = command_line.attack;
    std::string record = "server->client application record " + std::to_string(attack.record_number);
    switch (attack.mode) {
        case MitmMode::log: return "prints every record and changes nothing";
        case MitmMode::tamper: return "flips one bit in " + record;
        case MitmMode::replay: return "sends " + record + " twice";
        case MitmMode::drop: return "drops " + record;
        case MitmMode::reorder: return "swaps " + record + " with the record after it";
        case MitmMode::truncate: return "cuts both connections right after " + record + ", without close_notify";
        case MitmMode::strip_suite: return "removes suite " + suite_code_text(attack.suite_to_strip) + " from the ClientHello";
        case MitmMode::impersonate:
            return "answers the handshake itself with " + command_line.certificate_path +
                   " and reads the plaintext";
    }
    return "";
}

// Everything impersonate needs, loaded before the first connection so that
// a wrong file is reported at start-up.
ImpersonationSettings load_impersonation(const CommandLine& command_line) {
    ImpersonationSettings settings;
    auto identity = std::make_shared<toytls::ServerConfig>();
    identity->identities.push_back(toytls::load_server_identity(command_line.certificate_path, command_line.key_path,
                                                                command_line.chain_paths));
    settings.attacker_identity = std::move(identity);
    std::string error;
    std::optional<toytls::Certificate> root = toytls::load_certificate_file(command_line.upstream_cacert, error);
    if (!root) throw std::runtime_error(command_line.upstream_cacert + ": " + error);
    settings.real_server_roots.add_root(std::move(*root));
    settings.real_server_name = command_line.upstream_name;
    return settings;
}

std::string peer_address_text(const sockaddr_in& address) {
    char text[INET_ADDRSTRLEN] = "?";
    ::inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(address.sin_port));
}

int run(const CommandLine& command_line) {
    std::optional<ImpersonationSettings> impersonation;
    if (command_line.attack.mode == MitmMode::impersonate) impersonation = load_impersonation(command_line);

    UniqueFd listener = listen_tcp(command_line.listen_address, *command_line.listen_port);
    set_nonblocking(listener.get());
    std::cerr << "toytls-mitm: ATTACKER TOOL, mode " << mitm_mode_name(command_line.attack.mode) << ": "
              << describe_attack(command_line) << ".\n"
              << "toytls-mitm: listening on " << command_line.listen_address << ":" << *command_line.listen_port
              << ", forwarding to " << command_line.forward->host << ":" << command_line.forward->port
              << ". For labs on your own machine only." << std::endl;

    std::vector<std::unique_ptr<Session>> sessions;
    int connections = 0;
    for (;;) {
        std::vector<pollfd> requests{{listener.get(), POLLIN, 0}};
        std::vector<std::pair<Session*, Peer>> owners{{nullptr, Peer::client}};
        for (const auto& session : sessions) {
            std::vector<Peer> peers;
            session->add_poll_requests(requests, peers);
            for (Peer peer : peers) owners.emplace_back(session.get(), peer);
        }
        if (::poll(requests.data(), requests.size(), -1) < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
        }
        for (std::size_t i = 1; i < requests.size(); ++i)
            if (requests[i].revents != 0) owners[i].first->on_ready(owners[i].second, requests[i].revents);
        if (requests[0].revents & POLLIN) {
            sockaddr_in peer{};
            socklen_t length = sizeof peer;
            UniqueFd client(::accept4(listener.get(), reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC));
            if (client) {
                ++connections;
                std::cout << "connection " << connections << " from " << peer_address_text(peer) << std::endl;
                UniqueFd server;
                if (!impersonation) {  // impersonate calls the real server only once it has a request
                    std::string error;
                    server = connect_tcp(command_line.forward->host, command_line.forward->port, error);
                    if (!server) {
                        std::cout << "cannot reach the real server: " << error << "; closing the client" << std::endl;
                        continue;
                    }
                }
                std::unique_ptr<Interceptor> interceptor;
                if (impersonation) interceptor = std::make_unique<Impersonator>(*impersonation, std::cout);
                else interceptor = std::make_unique<RecordAttacker>(command_line.attack, std::cout);
                sessions.push_back(std::make_unique<Session>(connections, std::move(client), std::move(server),
                                                             *command_line.forward, std::move(interceptor)));
            }
        }
        std::erase_if(sessions, [](const std::unique_ptr<Session>& session) {
            if (!session->finished()) return false;
            std::cout << "connection " << session->number() << " closed" << std::endl;
            return true;
        });
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> arguments(argv + 1, argv + argc);
    std::string error;
    std::optional<CommandLine> command_line = parse_command_line(arguments, error);
    if (!command_line) {
        std::cerr << "toytls-mitm: " << error << "\nTry 'toytls-mitm --help'.\n";
        return 2;
    }
    if (command_line->help) {
        std::cout << usage_text;
        return 0;
    }
    try {
        return run(*command_line);
    } catch (const std::exception& failure) {
        std::cerr << "toytls-mitm: " << failure.what() << "\n";
        return 1;
    }
}
