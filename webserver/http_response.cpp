// Response heads (RFC 9112 4 and 6, RFC 9110 15), HTTP dates (RFC 9110
// 5.6.7) and error pages.
//
// Dates are computed with our own civil-calendar arithmetic on time_t, so
// neither the locale nor the TZ variable can change a byte of the output,
// and nothing here touches the process-wide state that gmtime/strftime use.
#include "webserver/http_response.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

namespace webserver {
namespace {

constexpr std::string_view kServerName = "toytls-server";
constexpr std::int64_t kSecondsPerDay = 24 * 60 * 60;

constexpr std::array<std::string_view, 7> kDayNames = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct CivilDate {
    std::int64_t year;
    int month;  // 1..12
    int day;    // 1..31
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back. These are
// Howard Hinnant's algorithms ("chrono-Compatible Low-Level Date
// Algorithms"): shift the year to start in March so that the leap day is
// the last day of the year, then count in 400-year eras of 146097 days.
std::int64_t days_from_civil(CivilDate date) {
    const std::int64_t year = date.year - (date.month <= 2 ? 1 : 0);
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t year_of_era = year - era * 400;                                      // [0, 399]
    const std::int64_t month_from_march = date.month > 2 ? date.month - 3 : date.month + 9;  // [0, 11]
    const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + date.day - 1;       // [0, 365]
    const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;  // 719468: days from 0000-03-01 to 1970-01-01
}

CivilDate civil_from_days(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t day_of_era = days - era * 146097;  // [0, 146096]
    const std::int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;  // [0, 399]
    const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const std::int64_t month_from_march = (5 * day_of_year + 2) / 153;
    const auto day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    const auto month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// 1970-01-01 was a Thursday (index 4, counting from Sunday).
int weekday_from_days(std::int64_t days) { return static_cast<int>(((days % 7) + 7 + 4) % 7); }

bool is_leap_year(std::int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(std::int64_t year, int month) {
    constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

void append_decimal(std::string& out, std::uint64_t value) {
    char digits[20];
    const auto result = std::to_chars(std::begin(digits), std::end(digits), value);
    out.append(digits, result.ptr);
}

void append_padded(std::string& out, std::int64_t value, std::size_t width) {
    const std::string digits = std::to_string(value);
    if (digits.size() < width) out.append(width - digits.size(), '0');
    out += digits;
}

// The value of a run of ASCII digits, or -1 if any is not a digit.
int parse_digits(std::string_view text) {
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

int index_of(std::string_view name, const auto& names) {
    const auto found = std::find(names.begin(), names.end(), name);
    return found == names.end() ? -1 : static_cast<int>(found - names.begin());
}

// RFC 9110 6.4.1: 1xx, 204 and 304 responses never have content, so they
// carry no Content-Length describing one (for 304 it would describe the
// 200 response instead, which is allowed but pointless).
bool sends_content_length(int status) { return status >= 200 && status != 204 && status != 304; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

// A header we may copy into the head: a token name (RFC 9110 5.6.2) and a
// value without control characters other than HTAB. In particular no CR or
// LF, which would let a value end the head early (response splitting).
bool is_safe_field(std::string_view name, std::string_view value) {
    const auto tchar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    };
    const auto field_char = [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return c == '\t' || (byte >= 0x20 && byte != 0x7f);
    };
    return !name.empty() && std::all_of(name.begin(), name.end(), tchar) &&
           std::all_of(value.begin(), value.end(), field_char);
}

// The fields format_response_head writes itself.
bool is_managed_field(std::string_view name) {
    return equals_ignoring_case(name, "Date") || equals_ignoring_case(name, "Server") ||
           equals_ignoring_case(name, "Content-Length") || equals_ignoring_case(name, "Connection");
}

}  // namespace

// Reason phrases as RFC 9110 15 (and RFC 6585 for 431) spells them.
std::string_view reason_phrase(int status) {
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "";  // RFC 9112 4: the reason phrase may be empty
    }
}

// IMF-fixdate = day-name "," SP day SP month SP year SP hour ":" minute ":"
// second SP "GMT" (RFC 9110 5.6.7).
std::string format_http_date(std::time_t time) {
    std::string text;
    text.reserve(29);
    append_http_date(text, time);
    return text;
}

void append_http_date(std::string& text, std::time_t time) {
    const auto seconds = static_cast<std::int64_t>(time);
    // Floor division, so that times before 1970 land on the right day.
    const std::int64_t days = seconds / kSecondsPerDay - (seconds % kSecondsPerDay < 0 ? 1 : 0);
    const std::int64_t second_of_day = seconds - days * kSecondsPerDay;
    const CivilDate date = civil_from_days(days);

    text += kDayNames[static_cast<std::size_t>(weekday_from_days(days))];
    text += ", ";
    append_padded(text, date.day, 2);
    text += ' ';
    text += kMonthNames[static_cast<std::size_t>(date.month - 1)];
    text += ' ';
    append_padded(text, date.year, 4);
    text += ' ';
    append_padded(text, second_of_day / 3600, 2);
    text += ':';
    append_padded(text, second_of_day / 60 % 60, 2);
    text += ':';
    append_padded(text, second_of_day % 60, 2);
    text += " GMT";
}

// Only IMF-fixdate, exactly. RFC 9110 5.6.7 says a recipient MUST also
// accept the obsolete rfc850 and asctime forms; we knowingly do not: the
// only user is If-Modified-Since, where a date we cannot read means a full
// 200 response instead of a 304, which is always a correct answer.
// A date that does not exist (Feb 30, a wrong day name, 24:00:00) is
// refused; so is the leap second 60, which time_t cannot represent.
std::optional<std::time_t> parse_http_date(std::string_view text) {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    //  0123456789012345678901234567 8
    if (text.size() != 29) return std::nullopt;
    if (text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' || text[16] != ' ' || text[19] != ':' ||
        text[22] != ':' || text.substr(25) != " GMT") {
        return std::nullopt;
    }
    const int weekday = index_of(text.substr(0, 3), kDayNames);
    const int day = parse_digits(text.substr(5, 2));
    const int month = index_of(text.substr(8, 3), kMonthNames) + 1;
    const int year = parse_digits(text.substr(12, 4));
    const int hour = parse_digits(text.substr(17, 2));
    const int minute = parse_digits(text.substr(20, 2));
    const int second = parse_digits(text.substr(23, 2));
    if (weekday < 0 || month < 1 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
        second > 59) {
        return std::nullopt;
    }
    if (day < 1 || day > days_in_month(year, month)) return std::nullopt;
    const std::int64_t days = days_from_civil({year, month, day});
    if (weekday_from_days(days) != weekday) return std::nullopt;
    return static_cast<std::time_t>(days * kSecondsPerDay + hour * 3600 + minute * 60 + second);
}

std::string format_response_head(const HttpResponse& response, bool keep_alive, std::time_t now) {
    // Appended in place into one buffer sized for a typical head: this runs
    // for every response, and each temporary string would be an allocation.
    std::string head;
    head.reserve(256);
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 4)
    head += "HTTP/1.1 ";
    append_decimal(head, static_cast<std::uint64_t>(response.status));
    head += ' ';
    head += reason_phrase(response.status);
    head += "\r\nDate: ";
    append_http_date(head, now);
    head += "\r\nServer: ";
    head += kServerName;
    head += "\r\n";
    for (const auto& [name, value] : response.headers) {
        // Fields this function writes itself are not repeated, and a field
        // that could split the response is never written.
        if (is_managed_field(name) || !is_safe_field(name, value)) continue;
        head += name;
        head += ": ";
        head += value;
        head += "\r\n";
    }
    if (sends_content_length(response.status)) {
        head += "Content-Length: ";
        append_decimal(head, response.content_length());
        head += "\r\n";
    }
    // A response that must close the connection says so, whatever the
    // request asked for (RFC 9112 9.6).
    head += keep_alive && !response.close_connection ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    head += "\r\n";
    return head;
}

HttpResponse error_response(int status) {
    HttpResponse response;
    response.status = status;
    const std::string title = std::to_string(status) + " " + std::string(reason_phrase(status));
    response.body = "<html><head><title>" + title + "</title></head><body><h1>" + title + "</h1><hr>" +
                    std::string(kServerName) + "</body></html>";
    response.headers.emplace_back("Content-Type", "text/html; charset=utf-8");
    // RFC 9110 15.5.6: a 405 MUST list the methods the resource supports.
    if (status == 405) response.headers.emplace_back("Allow", "GET, HEAD");
    // After these the request stream cannot be trusted (we do not know
    // where the next request starts) or the client is not responding.
    switch (status) {
    case 400:
    case 408:
    case 413:
    case 414:
    case 431:
    case 501:
    case 505:
        response.close_connection = true;
        break;
    default:
        break;
    }
    return response;
}

}  // namespace webserver
