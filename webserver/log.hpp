// The error log (levels, like nginx's error_log) and the access log
// (combined log format plus the protocol: plain or toytls and the suite).
#pragma once

#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "webserver/config.hpp"

namespace webserver {

class LogFile {
public:
    // "stderr" or a path opened for appending; throws std::runtime_error.
    explicit LogFile(const std::string& path_or_stderr);
    void write_line(std::string_view line);

private:
    struct Closer {
        void operator()(std::FILE* file) const;
    };
    std::unique_ptr<std::FILE, Closer> file_;
};

class ErrorLog {
public:
    ErrorLog(const std::string& path_or_stderr, LogLevel level) : file_(path_or_stderr), level_(level) {}
    // "2026/11/23 12:00:00 [warn] message"
    void log(LogLevel level, std::string_view message);
    bool enabled(LogLevel level) const { return level >= level_; }

private:
    LogFile file_;
    LogLevel level_;
};

struct AccessLogEntry {
    std::string peer_address;
    std::time_t time = 0;
    std::string request_line;  // "GET / HTTP/1.1", or "-" when no request was parsed
    int status = 0;
    std::uint64_t body_bytes = 0;
    std::string referer;     // "-" when absent
    std::string user_agent;  // "-" when absent
    std::string protocol;    // "plain" / "toytls TOYTLS_AES_256_GCM_SHA256"
};

class AccessLog {
public:
    explicit AccessLog(const std::optional<std::string>& path);  // nullopt: off
    bool enabled() const { return file_.has_value(); }
    void log(const AccessLogEntry& entry);

private:
    std::optional<LogFile> file_;
};

std::string_view log_level_name(LogLevel level);

}  // namespace webserver
