// How a request becomes a file, step by step:
//
//   target "/docs/a%20b.html?x=1"
//     1. split off the query          -> "/docs/a%20b.html", "x=1"
//     2. percent-decode               -> "/docs/a b.html"     (bad escape, NUL: 400)
//     3. normalize (dots, slashes)    -> "/docs/a b.html"     (climbing above "/": 400)
//     4. longest-prefix location      -> location "/docs/"
//     5. root + path (nginx "root")   -> "/srv/docs" + "/docs/a b.html"
//     6. open it inside the root      -> "/srv/docs/docs/a b.html" if no symlink
//        then fstat                        is on the way; else open("/srv/docs")
//                                          and "docs/a b.html" beneath it
//                                          (403 outside the root, 404 missing, ...)
//     7. directory? index or 301; file: conditionals, range, FileBody
//
// Decisions worth knowing (each also explained where it is made):
//   - "%2F" decodes to '/' before dot segments are removed, as in nginx, so
//     an encoded "%2e%2e%2f" is caught in step 3 exactly like "../".
//   - The common case first: when no component of root + path is a symlink,
//     one openat2 with RESOLVE_NO_SYMLINKS opens it. The normalized path has
//     no "..", so a path that follows no symlink cannot leave the root: one
//     open and one fstat, as nginx does. If any component is a symlink
//     (ELOOP), or the open fails otherwise than "not found", the next two
//     steps decide.
//   - Symlinks are followed, but the file must really live inside the real
//     root. The file is opened relative to the root with Linux's openat2 and
//     RESOLVE_BENEATH: the kernel follows a link only while it stays beneath
//     the root and fails with EXDEV as soon as one would leave it. The check
//     is part of the lookup that opens the file, so nothing can change
//     between a check and an open. Open the root, openat2, fstat and two
//     closes: five system calls for "/docs/index.html", where the careful
//     walk below needs seventeen.
//   - Some requests take that careful walk instead: when there is no openat2
//     at all (ENOSYS: a kernel before 5.6, or a seccomp filter), and on
//     EXDEV, because RESOLVE_BENEATH refuses every absolute symlink and every
//     ".." above the root, even one that leads back inside
//     ("a -> /srv/www/b", which we serve). The walk decides those exactly as
//     before openat2 existed: std::filesystem::canonical (realpath) finds
//     where the path really leads, we check that against the canonical root,
//     then open exactly that symlink-free path one component at a time with
//     O_NOFOLLOW, so a link swapped in between the check and the open is
//     refused, not followed.
//   - The root is opened afresh for every request (following symlinks) and
//     its descriptor is deliberately NOT cached. A root that is a link, like
//     a deploy's "current -> releases/v2", is then looked up again on every
//     request, as nginx does: the moment the link is swapped, the new release
//     is served. A cached descriptor would keep serving the old directory,
//     even after it is deleted, until a restart; one open() per request is
//     the price.
//   - Only a single byte range is served (206); several ranges get the whole
//     file (200) instead of nginx's multipart/byteranges. A malformed Range
//     is ignored (200); nginx answers 416 there, RFC 9110 allows either.
//   - If-Range is supported: the range applies only if the validator (our
//     strong ETag, or the exact Last-Modified date) still matches.
//   - If-Modified-Since answers 304 when the file is not newer than the
//     date (nginx "if_modified_since before"; its default is an exact match).
//     If-None-Match, when present, decides alone.
//   - A directory's index file is looked up in the same location; nginx
//     would do an internal redirect and match locations again.
//   - FIFOs, devices and sockets are 403 (nginx says 404).
#include "webserver/static_files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <iterator>
#include <limits>
#include <system_error>
#include <vector>

#include "webserver/mime_types.hpp"

namespace webserver {

namespace {

// ----- small text helpers ---------------------------------------------------

std::optional<int> hex_digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return std::nullopt;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_ignoring_ascii_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (ascii_lower(text[i]) != ascii_lower(prefix[i])) return false;
    }
    return true;
}

// Optional whitespace (RFC 9110 5.6.3): spaces and horizontal tabs.
std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// Appends `value` in `base` without a temporary string.
void append_number(std::string& text, std::uint64_t value, int base = 10) {
    char digits[20];  // 2^64 - 1 has 20 decimal digits
    text.append(digits, std::to_chars(std::begin(digits), std::end(digits), value, base).ptr);
}

// A non-empty run of digits. Numbers too big for 64 bits saturate instead of
// failing: a huge first byte is still "past the end" (416), a huge last byte
// still means "to the end".
std::optional<std::uint64_t> parse_decimal(std::string_view digits) {
    if (digits.empty()) return std::nullopt;
    std::uint64_t value = 0;
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        value = (value > (max - digit) / 10) ? max : value * 10 + digit;
    }
    return value;
}

// A request target may not contain spaces or control characters (RFC 9112
// 3.2, RFC 3986). The parser should already refuse them; checking again
// here is cheap and keeps a raw CR or LF from ever reaching a Location
// header through the query string.
bool has_forbidden_target_byte(std::string_view target) {
    return std::any_of(target.begin(), target.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f;
    });
}

// Bytes that may appear as they are in a path or query (RFC 3986 3.3, 3.4):
// unreserved, sub-delims, ':', '@', '/', plus '?' in a query.
bool is_uri_safe(char c, bool in_query) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '-': case '.': case '_': case '~':                                  // unreserved
        case '!': case '$': case '&': case '\'': case '(': case ')':
        case '*': case '+': case ',': case ';': case '=':                        // sub-delims
        case ':': case '@': case '/':
            return true;
        case '?':
            return in_query;
        default:
            return false;
    }
}

// Percent-encodes what may not appear as it is. The path is decoded text, so
// its '%' must be escaped too; the query is still encoded as the client sent
// it, so its '%' escapes are kept.
std::string percent_encode(std::string_view text, bool in_query) {
    static constexpr char hex_digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (is_uri_safe(c, in_query) || (in_query && c == '%')) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += hex_digits[byte >> 4];
            out += hex_digits[byte & 0x0f];
        }
    }
    return out;
}

// ----- resolving a path inside the root -------------------------------------

// What opening a request path found: an error status, or an object and its
// stat.
// `file` is open for a regular file; for a directory it may be closed
// (nothing is ever read from a directory, we only need to know it is one).
struct OpenedPath {
    int error_status = 0;  // 0: found
    UniqueFd file;
    struct stat info {};
};

// nginx's mapping from open() errors to statuses (ngx_http_static_handler).
// A plain switch on errno: it must work when the process is out of
// descriptors (EMFILE gives 500), and comparing std::error_codes makes
// virtual calls that a sanitizer build checks by opening a pipe.
int status_for_errno(int error_number) {
    switch (error_number) {
        case ENOENT:
        case ENOTDIR:
        case ENAMETOOLONG:
            return 404;
        case EACCES:
        case EPERM:
        case ELOOP:
            return 403;
        default:
            return 500;
    }
}

// std::filesystem reports errno values (in the generic or system category).
int status_for_error(std::error_code error) { return status_for_errno(error.value()); }

OpenedPath failed(int status) {
    OpenedPath result;
    result.error_status = status;
    return result;
}

// True when `path` is `root` or below it. Both are canonical (absolute, no
// "..", no symlinks), so comparing whole components as text is enough; the
// '/' check stops "/srv/www-secret" from passing as inside "/srv/www".
bool is_inside(const std::string& path, const std::string& root) {
    if (root == "/") return true;
    if (path.size() < root.size() || path.compare(0, root.size(), root) != 0) return false;
    return path.size() == root.size() || path[root.size()] == '/';
}

// The careful walk, the fallback of open_beneath_root below: opens `path`
// (a normalized request path) under `root` if, and only if, it really lives
// inside the real root.
//
// Why not just open(root + path)? Because a symlink inside the root may point
// anywhere ("secret -> /etc/shadow"). canonical() resolves every symlink and
// tells us where the path really leads; we refuse (403) anything outside the
// real root. Links that stay inside the root are fine.
//
// Why not open(canonical path) then? The tree may change between the check
// and the open: a directory on the way could be replaced by a symlink to
// "/". So we walk the canonical path from the root one component at a time
// with openat(..., O_NOFOLLOW): the canonical path has no symlinks, so any
// symlink met on the walk means the tree changed, and the open fails (403 or
// 404) instead of following it.
OpenedPath open_by_careful_walk(const std::string& root, const std::string& path) {
    std::error_code error;
    const std::filesystem::path canonical_root = std::filesystem::canonical(root, error);
    if (error) return failed(status_for_error(error));
    const std::string& real_root = canonical_root.native();
    const std::filesystem::path real_path = std::filesystem::canonical(root + path, error);
    if (error) return failed(status_for_error(error));
    const std::string& real = real_path.native();
    if (!is_inside(real, real_root)) return failed(403);

    // O_PATH: a handle only good for finding names inside it (no read
    // permission needed, like a normal path lookup).
    UniqueFd directory(::open(real_root.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!directory) return failed(status_for_errno(errno));

    std::vector<std::string> components;
    for (std::size_t start = real_root == "/" ? 1 : real_root.size() + 1; start < real.size();) {
        const std::size_t end = std::min(real.find('/', start), real.size());
        components.emplace_back(real.substr(start, end - start));
        start = end + 1;
    }

    OpenedPath result;
    if (components.empty()) {  // the root itself, always a directory
        if (::fstat(directory.get(), &result.info) != 0) return failed(status_for_errno(errno));
        return result;
    }
    for (std::size_t i = 0; i + 1 < components.size(); ++i) {
        UniqueFd next(::openat(directory.get(), components[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!next) return failed(status_for_errno(errno));
        directory = std::move(next);
    }

    // The last component is opened for reading. O_NONBLOCK because opening
    // a FIFO for reading would otherwise wait for a writer, forever (nginx
    // does the same); it changes nothing for regular files.
    const std::string& name = components.back();
    result.file.reset(::openat(directory.get(), name.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    if (!result.file) {
        const int open_error = errno;
        // A directory we may search but not list (mode --x) is still a
        // directory, and its index file may well be readable.
        if (open_error == EACCES && ::fstatat(directory.get(), name.c_str(), &result.info, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISDIR(result.info.st_mode)) {
            return result;
        }
        return failed(status_for_errno(open_error));
    }
    // fstat on the descriptor we will serve, not stat() on the name: what we
    // check is then exactly what we send.
    if (::fstat(result.file.get(), &result.info) != 0) return failed(status_for_errno(errno));
    return result;
}

// openat(2) plus RESOLVE_BENEATH: `relative_path` is looked up from
// `directory`, and the lookup fails with EXDEV if it would leave it (through
// "..", an absolute path or any symlink that does). glibc 2.36 has no
// wrapper for openat2, hence syscall(). -1 and errno on failure.
int open_beneath(int directory, const char* relative_path, int flags) {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags);
    how.resolve = RESOLVE_BENEATH;
    return static_cast<int>(::syscall(SYS_openat2, directory, relative_path, &how, sizeof how));
}

// Opens `path` (a request path or an index path, starting with '/') inside
// the root that `root_directory` holds open; `root` is that root's
// configured path, for the careful walk.
OpenedPath open_beneath_root(const UniqueFd& root_directory, const std::string& root, const std::string& path) {
    OpenedPath result;
    if (path == "/") {  // the root itself: already open, nothing to look up
        if (::fstat(root_directory.get(), &result.info) != 0) return failed(status_for_errno(errno));
        return result;
    }
    const char* relative_path = path.c_str() + 1;
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
    // writer, forever (nginx does the same); it changes nothing for files.
    result.file.reset(open_beneath(root_directory.get(), relative_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (result.file) {
        // fstat on the descriptor we will serve, not stat() on the name: what
        // we check is then exactly what we send.
        if (::fstat(result.file.get(), &result.info) != 0) return failed(status_for_errno(errno));
        return result;
    }
    const int open_error = errno;
    switch (open_error) {
        case ENOSYS:  // no openat2 here (see the header comment)
        case EXDEV:   // outside, or an absolute link / ".." that may lead back inside
        case EAGAIN:  // RESOLVE_BENEATH saw a rename race around ".." and would not decide
            return open_by_careful_walk(root, path);
        case EACCES: {
            // A directory we may search but not list (mode --x) is still a
            // directory, and its index file may well be readable. O_PATH
            // needs no read permission, so it tells us what the object is.
            UniqueFd handle(open_beneath(root_directory.get(), relative_path, O_PATH | O_CLOEXEC));
            if (handle && ::fstat(handle.get(), &result.info) == 0 && S_ISDIR(result.info.st_mode)) return result;
            return failed(status_for_errno(open_error));
        }
        default:
            return failed(status_for_errno(open_error));
    }
}

// Opens `path` (normalized: no "." or ".." segments) under `root`: first
// with no symlink allowed anywhere (the common case, one system call), then,
// if a symlink is on the way, beneath a freshly opened root.
OpenedPath open_inside_root(const std::string& root, const std::string& path) {
    open_how how{};
    how.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
    how.resolve = RESOLVE_NO_SYMLINKS;
    const std::string full_path = root + path;
    OpenedPath result;
    result.file.reset(static_cast<int>(::syscall(SYS_openat2, AT_FDCWD, full_path.c_str(), &how, sizeof how)));
    if (result.file) {
        if (::fstat(result.file.get(), &result.info) != 0) return failed(status_for_errno(errno));
        return result;
    }
    // Missing is missing, whichever way the path is looked up.
    if (errno == ENOENT || errno == ENOTDIR) return failed(404);

    // Open the root for this lookup only (following symlinks, so a swapped
    // "current -> releases/v2" takes effect at once), then the file beneath it.
    const UniqueFd root_directory(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root_directory) return failed(status_for_errno(errno));
    return open_beneath_root(root_directory, root, path);
}

// ----- conditional requests (RFC 9110 13) -------------------------------------

// nginx's format: "<mtime in hex>-<size in hex>", quoted. It changes when
// the file is rewritten or resized, and costs nothing to compute.
std::string make_etag(const struct stat& info) {
    std::string etag = "\"";
    append_number(etag, static_cast<std::uint64_t>(info.st_mtime), 16);
    etag += '-';
    append_number(etag, static_cast<std::uint64_t>(info.st_size), 16);
    etag += '"';
    return etag;
}

// If-None-Match: "*" or a list of entity tags. Weak comparison (13.1.2):
// W/"x" matches "x", because a 304 only says "what you have is still good".
// A malformed list matches nothing (and the full response is sent).
bool if_none_match_matches(std::string_view header, std::string_view etag) {
    header = trim_ows(header);
    if (header == "*") return true;
    std::size_t i = 0;
    while (i < header.size()) {
        const char c = header[i];
        if (c == ' ' || c == '\t' || c == ',') {
            ++i;
            continue;
        }
        if (header.compare(i, 2, "W/") == 0) i += 2;
        if (i >= header.size() || header[i] != '"') return false;
        const std::size_t close = header.find('"', i + 1);
        if (close == std::string_view::npos) return false;
        if (header.substr(i, close - i + 1) == etag) return true;
        i = close + 1;
    }
    return false;
}

bool is_not_modified(const HttpRequest& request, std::string_view etag, std::time_t last_modified) {
    // When both are sent, If-None-Match decides alone (RFC 9110 13.2.2):
    // ETags are more precise than one-second dates.
    if (const auto if_none_match = request.header("If-None-Match")) return if_none_match_matches(*if_none_match, etag);
    if (const auto if_modified_since = request.header("If-Modified-Since")) {
        // An invalid date is ignored, as if the header were absent.
        const std::optional<std::time_t> since = parse_http_date(trim_ows(*if_modified_since));
        return since && last_modified <= *since;
    }
    return false;
}

// If-Range (RFC 9110 13.1.5): "send me the range only if the file is still
// the one I have part of; otherwise the whole file". It needs a strong
// match: our ETag exactly (a W/ tag never matches), or exactly the date.
bool if_range_allows_range(std::string_view if_range, std::string_view etag, std::time_t last_modified) {
    if_range = trim_ows(if_range);
    if (!if_range.empty() && if_range.back() == '"') return if_range == etag;
    const std::optional<std::time_t> date = parse_http_date(if_range);
    return date && *date == last_modified;
}

// ----- Range (RFC 9110 14) ----------------------------------------------------

struct RangeChoice {
    enum class Kind { whole_file, partial, unsatisfiable } kind = Kind::whole_file;
    std::uint64_t first = 0;   // partial: first byte
    std::uint64_t length = 0;  // partial: number of bytes
};

// "bytes=a-b", "bytes=a-" or "bytes=-n" against a file of `size` bytes.
RangeChoice choose_range(std::string_view header, std::uint64_t size) {
    using Kind = RangeChoice::Kind;
    header = trim_ows(header);
    // Unknown units are ignored (14.2); "bytes" is case-insensitive.
    if (!starts_with_ignoring_ascii_case(header, "bytes=")) return {};
    const std::string_view spec = trim_ows(header.substr(6));
    // Several ranges would need a multipart/byteranges body; sending the
    // whole file is always allowed instead (a server MAY ignore Range).
    if (spec.find(',') != std::string_view::npos) return {};
    const std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return {};
    const std::string_view first_text = trim_ows(spec.substr(0, dash));
    const std::string_view last_text = trim_ows(spec.substr(dash + 1));

    // An empty file has no byte to point at; nginx sends it whole for the
    // usual "bytes=0-" of media players, and so do we for any range.
    if (size == 0) return {};

    RangeChoice choice{Kind::partial, 0, 0};
    if (first_text.empty()) {  // "-n": the last n bytes
        const auto suffix_length = parse_decimal(last_text);
        if (!suffix_length) return {};
        if (*suffix_length == 0) return {Kind::unsatisfiable};
        choice.length = std::min(*suffix_length, size);
        choice.first = size - choice.length;
        return choice;
    }
    const auto first = parse_decimal(first_text);
    if (!first) return {};
    std::uint64_t last = size - 1;  // "a-": to the end
    if (!last_text.empty()) {
        const auto parsed_last = parse_decimal(last_text);
        if (!parsed_last || *parsed_last < *first) return {};  // invalid: ignored (14.1.1)
        last = std::min(*parsed_last, size - 1);
    }
    if (*first >= size) return {Kind::unsatisfiable};
    choice.first = *first;
    choice.length = last - *first + 1;
    return choice;
}

// ----- responses ------------------------------------------------------------

HttpResponse file_response(const HttpRequest& request, OpenedPath opened, std::string_view path, std::time_t now) {
    const auto size = static_cast<std::uint64_t>(opened.info.st_size);
    // A file "modified in the future" (clock skew, a copied archive) must not
    // be announced as such (RFC 9110 8.8.2.1): we say "now" instead.
    const std::time_t last_modified = std::min(opened.info.st_mtime, now);
    std::string etag = make_etag(opened.info);

    // Headers are added one by one with emplace_back: an initializer list
    // would copy every string once more.
    HttpResponse response;
    if (is_not_modified(request, etag, last_modified)) {
        // 304 keeps the validators so the client can refresh its cache
        // entry, and has no body at all (the file is closed right here).
        response.status = 304;
        response.headers.reserve(2);
        response.headers.emplace_back("ETag", std::move(etag));
        response.headers.emplace_back("Last-Modified", format_http_date(last_modified));
        return response;
    }

    // The range is chosen before the headers are built, so that the ETag
    // can be moved into them once nothing compares against it any more.
    RangeChoice range;
    if (const auto range_header = request.header("Range")) {
        const auto if_range = request.header("If-Range");
        if (!if_range || if_range_allows_range(*if_range, etag, last_modified)) {
            range = choose_range(*range_header, size);
        }
    }
    if (range.kind == RangeChoice::Kind::unsatisfiable) {
        HttpResponse refused = error_response(416);
        // "*" and the size: the client learns what it could have asked.
        std::string content_range = "bytes */";
        append_number(content_range, size);
        refused.headers.emplace_back("Content-Range", std::move(content_range));
        return refused;
    }

    response.headers.reserve(5);
    response.headers.emplace_back("Content-Type", mime_type_for_path(path));
    response.headers.emplace_back("Last-Modified", format_http_date(last_modified));
    response.headers.emplace_back("ETag", std::move(etag));
    response.headers.emplace_back("Accept-Ranges", "bytes");

    if (range.kind == RangeChoice::Kind::partial) {
        std::string content_range = "bytes ";
        append_number(content_range, range.first);
        content_range += '-';
        append_number(content_range, range.first + range.length - 1);
        content_range += '/';
        append_number(content_range, size);
        response.status = 206;
        response.headers.emplace_back("Content-Range", std::move(content_range));
        response.file = FileBody{std::move(opened.file), range.first, range.length};
        return response;
    }
    response.status = 200;
    response.file = FileBody{std::move(opened.file), 0, size};
    return response;
}

// "/docs" names a directory: send the client to "/docs/" so that relative
// links inside its index page resolve against the directory. The query is
// kept. The Location is a path only (RFC 9110 10.2.2 allows relative ones).
HttpResponse redirect_to_directory(std::string_view path, std::string_view query) {
    HttpResponse response = error_response(301);
    std::string location = percent_encode(path, false) + '/';
    if (!query.empty()) location += '?' + percent_encode(query, true);
    response.headers.emplace_back("Location", std::move(location));
    return response;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view encoded) {
    std::string decoded;
    decoded.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        char c = encoded[i];
        if (c == '%') {
            if (i + 2 >= encoded.size()) return std::nullopt;  // needs two more characters
            const auto high = hex_digit_value(encoded[i + 1]);
            const auto low = hex_digit_value(encoded[i + 2]);
            if (!high || !low) return std::nullopt;
            c = static_cast<char>(*high * 16 + *low);
            i += 2;
        }
        if (c == '\0') return std::nullopt;
        decoded += c;
    }
    return decoded;
}

std::optional<std::string> normalize_path(std::string_view decoded_path) {
    std::vector<std::string_view> segments;
    // Whether the result names a directory: "/a/", "/a/." and "/a/b/.." do.
    bool ends_with_slash = false;
    std::string_view rest = decoded_path;
    if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    while (true) {
        const std::size_t slash = rest.find('/');
        const std::string_view segment = rest.substr(0, slash);
        if (segment.empty() || segment == ".") {
            ends_with_slash = true;
        } else if (segment == "..") {
            if (segments.empty()) return std::nullopt;  // above "/"
            segments.pop_back();
            ends_with_slash = true;
        } else {
            segments.push_back(segment);
            ends_with_slash = false;
        }
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }

    std::string normalized;
    for (const std::string_view segment : segments) {
        normalized += '/';
        normalized += segment;
    }
    if (normalized.empty() || ends_with_slash) normalized += '/';
    return normalized;
}

const Location* match_location(const ServerBlock& server, std::string_view decoded_path) {
    const Location* best = nullptr;
    for (const Location& location : server.locations) {
        if (decoded_path.starts_with(location.prefix) && (!best || location.prefix.size() > best->prefix.size())) {
            best = &location;
        }
    }
    return best;
}

HttpResponse serve_static(const HttpRequest& request, const ServerBlock& server, std::time_t now) {
    // 1. Path and query. Only origin-form ("/path?query") is served here.
    const std::string_view target = request.target;
    if (target.empty() || target.front() != '/' || has_forbidden_target_byte(target)) return error_response(400);
    const std::size_t question_mark = target.find('?');
    const std::string_view raw_path = target.substr(0, question_mark);
    const std::string_view query =
        question_mark == std::string_view::npos ? std::string_view{} : target.substr(question_mark + 1);

    // 2-3. Decode, then normalize: in this order, so that an encoded
    // "%2e%2e/" is removed like "../" instead of slipping through as a name.
    const std::optional<std::string> decoded = percent_decode(raw_path);
    if (!decoded) return error_response(400);
    const std::optional<std::string> path = normalize_path(*decoded);
    if (!path) return error_response(400);

    // 4-5. Location and root. nginx "root" semantics: the whole path is
    // appended, so "location /docs/ { root /srv; }" serves /srv/docs/....
    const Location* location = match_location(server, *path);
    const std::string& root = location && location->root ? *location->root : server.root;
    const std::vector<std::string>& index_names = location && location->index ? *location->index : server.index;

    // 6. Open it, inside the root whatever symlinks are on the way.
    OpenedPath opened = open_inside_root(root, *path);
    if (opened.error_status != 0) return error_response(opened.error_status);

    const bool names_directory = path->back() == '/';
    if (S_ISDIR(opened.info.st_mode)) {
        if (!names_directory) return redirect_to_directory(*path, query);
        // 7a. The first index file that exists is the answer. No listing:
        // without one, 403 (nginx with autoindex off).
        for (const std::string& index_name : index_names) {
            const std::string index_path = *path + index_name;
            OpenedPath index = open_inside_root(root, index_path);
            if (index.error_status == 404) continue;
            if (index.error_status != 0) return error_response(index.error_status);
            if (!S_ISREG(index.info.st_mode)) continue;  // e.g. a directory named index.html
            return file_response(request, std::move(index), index_path, now);
        }
        return error_response(403);
    }
    // "/file.txt/" names a directory that is not one.
    if (names_directory) return error_response(404);
    // Devices, FIFOs, sockets: never served.
    if (!S_ISREG(opened.info.st_mode)) return error_response(403);

    // 7b. A regular file.
    return file_response(request, std::move(opened), *path, now);
}

}  // namespace webserver
