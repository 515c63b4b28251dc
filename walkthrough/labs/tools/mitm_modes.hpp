// The attacks of toytls-mitm. Each is an Interceptor (mitm_session.hpp):
//
//   RecordAttacker   reads the records as they pass, never any plaintext
//                    after the ServerHello; can log, change, repeat, drop,
//                    reorder and cut them, and edit the ClientHello.
//   Impersonator     ends ToyTLS itself, with its own certificate chain, so
//                    it reads everything, if the client accepts that chain.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "mitm_session.hpp"
#include "toytls/client.hpp"
#include "toytls/server.hpp"
#include "wire_records.hpp"

namespace toytls_labs {

enum class MitmMode { log, tamper, replay, drop, reorder, truncate, strip_suite, impersonate };

std::optional<MitmMode> parse_mitm_mode(std::string_view name);
std::string_view mitm_mode_name(MitmMode mode);  // "strip-suite"

struct AttackSettings {
    MitmMode mode = MitmMode::log;
    std::uint64_t record_number = 1;  // the Nth application_data record server->client (1 = the first)
    std::uint16_t suite_to_strip = 0x0001;
};

class RecordAttacker final : public Interceptor {
public:
    RecordAttacker(AttackSettings settings, std::ostream& report);
    void on_bytes(Session& session, Peer from, toytls::ByteView bytes) override;
    void on_eof(Session& session, Peer from) override;

private:
    void on_record(Session& session, Peer from, WireRecord record);
    void attack_application_record(Session& session, WireRecord record);
    WireRecord strip_suite(const WireRecord& client_hello);
    void say(const std::string& line);

    AttackSettings settings_;
    std::ostream& report_;
    RecordReassembler reassemblers_[2];
    RecordNarrator narrator_;
    bool client_hello_seen_ = false;
    std::uint64_t application_records_from_server_ = 0;
    std::optional<WireRecord> held_record_;  // reorder: waits for the next record
    bool cut_ = false;
};

struct ImpersonationSettings {
    std::shared_ptr<const toytls::ServerConfig> attacker_identity;  // the chain shown to the client
    toytls::TrustStore real_server_roots;  // how the attacker checks the real server
    std::string real_server_name;           // the name it asks the real server for
};

class Impersonator final : public Interceptor {
public:
    Impersonator(const ImpersonationSettings& settings, std::ostream& report);
    void on_bytes(Session& session, Peer from, toytls::ByteView bytes) override;
    void on_eof(Session& session, Peer from) override;

private:
    void after_client_input(Session& session);
    void after_server_input(Session& session);
    bool open_upstream(Session& session);
    void pump(Session& session);
    // Prints each complete line of `plaintext` (kept in `pending` until its
    // LF arrives) after `prefix`, up to `max_lines` lines per stream.
    void print_plaintext_lines(std::string& pending, std::size_t& lines_printed, std::string_view plaintext,
                               std::string_view prefix, std::size_t max_lines);
    void say(const std::string& line);

    const ImpersonationSettings& settings_;  // loaded once by main, outlives every connection
    std::ostream& report_;
    toytls::ServerConnection downstream_;                // client <-> attacker, with the attacker's chain
    std::optional<toytls::ClientConnection> upstream_;  // attacker <-> real server
    bool reported_established_ = false;
    bool reported_downstream_failure_ = false;
    bool reported_upstream_failure_ = false;
    std::string request_text_;
    std::string response_text_;
    std::size_t response_lines_printed_ = 0;
    std::size_t request_lines_printed_ = 0;
};

}  // namespace toytls_labs
