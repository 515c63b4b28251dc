#include "client/key_log_file.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>

namespace toytls_client {

std::optional<KeyLogFile> KeyLogFile::open(const std::filesystem::path& path, std::string& error) {
    // The mode is given to open() itself, so that the file is never, even for
    // an instant, readable by others (the umask can only remove bits).
    webserver::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (!fd) {
        error = path.string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    return KeyLogFile(std::move(fd));
}

void KeyLogFile::append_line(std::string_view line) {
    std::string text = std::string(line) + "\n";
    std::string_view rest = text;
    while (!rest.empty() && error_.empty()) {
        ssize_t written = ::write(fd_.get(), rest.data(), rest.size());
        if (written >= 0)
            rest.remove_prefix(static_cast<std::size_t>(written));
        else if (errno != EINTR)
            error_ = std::string("writing the key log: ") + std::strerror(errno);
    }
}

toytls::KeyLogSink KeyLogFile::sink() {
    return [this](std::string_view line) { append_line(line); };
}

}  // namespace toytls_client
