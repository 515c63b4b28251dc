#include "toytls/key_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toytls/text_lines.hpp"

namespace toytls {

namespace {

constexpr std::string_view private_key_header = "ToyTLS private key v1";
constexpr std::string_view warning_label = "warning: ";
constexpr std::string_view seed_label = "ed25519-seed: ";

std::string system_error_words(int error_number) { return std::generic_category().message(error_number); }

// Owns a file descriptor: closed on every way out of a function.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    // close() can report a failed write (NFS, full disk), so a writer checks it.
    bool close_checked() {
        const int result = ::close(fd_);
        fd_ = -1;
        return result == 0;
    }

private:
    int fd_;
};

bool write_all(int fd, ByteView content) {
    while (!content.empty()) {
        const ssize_t written = ::write(fd, content.data(), content.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return false;
        content = content.subspan(static_cast<std::size_t>(written));
    }
    return true;
}

// Creates a new file (never replacing one) with exactly `mode`.
bool write_new_file(const std::filesystem::path& path, ByteView content, mode_t mode, std::string& error) {
    FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!file.valid()) {
        error = "cannot create: " + system_error_words(errno) +
                (errno == EEXIST ? " (remove it first; files are never overwritten)" : "");
        return false;
    }
    const bool written = ::fchmod(file.get(), mode) == 0 && write_all(file.get(), content) && file.close_checked();
    if (!written) {
        error = "cannot write: " + system_error_words(errno);
        ::unlink(path.c_str());
        return false;
    }
    return true;
}

}  // namespace

std::optional<Ed25519KeyPair> parse_private_key(ByteView input, std::string& error, std::string* warning) {
    const std::string_view text = as_text(input);
    if (text.size() > max_private_key_file_size) {
        error = "private key file is " + std::to_string(text.size()) + " bytes; at most " +
                std::to_string(max_private_key_file_size) + " are allowed";
        return std::nullopt;
    }
    const auto split = split_strict_lines(text, error);
    if (!split) return std::nullopt;
    const std::vector<std::string_view>& lines = *split;

    if (lines.empty() || lines[0] != private_key_header) {
        error = "line 1: expected '" + std::string(private_key_header) + "'";
        return std::nullopt;
    }
    std::size_t seed_line = 1;
    std::string_view warning_text;
    if (lines.size() > 1 && lines[1].starts_with(warning_label)) {
        warning_text = lines[1].substr(warning_label.size());
        seed_line = 2;
    }
    if (lines.size() <= seed_line) {
        error = "missing the 'ed25519-seed: ' line (line " + std::to_string(seed_line + 1) + ")";
        return std::nullopt;
    }
    const std::string at = "line " + std::to_string(seed_line + 1) + ": ";
    if (!lines[seed_line].starts_with(seed_label)) {
        error = at + "expected " + std::string(seed_line == 1 ? "'warning: ' or " : "") + "'ed25519-seed: '";
        return std::nullopt;
    }
    if (lines.size() > seed_line + 1) {
        error = "line " + std::to_string(seed_line + 2) + ": nothing may follow the ed25519-seed line";
        return std::nullopt;
    }

    auto decoded = base64_decode(lines[seed_line].substr(seed_label.size()));
    if (!decoded) {
        error = at + "ed25519-seed is not valid base64 (standard alphabet, with '=' padding, nothing else)";
        return std::nullopt;
    }
    Secret<32> seed;
    if (decoded->size() != seed.size()) {
        error = at + "ed25519-seed is " + std::to_string(decoded->size()) + " bytes; expected 32";
        sodium_memzero(decoded->data(), decoded->size());
        return std::nullopt;
    }
    std::copy(decoded->begin(), decoded->end(), seed.data());
    sodium_memzero(decoded->data(), decoded->size());

    if (warning) *warning = warning_text;
    return Ed25519KeyPair::from_seed(seed);
}

std::string format_private_key(const Ed25519KeyPair& key, std::string_view warning) {
    const bool warning_is_one_clean_line =
        std::all_of(warning.begin(), warning.end(), is_printable_ascii) && (warning.empty() || warning.back() != ' ');
    if (!warning_is_one_clean_line) {
        throw std::invalid_argument("a key file warning must be one line of printable ASCII without trailing space");
    }

    const Secret<32> seed = key.seed();
    std::array<char, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)> seed_base64{};
    sodium_bin2base64(seed_base64.data(), seed_base64.size(), seed.data(), seed.size(), sodium_base64_VARIANT_ORIGINAL);
    const std::string_view seed_text(seed_base64.data(), seed_base64.size() - 1);  // without the NUL

    // Reserved up front so that the string never reallocates: a reallocation
    // would leave a copy of the seed behind in freed memory.
    const std::size_t size = private_key_header.size() + 1 +
                             (warning.empty() ? 0 : warning_label.size() + warning.size() + 1) + seed_label.size() +
                             seed_text.size() + 1;
    if (size > max_private_key_file_size) {
        throw std::invalid_argument("the key file warning is too long: the file would be over " +
                                    std::to_string(max_private_key_file_size) + " bytes");
    }
    std::string text;
    text.reserve(size);
    text.append(private_key_header).append("\n");
    if (!warning.empty()) text.append(warning_label).append(warning).append("\n");
    text.append(seed_label).append(seed_text).append("\n");
    sodium_memzero(seed_base64.data(), seed_base64.size());
    return text;
}

bool write_private_key_file(const std::filesystem::path& path, const Ed25519KeyPair& key, std::string_view warning,
                            std::string& error) {
    std::string text = format_private_key(key, warning);
    const bool written = write_new_file(path, as_bytes(text), 0600, error);
    sodium_memzero(text.data(), text.size());
    return written;
}

bool write_certificate_file(const std::filesystem::path& path, const Certificate& certificate, std::string& error) {
    return write_new_file(path, certificate.encoded, 0644, error);
}

std::optional<Bytes> read_file_bytes(const std::filesystem::path& path, std::size_t max_size, std::string& error) {
    FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file.valid()) {
        error = "cannot open: " + system_error_words(errno);
        return std::nullopt;
    }
    // One allocation of the final capacity, never grown: for a key file no
    // copy of the contents is left behind in memory that the caller cannot wipe.
    Bytes content(max_size + 1);
    std::size_t size = 0;
    while (size < content.size()) {
        const ssize_t got = ::read(file.get(), content.data() + size, content.size() - size);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            error = "cannot read: " + system_error_words(errno);
            sodium_memzero(content.data(), content.size());
            return std::nullopt;
        }
        if (got == 0) break;
        size += static_cast<std::size_t>(got);
    }
    if (size > max_size) {
        error = "larger than " + std::to_string(max_size) + " bytes";
        sodium_memzero(content.data(), content.size());
        return std::nullopt;
    }
    content.resize(size);
    return content;
}

std::optional<Ed25519KeyPair> load_private_key_file(const std::filesystem::path& path, std::string& error) {
    auto content = read_file_bytes(path, max_private_key_file_size, error);
    if (!content) return std::nullopt;
    auto key = parse_private_key(*content, error);
    sodium_memzero(content->data(), content->size());
    return key;
}

std::optional<Certificate> load_certificate_file(const std::filesystem::path& path, std::string& error) {
    auto content = read_file_bytes(path, max_read_file_size, error);
    if (!content) return std::nullopt;
    return parse_certificate(*content, error);
}

}  // namespace toytls
