#include "conversation.hpp"

#include <charconv>
#include <utility>

namespace toytls_labs {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

bool is_stream_of(std::string_view program, std::string_view stream) {
    if (program == "client") return stream == "stdout" || stream == "stderr";
    if (program == "mitm") return stream == "stdout" || stream == "stderr";
    if (program == "cert") return stream == "output";
    if (program == "server") return stream == "log" || stream == "access";
    return false;
}

// One step from its words; the error says what was expected.
std::optional<Step> parse_step(const std::vector<std::string>& words, std::string& error) {
    Step step;
    const std::string& verb = words[0];
    auto rest = [&](std::size_t from) { return std::vector<std::string>(words.begin() + static_cast<std::ptrdiff_t>(from), words.end()); };
    if (verb == "start" && words.size() >= 2 && (words[1] == "server" || words[1] == "mitm")) {
        step.kind = StepKind::start;
        step.program = words[1];
        step.arguments = rest(2);
        if (step.program == "server" && !step.arguments.empty()) error = "'start server' takes no arguments";
        else if (step.program == "mitm" && step.arguments.empty()) error = "'start mitm' needs at least --mode MODE";
    } else if (verb == "run" && words.size() >= 2 && (words[1] == "client" || words[1] == "cert")) {
        step.kind = StepKind::run;
        step.program = words[1];
        step.arguments = rest(2);
    } else if (verb == "stop" && words.size() == 2 && (words[1] == "server" || words[1] == "mitm")) {
        step.kind = StepKind::stop;
        step.program = words[1];
    } else if (verb == "require" && words.size() == 3 && words[1] == "suite") {
        step.kind = StepKind::require_suite;
        step.suite = words[2];
    } else if (verb == "expect" && words.size() == 4 && words[2] == "exit" &&
               (words[1] == "client" || words[1] == "cert")) {
        step.kind = StepKind::expect_exit;
        step.program = words[1];
        auto [end, status] = std::from_chars(words[3].data(), words[3].data() + words[3].size(), step.exit_code);
        if (status != std::errc() || end != words[3].data() + words[3].size()) error = "'" + words[3] + "' is not an exit code";
    } else if (verb == "expect" && words.size() == 5 && (words[3] == "contains" || words[3] == "lacks")) {
        step.kind = StepKind::expect_text;
        step.program = words[1];
        step.stream = words[2];
        step.negated = words[3] == "lacks";
        step.text = words[4];
        if (!is_stream_of(step.program, step.stream))
            error = "'" + step.program + " " + step.stream +
                    "' is not something to look in (client stdout|stderr, cert output, mitm stdout|stderr, "
                    "server log|access)";
        else if (step.text.empty()) error = "the text to look for is empty";
    } else {
        error = "not a step: expected start server|mitm, run client|cert, stop, require suite, "
                "expect WHO exit N, or expect WHO WHAT contains|lacks \"TEXT\"";
    }
    if (!error.empty()) return std::nullopt;
    return step;
}

}  // namespace

std::optional<std::vector<std::string>> split_arguments(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false, in_quotes = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_quotes) {
            if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '"' || text[i + 1] == '\\')) word += text[++i];
            else if (c == '"') in_quotes = false;
            else word += c;
        } else if (c == ' ' || c == '\t') {
            if (in_word) words.push_back(std::exchange(word, std::string()));
            in_word = false;
        } else {
            in_word = true;
            if (c == '"') in_quotes = true;
            else word += c;
        }
    }
    if (in_quotes) return std::nullopt;
    if (in_word) words.push_back(word);
    return words;
}

std::optional<Conversation> parse_conversation(std::string_view text, std::string& error) {
    Conversation conversation;
    int line_number = 0;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++line_number;
        if (line_number == 1 && line.starts_with("# ")) conversation.title = std::string(line.substr(2));
        if (line.starts_with("## ")) {
            Step heading;
            heading.line = line_number;
            heading.source = std::string(line);
            heading.text = std::string(trim(line.substr(3)));
            conversation.steps.push_back(std::move(heading));
            continue;
        }
        if (line.empty() || line.starts_with('#')) continue;
        std::optional<std::vector<std::string>> words = split_arguments(line);
        std::string step_error;
        std::optional<Step> step;
        if (words) step = parse_step(*words, step_error);
        else step_error = "a quote is not closed";
        if (!step) {
            error = "line " + std::to_string(line_number) + ": " + step_error + ": " + std::string(line);
            return std::nullopt;
        }
        step->line = line_number;
        step->source = std::string(line);
        conversation.steps.push_back(std::move(*step));
    }
    return conversation;
}

}  // namespace toytls_labs
