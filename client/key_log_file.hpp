// --keylog FILE: where the session secrets go when (and only when) a person
// asks for them, to decrypt a capture of the connection afterwards.
// Anyone who can read the file can decrypt the session, so it is created
// with mode 0600, and lines are appended, never overwritten, so that one
// file can collect several sessions (as with SSLKEYLOGFILE).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "toytls/events.hpp"
#include "webserver/unique_fd.hpp"

namespace toytls_client {

class KeyLogFile {
public:
    // Opens `path` for appending, creating it with mode 0600 if needed.
    // Nullopt with `error` set if it cannot.
    static std::optional<KeyLogFile> open(const std::filesystem::path& path, std::string& error);

    // Appends `line` and a newline, in one write (O_APPEND keeps lines whole).
    void append_line(std::string_view line);
    // The first write error, if any ("" if none).
    const std::string& error() const { return error_; }

    // A sink for ClientConfig::key_log. It refers to this file, which must
    // outlive the connection.
    toytls::KeyLogSink sink();

private:
    explicit KeyLogFile(webserver::UniqueFd fd) : fd_(std::move(fd)) {}

    webserver::UniqueFd fd_;
    std::string error_;
};

}  // namespace toytls_client
