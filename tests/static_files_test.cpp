// The static file server against a real (temporary) site on disk: every
// test gets a fresh directory tree, built in SetUp and removed in TearDown.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "webserver/mime_types.hpp"
#include "webserver/static_files.hpp"

using namespace webserver;
namespace fs = std::filesystem;

namespace {

// Fixed times keep ETags and dates exact: files are dated `file_time`, and
// requests are answered at `now`, a little later.
constexpr std::time_t file_time = 1'700'000'000;  // 0x6553f100, Tue, 14 Nov 2023 22:13:20 GMT
constexpr std::time_t now = file_time + 3600;

void write_file(const fs::path& path, const std::string& content, std::time_t mtime = file_time) {
    std::ofstream(path, std::ios::binary) << content;
    const timespec times[2] = {{mtime, 0}, {mtime, 0}};  // access, modification
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

HttpRequest request(std::string method, std::string target,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.headers = std::move(headers);
    return r;
}

HttpRequest get(std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    return request("GET", std::move(target), std::move(headers));
}

std::optional<std::string> header(const HttpResponse& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) return value;
    }
    return std::nullopt;
}

// What would go on the wire: the string body, or the file range read back
// through the returned descriptor with pread (which also proves the offset
// and length are right, and that the descriptor is really open).
std::string body(const HttpResponse& response) {
    if (!response.file) return response.body;
    std::string out(response.file->length, '\0');
    const ssize_t got = ::pread(response.file->file.get(), out.data(), out.size(),
                                static_cast<off_t>(response.file->offset));
    EXPECT_EQ(got, static_cast<ssize_t>(out.size()));
    return out;
}

}  // namespace

class StaticFiles : public ::testing::Test {
protected:
    // base/
    //   secret.txt                  outside every root
    //   site/                       the server root
    //     index.html hello.txt digits.txt empty.txt "a b.txt" PHOTO.PNG
    //     link-inside.txt -> hello.txt           (stays inside: fine)
    //     link-outside.txt -> ../secret.txt      (escapes: 403)
    //     dir-link-outside -> ..                 (escapes: 403)
    //     dir-link-inside -> noindex             (a directory, stays inside: fine)
    //     link-out-and-back.txt -> ../site/hello.txt   (leaves and comes back: fine)
    //     absolute-link-inside.txt -> <base>/site/hello.txt   (fine)
    //     absolute-link-outside.txt -> <base>/secret.txt      (403)
    //     docs/page.html                         (shadowed by the /docs/ location)
    //     noindex/file.txt                       (directory without an index)
    //     "with space"/index.html
    //     fifo                                   (not a regular file)
    //   docs-root/docs/index.html, page.html     root of location /docs/
    //   api-root/docs/api/api.html               root of location /docs/api/ (index api.html)
    //   site-link -> site                        a root that is itself a symlink
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        base = fs::temp_directory_path() /
               ("toytls-static-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(base);
        site = base / "site";
        fs::create_directories(site / "docs");
        fs::create_directories(site / "noindex");
        fs::create_directories(site / "with space");
        fs::create_directories(base / "docs-root" / "docs");
        fs::create_directories(base / "api-root" / "docs" / "api");

        write_file(base / "secret.txt", "the secret\n");
        write_file(site / "index.html", "<h1>home</h1>\n");
        write_file(site / "hello.txt", "hello, world\n");  // 13 bytes
        write_file(site / "digits.txt", "0123456789");
        write_file(site / "empty.txt", "");
        write_file(site / "a b.txt", "spaced\n");
        write_file(site / "PHOTO.PNG", "not really a png");
        write_file(site / "docs" / "page.html", "site copy\n");
        write_file(site / "noindex" / "file.txt", "x");
        write_file(site / "with space" / "index.html", "spaced index\n");
        write_file(base / "docs-root" / "docs" / "index.html", "docs index\n");
        write_file(base / "docs-root" / "docs" / "page.html", "docs copy\n");
        write_file(base / "api-root" / "docs" / "api" / "api.html", "api index\n");
        fs::create_symlink("hello.txt", site / "link-inside.txt");
        fs::create_symlink("../secret.txt", site / "link-outside.txt");
        fs::create_symlink("..", site / "dir-link-outside");
        fs::create_directory_symlink("noindex", site / "dir-link-inside");
        fs::create_symlink("../site/hello.txt", site / "link-out-and-back.txt");
        fs::create_symlink(site / "hello.txt", site / "absolute-link-inside.txt");
        fs::create_symlink(base / "secret.txt", site / "absolute-link-outside.txt");
        fs::create_directory_symlink("site", base / "site-link");
        ASSERT_EQ(::mkfifo((site / "fifo").c_str(), 0644), 0);

        server.root = site.string();
        server.index = {"index.html"};
        Location docs;
        docs.prefix = "/docs/";
        docs.root = (base / "docs-root").string();
        Location api;
        api.prefix = "/docs/api/";
        api.root = (base / "api-root").string();
        api.index = std::vector<std::string>{"api.html"};
        Location everything;
        everything.prefix = "/";  // no root: the server's applies
        server.locations = {everything, docs, api};
    }

    void TearDown() override {
        std::error_code ignored;
        fs::permissions(site / "private.txt", fs::perms::owner_all, ignored);
        fs::remove_all(base, ignored);
    }

    HttpResponse serve(const HttpRequest& r) { return serve_static(r, server, now); }
    HttpResponse serve(std::string target) { return serve(get(std::move(target))); }

    // The status for `target` as seen by an unprivileged user. Root may read
    // any file whatever its mode, so when the tests run as root the request
    // is served in a child process that first becomes uid/gid 65534
    // ("nobody"). nullopt if that switch is not possible here.
    std::optional<int> status_as_unprivileged(const std::string& target) {
        if (::geteuid() != 0) return serve(target).status;
        constexpr id_t nobody = 65534;
        const pid_t child = ::fork();
        if (child == 0) {
            if (::setgroups(0, nullptr) != 0 || ::setgid(nobody) != 0 || ::setuid(nobody) != 0) ::_exit(255);
            ::_exit(serve(target).status - 200);  // an exit code has 8 bits: 200..454 fit
        }
        int wait_status = 0;
        if (child < 0 || ::waitpid(child, &wait_status, 0) != child || !WIFEXITED(wait_status) ||
            WEXITSTATUS(wait_status) == 255) {
            return std::nullopt;
        }
        return WEXITSTATUS(wait_status) + 200;
    }

    fs::path base;
    fs::path site;
    ServerBlock server;
};

// ----- path steps on their own -----------------------------------------------

TEST(PercentDecode, DecodesEscapesInEitherCase) {
    EXPECT_EQ(percent_decode("/a%20b"), "/a b");
    EXPECT_EQ(percent_decode("/%4a%4A"), "/JJ");
    EXPECT_EQ(percent_decode("/plain+text"), "/plain+text");  // '+' is not a space in a path
    EXPECT_EQ(percent_decode("/a%2Fb"), "/a/b");              // then an ordinary separator
    EXPECT_EQ(percent_decode("/%25"), "/%");
}

TEST(PercentDecode, RejectsBadEscapesAndNul) {
    EXPECT_EQ(percent_decode("/%zz"), std::nullopt);
    EXPECT_EQ(percent_decode("/%2"), std::nullopt);
    EXPECT_EQ(percent_decode("/%"), std::nullopt);
    EXPECT_EQ(percent_decode("/%g0"), std::nullopt);
    EXPECT_EQ(percent_decode("/a%00.txt"), std::nullopt);
    EXPECT_EQ(percent_decode(std::string_view("/a\0b", 4)), std::nullopt);
}

TEST(NormalizePath, RemovesDotSegmentsAndMergesSlashes) {
    EXPECT_EQ(normalize_path("/"), "/");
    EXPECT_EQ(normalize_path("/a/../b"), "/b");
    EXPECT_EQ(normalize_path("/a/./b/../c"), "/a/c");
    EXPECT_EQ(normalize_path("/a//b"), "/a/b");
    EXPECT_EQ(normalize_path("//a///"), "/a/");
    EXPECT_EQ(normalize_path("/a/."), "/a/");
    EXPECT_EQ(normalize_path("/a/b/.."), "/a/");
    EXPECT_EQ(normalize_path("/a/.."), "/");
    EXPECT_EQ(normalize_path("/..."), "/...");  // just a name
    EXPECT_EQ(normalize_path("/.hidden"), "/.hidden");
}

TEST(NormalizePath, RefusesToClimbAboveTheRoot) {
    EXPECT_EQ(normalize_path("/.."), std::nullopt);
    EXPECT_EQ(normalize_path("/../etc/passwd"), std::nullopt);
    EXPECT_EQ(normalize_path("/a/../../b"), std::nullopt);
    EXPECT_EQ(normalize_path("/a/b/../../.."), std::nullopt);
}

TEST(MatchLocation, LongestPrefixWins) {
    ServerBlock server;
    Location root, docs, api;
    root.prefix = "/";
    docs.prefix = "/docs/";
    api.prefix = "/docs/api/";
    server.locations = {api, root, docs};  // order in the file does not matter
    EXPECT_EQ(match_location(server, "/")->prefix, "/");
    EXPECT_EQ(match_location(server, "/index.html")->prefix, "/");
    EXPECT_EQ(match_location(server, "/docs")->prefix, "/");  // "/docs/" is not a prefix of "/docs"
    EXPECT_EQ(match_location(server, "/docsearch")->prefix, "/");
    EXPECT_EQ(match_location(server, "/docs/")->prefix, "/docs/");
    EXPECT_EQ(match_location(server, "/docs/guide.html")->prefix, "/docs/");
    EXPECT_EQ(match_location(server, "/docs/api/")->prefix, "/docs/api/");
    EXPECT_EQ(match_location(server, "/docs/api/x/y")->prefix, "/docs/api/");
}

TEST(MatchLocation, NoMatchMeansServerDefaults) {
    ServerBlock server;
    Location docs;
    docs.prefix = "/docs/";
    server.locations = {docs};
    EXPECT_EQ(match_location(server, "/index.html"), nullptr);
    EXPECT_EQ(match_location(ServerBlock{}, "/"), nullptr);
}

// ----- MIME types ----------------------------------------------------------------

TEST(MimeTypes, KnownExtensions) {
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"html", "text/html; charset=utf-8"},    {"htm", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},      {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
        {"txt", "text/plain; charset=utf-8"},    {"xml", "text/xml; charset=utf-8"},
        {"svg", "image/svg+xml"},                {"png", "image/png"},
        {"jpg", "image/jpeg"},                   {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},                    {"webp", "image/webp"},
        {"ico", "image/x-icon"},                 {"avif", "image/avif"},
        {"woff", "font/woff"},                   {"woff2", "font/woff2"},
        {"ttf", "font/ttf"},                     {"otf", "font/otf"},
        {"pdf", "application/pdf"},              {"wasm", "application/wasm"},
        {"mp4", "video/mp4"},                    {"webm", "video/webm"},
        {"mp3", "audio/mpeg"},                   {"ogg", "audio/ogg"},
        {"wav", "audio/wav"},                    {"zip", "application/zip"},
        {"gz", "application/gzip"},              {"tar", "application/x-tar"},
        {"csv", "text/csv; charset=utf-8"},      {"md", "text/markdown; charset=utf-8"},
        {"map", "application/json"},
    };
    for (const auto& [extension, type] : expected) {
        EXPECT_EQ(mime_type_for_extension(extension), type) << extension;
        EXPECT_EQ(mime_type_for_path("/dir/file." + extension), type) << extension;
    }
}

TEST(MimeTypes, CaseInsensitiveWithDefault) {
    EXPECT_EQ(mime_type_for_path("/PHOTO.PNG"), "image/png");
    EXPECT_EQ(mime_type_for_path("/Index.HtMl"), "text/html; charset=utf-8");
    EXPECT_EQ(mime_type_for_path("/archive.tar.gz"), "application/gzip");  // the last extension
    EXPECT_EQ(mime_type_for_path("/program.exe"), "application/octet-stream");
    EXPECT_EQ(mime_type_for_path("/README"), "application/octet-stream");
    EXPECT_EQ(mime_type_for_path("/v1.2/README"), "application/octet-stream");  // dot in a directory
    EXPECT_EQ(mime_type_for_path("/name."), "application/octet-stream");
}

// ----- serving files -------------------------------------------------------------

TEST_F(StaticFiles, ServesAFileWithItsHeaders) {
    const HttpResponse response = serve("/hello.txt");
    EXPECT_EQ(response.status, 200);
    ASSERT_TRUE(response.file);
    EXPECT_EQ(response.file->offset, 0u);
    EXPECT_EQ(response.content_length(), 13u);
    EXPECT_EQ(body(response), "hello, world\n");
    EXPECT_EQ(header(response, "Content-Type"), "text/plain; charset=utf-8");
    EXPECT_EQ(header(response, "Last-Modified"), format_http_date(file_time));
    EXPECT_EQ(header(response, "ETag"), "\"6553f100-d\"");
    EXPECT_EQ(header(response, "Accept-Ranges"), "bytes");
    EXPECT_FALSE(header(response, "Content-Range"));
}

TEST_F(StaticFiles, ContentTypeComesFromTheExtensionCaseInsensitively) {
    EXPECT_EQ(header(serve("/PHOTO.PNG"), "Content-Type"), "image/png");
    EXPECT_EQ(header(serve("/index.html"), "Content-Type"), "text/html; charset=utf-8");
}

TEST_F(StaticFiles, QueryStringIsIgnoredForTheFile) {
    EXPECT_EQ(body(serve("/hello.txt?v=3&x=%zz")), "hello, world\n");
}

TEST_F(StaticFiles, LocationRootGetsTheWholePathAppended) {
    // nginx "root": /docs/page.html under root docs-root is docs-root/docs/page.html.
    EXPECT_EQ(body(serve("/docs/page.html")), "docs copy\n");
    EXPECT_EQ(body(serve("/docs/")), "docs index\n");
    EXPECT_EQ(body(serve("/docs/api/")), "api index\n");  // the longer prefix, with its own index
    EXPECT_EQ(serve("/docs/api/page.html").status, 404);   // not under api-root
}

TEST_F(StaticFiles, ServerRootAppliesWithoutAMatchingLocation) {
    server.locations.erase(server.locations.begin());  // drop "/"
    EXPECT_EQ(body(serve("/hello.txt")), "hello, world\n");
    EXPECT_EQ(body(serve("/docs/page.html")), "docs copy\n");
}

TEST_F(StaticFiles, PercentEncodedNamesAreDecoded) {
    EXPECT_EQ(body(serve("/a%20b.txt")), "spaced\n");
    EXPECT_EQ(body(serve("/%68ello.txt")), "hello, world\n");
}

TEST_F(StaticFiles, BadEscapesAndNulAre400) {
    EXPECT_EQ(serve("/hello%zz.txt").status, 400);
    EXPECT_EQ(serve("/hello.txt%").status, 400);
    EXPECT_EQ(serve("/hello.txt%00.png").status, 400);
}

TEST_F(StaticFiles, MalformedTargetsAre400) {
    EXPECT_EQ(serve("").status, 400);
    EXPECT_EQ(serve("*").status, 400);
    EXPECT_EQ(serve("hello.txt").status, 400);
    EXPECT_EQ(serve("/hello.txt?a=\r\nX: y").status, 400);
}

TEST_F(StaticFiles, DotSegmentsAreRemovedBeforeMapping) {
    EXPECT_EQ(body(serve("/nowhere/../hello.txt")), "hello, world\n");
    EXPECT_EQ(body(serve("/./hello.txt")), "hello, world\n");
    EXPECT_EQ(body(serve("//hello.txt")), "hello, world\n");
    EXPECT_EQ(body(serve("/docs/../hello.txt")), "hello, world\n");  // leaves the /docs/ location
}

TEST_F(StaticFiles, TraversalAboveTheRootIs400) {
    EXPECT_EQ(serve("/../secret.txt").status, 400);
    EXPECT_EQ(serve("/../etc/passwd").status, 400);
    EXPECT_EQ(serve("/%2e%2e/secret.txt").status, 400);
    EXPECT_EQ(serve("/%2E%2E%2Fsecret.txt").status, 400);
    EXPECT_EQ(serve("/docs/../../secret.txt").status, 400);
    EXPECT_EQ(serve("/a/%2e%2e/%2e%2e/secret.txt").status, 400);
}

TEST_F(StaticFiles, SymlinkInsideTheRootIsServed) {
    const HttpResponse response = serve("/link-inside.txt");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(body(response), "hello, world\n");
}

TEST_F(StaticFiles, SymlinkOutOfTheRootIs403) {
    EXPECT_EQ(serve("/link-outside.txt").status, 403);
    EXPECT_EQ(serve("/dir-link-outside/secret.txt").status, 403);
    // Out and back in: the file really is inside the root, and that is all
    // the rule looks at (it could be fetched as /hello.txt anyway).
    EXPECT_EQ(body(serve("/dir-link-outside/site/hello.txt")), "hello, world\n");
}

// The kernel's RESOLVE_BENEATH refuses every absolute link and every ".."
// above the root, so these go through the careful walk, which must decide
// them exactly as the fast path decides the others: by where the file
// really is.
TEST_F(StaticFiles, AbsoluteSymlinkInsideTheRootIsServed) {
    const HttpResponse response = serve("/absolute-link-inside.txt");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(body(response), "hello, world\n");
    EXPECT_EQ(header(response, "ETag"), "\"6553f100-d\"");  // the target's, not the link's
    // Also when the link names the root by a path that is itself a link.
    fs::create_symlink(base / "site-link" / "digits.txt", site / "absolute-via-root-link.txt");
    EXPECT_EQ(body(serve("/absolute-via-root-link.txt")), "0123456789");
}

TEST_F(StaticFiles, AbsoluteSymlinkOutOfTheRootIs403) {
    EXPECT_EQ(serve("/absolute-link-outside.txt").status, 403);
    fs::create_directory_symlink(base, site / "absolute-dir-link-outside");
    EXPECT_EQ(serve("/absolute-dir-link-outside/secret.txt").status, 403);
}

TEST_F(StaticFiles, SymlinkedDirectoryInsideTheRootIsServed) {
    EXPECT_EQ(body(serve("/dir-link-inside/file.txt")), "x");
    EXPECT_EQ(header(serve("/dir-link-inside"), "Location"), "/dir-link-inside/");  // a directory
    EXPECT_EQ(serve("/dir-link-inside/").status, 403);                             // without an index
}

TEST_F(StaticFiles, SymlinkThatLeavesAndComesBackIsServed) {
    // "../site/hello.txt" climbs above the root on the way, but the file it
    // names is inside, and that is all the rule looks at.
    const HttpResponse response = serve("/link-out-and-back.txt");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(body(response), "hello, world\n");
}

TEST_F(StaticFiles, SymlinkLoopIs403) {
    fs::create_symlink("loop-b", site / "loop-a");
    fs::create_symlink("loop-a", site / "loop-b");
    EXPECT_EQ(serve("/loop-a").status, 403);  // ELOOP, as nginx
}

TEST_F(StaticFiles, RootMayItselfBeASymlink) {
    server.root = (base / "site-link").string();
    EXPECT_EQ(body(serve("/hello.txt")), "hello, world\n");
    EXPECT_EQ(body(serve("/link-inside.txt")), "hello, world\n");
    EXPECT_EQ(serve("/link-outside.txt").status, 403);
}

TEST_F(StaticFiles, SwappingTheRootSymlinkServesTheNewTreeAtOnce) {
    // A deploy: "current" points at one release, then at the next. The
    // server opens the root on every request, so no old tree is ever served.
    fs::create_directories(base / "release-2");
    write_file(base / "release-2" / "hello.txt", "hello, release 2\n");
    server.root = (base / "current").string();
    server.locations.clear();
    fs::create_directory_symlink("site", base / "current");
    EXPECT_EQ(body(serve("/hello.txt")), "hello, world\n");

    fs::create_directory_symlink("release-2", base / "current.new");
    fs::rename(base / "current.new", base / "current");  // atomic, as deploy tools do it
    EXPECT_EQ(body(serve("/hello.txt")), "hello, release 2\n");
    EXPECT_EQ(serve("/digits.txt").status, 404);  // only in the old release
}

TEST_F(StaticFiles, DirectoryWithSlashServesItsIndex) {
    const HttpResponse response = serve("/");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(body(response), "<h1>home</h1>\n");
    EXPECT_EQ(header(response, "Content-Type"), "text/html; charset=utf-8");  // the index's type
    EXPECT_EQ(body(serve("/with%20space/")), "spaced index\n");
}

TEST_F(StaticFiles, IndexNamesAreTriedInOrder) {
    write_file(site / "index.htm", "htm wins\n");
    server.index = {"missing.html", "index.htm", "index.html"};
    EXPECT_EQ(body(serve("/")), "htm wins\n");
    server.index = {"missing.html", "index.html", "index.htm"};
    EXPECT_EQ(body(serve("/")), "<h1>home</h1>\n");
}

TEST_F(StaticFiles, DirectoryWithoutIndexIs403) {
    EXPECT_EQ(serve("/noindex/").status, 403);
    server.index = {};
    EXPECT_EQ(serve("/").status, 403);
}

TEST_F(StaticFiles, DirectoryWithoutSlashRedirects) {
    HttpResponse response = serve("/noindex");
    EXPECT_EQ(response.status, 301);
    EXPECT_EQ(header(response, "Location"), "/noindex/");
    EXPECT_FALSE(response.file);
    EXPECT_FALSE(response.body.empty());  // a small HTML page

    response = serve("/noindex?page=2&sort=name");
    EXPECT_EQ(header(response, "Location"), "/noindex/?page=2&sort=name");

    // The Location is re-encoded: decoded bytes never reach a header raw.
    EXPECT_EQ(header(serve("/with%20space"), "Location"), "/with%20space/");
    EXPECT_EQ(header(serve("/docs/../noindex"), "Location"), "/noindex/");
}

TEST_F(StaticFiles, MissingFileIs404) {
    EXPECT_EQ(serve("/nope.html").status, 404);
    EXPECT_EQ(serve("/nope/deeper.html").status, 404);
    EXPECT_EQ(serve("/hello.txt/").status, 404);       // a file is not a directory
    EXPECT_EQ(serve("/hello.txt/more").status, 404);
}

TEST_F(StaticFiles, NotARegularFileIs403) {
    EXPECT_EQ(serve("/fifo").status, 403);  // and does not hang waiting for a writer
}

TEST_F(StaticFiles, UnreadableFileIs403) {
    write_file(site / "private.txt", "private\n");
    fs::permissions(site / "private.txt", fs::perms::none);
    const std::optional<int> status = status_as_unprivileged("/private.txt");
    if (!status) GTEST_SKIP() << "running as root and cannot switch to an unprivileged user";
    EXPECT_EQ(*status, 403);
    EXPECT_EQ(status_as_unprivileged("/hello.txt"), 200);  // the same user may read the rest
}

TEST_F(StaticFiles, PermissionsOnDirectories) {
    // No search permission: nothing below can be reached.
    fs::create_directory(site / "locked");
    write_file(site / "locked" / "file.txt", "locked\n");
    fs::permissions(site / "locked", fs::perms::owner_all);
    // Search but no read permission (mode 711): the directory cannot be
    // listed, but its index file is served.
    fs::create_directory(site / "unlisted");
    write_file(site / "unlisted" / "index.html", "unlisted\n");
    fs::permissions(site / "unlisted", fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);

    const std::optional<int> locked = status_as_unprivileged("/locked/file.txt");
    if (!locked) GTEST_SKIP() << "running as root and cannot switch to an unprivileged user";
    EXPECT_EQ(*locked, 403);
    EXPECT_EQ(status_as_unprivileged("/unlisted/"), 200);
    EXPECT_EQ(status_as_unprivileged("/unlisted"), 301);
}

TEST_F(StaticFiles, RootWithoutReadPermissionServesItsIndex) {
    // Mode 711 on the root itself: its files can be opened, its listing
    // cannot be read, and "/" is still a directory with an index.
    fs::permissions(site, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    const std::optional<int> index = status_as_unprivileged("/");
    if (!index) GTEST_SKIP() << "running as root and cannot switch to an unprivileged user";
    EXPECT_EQ(*index, 200);
    EXPECT_EQ(status_as_unprivileged("/hello.txt"), 200);
    EXPECT_EQ(status_as_unprivileged("/link-out-and-back.txt"), 200);
}

TEST_F(StaticFiles, MissingRootIs404) {
    server.root = (base / "no-such-root").string();
    server.locations.clear();
    EXPECT_EQ(serve("/hello.txt").status, 404);
}

TEST_F(StaticFiles, FutureModificationTimeIsAnnouncedAsNow) {
    write_file(site / "future.txt", "from the future\n", now + 86400);
    const HttpResponse response = serve("/future.txt");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(header(response, "Last-Modified"), format_http_date(now));
}

// ----- conditional requests --------------------------------------------------------

TEST_F(StaticFiles, IfModifiedSince) {
    const std::string modified = format_http_date(file_time);
    const HttpResponse not_modified = serve(get("/hello.txt", {{"If-Modified-Since", modified}}));
    EXPECT_EQ(not_modified.status, 304);
    EXPECT_FALSE(not_modified.file);
    EXPECT_EQ(not_modified.content_length(), 0u);
    EXPECT_EQ(header(not_modified, "ETag"), "\"6553f100-d\"");
    EXPECT_EQ(header(not_modified, "Last-Modified"), modified);

    EXPECT_EQ(serve(get("/hello.txt", {{"If-Modified-Since", format_http_date(file_time + 60)}})).status, 304);
    EXPECT_EQ(serve(get("/hello.txt", {{"If-Modified-Since", format_http_date(file_time - 1)}})).status, 200);
    EXPECT_EQ(serve(get("/hello.txt", {{"If-Modified-Since", "yesterday"}})).status, 200);
    EXPECT_EQ(serve(get("/hello.txt", {{"if-modified-since", modified}})).status, 304);  // any case
}

TEST_F(StaticFiles, IfNoneMatch) {
    const std::string etag = "\"6553f100-d\"";
    const auto status_for = [&](std::string value) {
        return serve(get("/hello.txt", {{"If-None-Match", std::move(value)}})).status;
    };
    EXPECT_EQ(status_for(etag), 304);
    EXPECT_EQ(status_for("\"other\", " + etag), 304);
    EXPECT_EQ(status_for("\"a\",\"b\" ,W/" + etag), 304);  // weak comparison
    EXPECT_EQ(status_for("*"), 304);
    EXPECT_EQ(status_for("\"6553f100-e\""), 200);
    EXPECT_EQ(status_for("\"other\", \"more\""), 200);
    EXPECT_EQ(status_for("6553f100-d"), 200);  // unquoted: malformed, no match

    const HttpResponse not_modified = serve(get("/hello.txt", {{"If-None-Match", etag}}));
    EXPECT_EQ(header(not_modified, "ETag"), etag);
    EXPECT_EQ(header(not_modified, "Last-Modified"), format_http_date(file_time));
    EXPECT_FALSE(not_modified.file);
    EXPECT_TRUE(not_modified.body.empty());
}

TEST_F(StaticFiles, IfNoneMatchOverridesIfModifiedSince) {
    const std::string fresh_date = format_http_date(file_time);
    EXPECT_EQ(serve(get("/hello.txt", {{"If-None-Match", "\"stale\""}, {"If-Modified-Since", fresh_date}})).status,
              200);
    EXPECT_EQ(serve(get("/hello.txt", {{"If-None-Match", "\"6553f100-d\""},
                                       {"If-Modified-Since", format_http_date(file_time - 10)}}))
                  .status,
              304);
}

TEST_F(StaticFiles, NotModifiedBeatsRange) {
    EXPECT_EQ(serve(get("/digits.txt", {{"If-None-Match", "*"}, {"Range", "bytes=0-1"}})).status, 304);
}

// ----- ranges -----------------------------------------------------------------------

TEST_F(StaticFiles, ByteRanges) {
    struct Case {
        std::string range, content_range, bytes;
    };
    const std::vector<Case> cases = {
        {"bytes=2-5", "bytes 2-5/10", "2345"},
        {"bytes=0-0", "bytes 0-0/10", "0"},
        {"bytes=7-", "bytes 7-9/10", "789"},
        {"bytes=-3", "bytes 7-9/10", "789"},
        {"bytes=-20", "bytes 0-9/10", "0123456789"},   // longer suffix: the whole file
        {"bytes=8-100", "bytes 8-9/10", "89"},         // last byte clamped
        {"bytes=9-99999999999999999999999", "bytes 9-9/10", "9"},  // saturates, no overflow
        {"Bytes=1-2", "bytes 1-2/10", "12"},          // the unit is case-insensitive
    };
    for (const Case& c : cases) {
        const HttpResponse response = serve(get("/digits.txt", {{"Range", c.range}}));
        EXPECT_EQ(response.status, 206) << c.range;
        EXPECT_EQ(header(response, "Content-Range"), c.content_range) << c.range;
        EXPECT_EQ(response.content_length(), c.bytes.size()) << c.range;
        EXPECT_EQ(body(response), c.bytes) << c.range;
        EXPECT_EQ(header(response, "Content-Type"), "text/plain; charset=utf-8") << c.range;
    }
}

TEST_F(StaticFiles, UnsatisfiableRangeIs416) {
    for (const std::string range : {"bytes=10-", "bytes=10-20", "bytes=-0", "bytes=99999999999999999999-"}) {
        const HttpResponse response = serve(get("/digits.txt", {{"Range", range}}));
        EXPECT_EQ(response.status, 416) << range;
        EXPECT_EQ(header(response, "Content-Range"), "bytes */10") << range;
        EXPECT_FALSE(response.file) << range;
    }
}

TEST_F(StaticFiles, MalformedOrMultipleRangesSendTheWholeFile) {
    for (const std::string range : {"bytes=abc", "bytes=5-2", "bytes=", "bytes=-", "bytes=1-2-3", "items=0-1",
                                    "bytes 0-1", "bytes=0-1,4-5", "bytes=0-1, 20-30", "bytes=-1,"}) {
        const HttpResponse response = serve(get("/digits.txt", {{"Range", range}}));
        EXPECT_EQ(response.status, 200) << range;
        EXPECT_FALSE(header(response, "Content-Range")) << range;
        EXPECT_EQ(body(response), "0123456789") << range;
    }
}

TEST_F(StaticFiles, IfRangeAppliesTheRangeOnlyToTheSameFile) {
    const auto status_for = [&](std::string if_range) {
        return serve(get("/digits.txt", {{"Range", "bytes=0-1"}, {"If-Range", std::move(if_range)}})).status;
    };
    const std::string etag = header(serve("/digits.txt"), "ETag").value();
    EXPECT_EQ(status_for(etag), 206);
    EXPECT_EQ(status_for("\"changed\""), 200);
    EXPECT_EQ(status_for("W/" + etag), 200);  // If-Range needs a strong match
    EXPECT_EQ(status_for(format_http_date(file_time)), 206);
    EXPECT_EQ(status_for(format_http_date(file_time + 1)), 200);
    EXPECT_EQ(status_for("garbage"), 200);
}

TEST_F(StaticFiles, EmptyFile) {
    HttpResponse response = serve("/empty.txt");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_length(), 0u);
    EXPECT_EQ(header(response, "ETag"), "\"6553f100-0\"");
    response = serve(get("/empty.txt", {{"Range", "bytes=0-"}}));
    EXPECT_EQ(response.status, 200);  // no byte to point at: the (empty) whole file
    EXPECT_EQ(response.content_length(), 0u);
}

// ----- HEAD ----------------------------------------------------------------------------

TEST_F(StaticFiles, HeadAnswersLikeGet) {
    const HttpResponse head = serve(request("HEAD", "/hello.txt"));
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.content_length(), 13u);  // the GET's length; the caller sends no body
    EXPECT_EQ(head.headers, serve("/hello.txt").headers);

    const HttpResponse partial = serve(request("HEAD", "/digits.txt", {{"Range", "bytes=-4"}}));
    EXPECT_EQ(partial.status, 206);
    EXPECT_EQ(partial.content_length(), 4u);
    EXPECT_EQ(serve(request("HEAD", "/noindex")).status, 301);
    EXPECT_EQ(serve(request("HEAD", "/nope")).status, 404);
}
