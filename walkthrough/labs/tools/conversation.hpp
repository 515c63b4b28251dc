// A lab check as an expected conversation (check.conv), in the spirit of
// tlsfuzzer: start the parties, send something, and say what must come back.
// One step per line; '#' starts a comment, "## text" is a heading that the
// runner prints. The whole language:
//
//   start server                 toytls-server on free ports, demo chain
//   start mitm ARGS...           toytls-mitm --listen {mitm} --forward 127.0.0.1:{server_toytls} ARGS
//                                (a running mitm is stopped first)
//   run client ARGS...           toytls-client ARGS, until it exits
//   run cert ARGS...             toytls-cert ARGS, until it exits
//   stop mitm | stop server
//   require suite CODE           skip the whole check if this machine cannot run suite CODE
//   expect client exit N         also: expect cert exit N
//   expect WHO WHAT contains "TEXT"
//   expect WHO WHAT lacks "TEXT"
//        WHO WHAT: client stdout | client stderr | cert output |
//                  mitm stdout | mitm stderr | server log (its error log) | server access (its access log)
//
// Arguments are split at spaces; "double quotes" keep spaces (and \" is a
// quote). Placeholders, replaced when a step runs: {server_plain},
// {server_toytls}, {mitm} (ports), {tmp} (this check's scratch folder),
// {certs} (the demo chain), {lab} (the folder of the check file).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toytls_labs {

enum class StepKind { heading, start, run, stop, require_suite, expect_exit, expect_text };

struct Step {
    int line = 0;           // in the check file, from 1
    std::string source;     // the line as written, for the report
    StepKind kind = StepKind::heading;
    std::string program;    // "server", "mitm", "client", "cert"
    std::vector<std::string> arguments;  // start mitm / run: still with placeholders
    int exit_code = 0;                   // expect_exit
    std::string stream;                  // expect_text: "stdout", "stderr", "output", "log", "access"
    bool negated = false;                // expect_text: "lacks"
    std::string text;                    // expect_text: still with placeholders; heading: the heading
    std::string suite;                   // require_suite
};

struct Conversation {
    std::string title;  // the first line, if it is a comment: "# Lab 3: integrity"
    std::vector<Step> steps;
};

// Throws nothing; on a malformed file returns nullopt and sets `error` to
// "line N: what is wrong".
std::optional<Conversation> parse_conversation(std::string_view text, std::string& error);

// Splits at spaces, keeping "quoted parts" together. nullopt for an
// unterminated quote.
std::optional<std::vector<std::string>> split_arguments(std::string_view text);

}  // namespace toytls_labs
