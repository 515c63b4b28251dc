// Private key files, and reading and writing the files a server is given:
// its private key and its certificates.
//
// A private key file (design, "Private key file"):
//   ToyTLS private key v1
//   warning: DEMO KEY - PUBLISHED IN THE REPOSITORY, NEVER USE FOR ANYTHING REAL   (optional)
//   ed25519-seed: <base64 of the 32-byte seed>
// Error messages about a key file never quote its lines: one of them is the key.
// The errors of the functions that take a path do not repeat the path: the
// caller says which file ("certs/server.key: cannot open: No such file...").
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "toytls/bytes.hpp"
#include "toytls/certificate.hpp"
#include "toytls/crypto/ed25519.hpp"

namespace toytls {

inline constexpr std::size_t max_private_key_file_size = 1024;
// Files are read whole into a buffer of this size at most; a certificate
// file larger than a certificate may be still gets the parser's words.
inline constexpr std::size_t max_read_file_size = 65536;

// Strict like the certificate parser: LF only, no blank lines, no trailing
// spaces, the lines in the order above. `warning`, when given, receives the
// warning text ("" when the file has none).
std::optional<Ed25519KeyPair> parse_private_key(ByteView text, std::string& error, std::string* warning = nullptr);

// The file's text, seed included: printing it is the explicit request to
// reveal the key. An empty `warning` writes no warning line. Throws
// std::invalid_argument if the warning is not one line of printable ASCII
// (without trailing space) that fits in the file.
std::string format_private_key(const Ed25519KeyPair& key, std::string_view warning);

// Creates `path` with mode 0600: open() with O_CREAT | O_EXCL and mode 0600,
// so the file is never readable by others even for an instant and an
// existing file or symbolic link is never overwritten; then fchmod(0600),
// so that an unusual umask cannot leave it at 0400 or 0000 either.
// Returns false with `error` set (and no file left behind) on failure.
bool write_private_key_file(const std::filesystem::path& path, const Ed25519KeyPair& key, std::string_view warning,
                            std::string& error);

// Creates `path` (mode 0644, never overwriting) holding certificate.encoded.
bool write_certificate_file(const std::filesystem::path& path, const Certificate& certificate, std::string& error);

std::optional<Ed25519KeyPair> load_private_key_file(const std::filesystem::path& path, std::string& error);
std::optional<Certificate> load_certificate_file(const std::filesystem::path& path, std::string& error);

// The whole file, at most max_size bytes (larger files are an error).
std::optional<Bytes> read_file_bytes(const std::filesystem::path& path, std::size_t max_size, std::string& error);

}  // namespace toytls
