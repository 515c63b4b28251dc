#include "webserver/log.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace webserver {

void LogFile::Closer::operator()(std::FILE* file) const {
    if (file != stderr) std::fclose(file);
}

LogFile::LogFile(const std::string& path_or_stderr) {
    if (path_or_stderr == "stderr") {
        file_.reset(stderr);
        return;
    }
    file_.reset(std::fopen(path_or_stderr.c_str(), "ae"));
    if (!file_) throw std::runtime_error("cannot open log file \"" + path_or_stderr + "\": " + std::strerror(errno));
}

void LogFile::write_line(std::string_view line) {
    // One write per line: several worker processes may share the file.
    std::string with_newline(line);
    with_newline.push_back('\n');
    std::fwrite(with_newline.data(), 1, with_newline.size(), file_.get());
    std::fflush(file_.get());
}

std::string_view log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::debug: return "debug";
        case LogLevel::info: return "info";
        case LogLevel::notice: return "notice";
        case LogLevel::warn: return "warn";
        case LogLevel::error: return "error";
        case LogLevel::crit: return "crit";
    }
    return "error";
}

void ErrorLog::log(LogLevel level, std::string_view message) {
    if (!enabled(level)) return;
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y/%m/%d %H:%M:%S", &utc);
    file_.write_line(std::string(stamp) + " [" + std::string(log_level_name(level)) + "] " + std::string(message));
}

AccessLog::AccessLog(const std::optional<std::string>& path) {
    if (path) file_.emplace(*path);
}

void AccessLog::log(const AccessLogEntry& entry) {
    if (!file_) return;
    std::tm utc{};
    gmtime_r(&entry.time, &utc);
    char stamp[40];
    std::strftime(stamp, sizeof stamp, "%d/%b/%Y:%H:%M:%S +0000", &utc);
    // The combined log format: host ident authuser [date] "request" status bytes "referer" "user-agent"
    file_->write_line(entry.peer_address + " - - [" + stamp + "] \"" + entry.request_line + "\" " +
                      std::to_string(entry.status) + " " + std::to_string(entry.body_bytes) + " \"" + entry.referer +
                      "\" \"" + entry.user_agent + "\" " + entry.protocol);
}

}  // namespace webserver
