#include "lab_runner.hpp"

#include <charconv>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "child_process.hpp"
#include "lab_sockets.hpp"
#include "toytls/cipher_suite.hpp"

namespace toytls_labs {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A process that runs to its end (client, cert) has a step of its own, so a
// hung one fails that step rather than the whole test run.
constexpr auto run_timeout = 5s;
// How long a "contains" on a live process (server, mitm) waits for the text:
// they write after the client has gone.
constexpr auto live_output_timeout = 3s;
// How long a "lacks" on a live process waits before it believes the text is
// not coming.
constexpr auto live_output_settle = 150ms;
constexpr auto start_timeout = 5s;

std::string read_file_text(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// The last lines of an output, indented, for a failed step's report.
std::string quote_output(const std::string& label, const std::string& text) {
    if (text.empty()) return "      (" + label + " is empty)\n";
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    constexpr std::size_t max_lines = 20;
    std::string quoted = "      " + label + (lines.size() > max_lines ? " (last 20 lines)" : "") + ":\n";
    for (std::size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); ++i)
        quoted += "      | " + lines[i] + "\n";
    return quoted;
}

// What a build with -DTOYTLS_SANITIZE=ON prints when it catches a memory or
// undefined-behaviour error. A lab must not pass on a program that did that,
// even if the expected lines came out before it.
std::optional<std::string> sanitizer_report(const fs::path& stderr_path) {
    std::string text = read_file_text(stderr_path);
    for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"})
        if (text.find(marker) != std::string::npos) return quote_output("sanitizer report", text);
    return std::nullopt;
}

// Removes the scratch folder at the end, unless it is wanted afterwards.
class ScratchDir {
public:
    ScratchDir() {
        fs::path base = fs::temp_directory_path();
        std::string pattern = (base / "toytls-lab-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a scratch folder in " + base.string());
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        if (!keep_) fs::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const fs::path& path() const { return path_; }
    void keep() { keep_ = true; }

private:
    fs::path path_;
    bool keep_ = false;
};

struct StepOutcome {
    bool ok = true;
    std::string detail;  // shown after the step: a fact on success, the reason on failure
    bool stop = false;   // later steps make no sense after this one (a start or run failed)
    bool skip = false;   // require: the whole check does not apply here
};

StepOutcome failure(std::string detail, bool stop = false) { return {false, std::move(detail), stop, false}; }

// One run of a program that runs to its end.
struct FinishedRun {
    int exit_code = 0;
    fs::path stdout_path, stderr_path;
};

// A program that keeps running (server, mitm) and the files it writes to.
struct LiveProcess {
    std::unique_ptr<ChildProcess> process;
    fs::path stdout_path, stderr_path;
};

class LabRun {
public:
    LabRun(const fs::path& check_file, const LabPaths& paths) : paths_(paths), lab_dir_(fs::absolute(check_file).parent_path()) {
        // Three different ports that were free a moment ago.
        std::set<std::uint16_t> ports;
        while (ports.size() < 3) ports.insert(pick_free_port());
        auto port = ports.begin();
        placeholders_["server_plain"] = std::to_string(*port++);
        placeholders_["server_toytls"] = std::to_string(*port++);
        placeholders_["mitm"] = std::to_string(*port++);
        placeholders_["tmp"] = scratch_.path().string();
        placeholders_["certs"] = (paths.source_dir / "certs").string();
        placeholders_["lab"] = lab_dir_.string();
        fs::create_directories(scratch_.path() / "out");
        fs::create_directories(scratch_.path() / "server");
    }

    ~LabRun() {
        // The attacker first, then the server: RAII would do it anyway, in
        // reverse order of declaration; this says which order is meant.
        mitm_.process.reset();
        server_.process.reset();
    }

    // Stops the server and the mitm, and says if either had died before or
    // left a sanitizer report: one message per problem.
    std::vector<std::string> finish() {
        std::vector<std::string> problems;
        if (auto problem = retire(mitm_, "toytls-mitm")) problems.push_back(*problem);
        if (auto problem = retire(server_, "toytls-server")) problems.push_back(*problem);
        return problems;
    }

    const fs::path& scratch() const { return scratch_.path(); }
    void keep_scratch() { scratch_.keep(); }

    // Replaces every {name}; throws for an unknown one (a typo in the check).
    std::string expand(const std::string& text) const {
        std::string result;
        for (std::size_t i = 0; i < text.size(); ++i) {
            std::size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
            if (close == std::string::npos) {
                result += text[i];
                continue;
            }
            std::string name = text.substr(i + 1, close - i - 1);
            auto found = placeholders_.find(name);
            if (found == placeholders_.end()) throw std::runtime_error("unknown placeholder {" + name + "}");
            result += found->second;
            i = close;
        }
        return result;
    }

    StepOutcome execute(const Step& step, std::string& command_shown) {
        switch (step.kind) {
            case StepKind::heading: return {};
            case StepKind::start: return step.program == "server" ? start_server(command_shown) : start_mitm(step, command_shown);
            case StepKind::run: return run_program(step, command_shown);
            case StepKind::stop: return stop(step.program);
            case StepKind::require_suite: return require_suite(step.suite);
            case StepKind::expect_exit: return expect_exit(step);
            case StepKind::expect_text: return expect_text(step);
        }
        return failure("unknown step");
    }

private:
    // Stops a live process; a problem if it was no longer running (it must
    // run until the check stops it) or wrote a sanitizer report.
    std::optional<std::string> retire(LiveProcess& live, const std::string& name) {
        if (!live.process) return std::nullopt;
        std::optional<int> early_exit = live.process->wait_for_exit(0ms);
        live.process.reset();
        if (early_exit)
            return name + " exited (status " + std::to_string(*early_exit) + ") before the check stopped it\n" +
                   quote_output(name + " stderr", read_file_text(live.stderr_path));
        if (auto report = sanitizer_report(live.stderr_path)) return name + " reported an error\n" + *report;
        return std::nullopt;
    }

    fs::path binary(const std::string& name) const { return paths_.bin_dir / name; }

    std::string show_command(const std::string& program, const std::vector<std::string>& arguments) const {
        std::string text = "$ " + program;
        for (const std::string& argument : arguments) {
            bool quote = argument.find_first_of(" &?'\"*") != std::string::npos || argument.empty();
            text += " " + (quote ? "'" + argument + "'" : argument);
        }
        return text;
    }

    // Waits until `needle` appears `count` times in the file, or the process exits.
    bool wait_for_output(LiveProcess& live, const fs::path& file, const std::string& needle, std::size_t count) {
        auto deadline = std::chrono::steady_clock::now() + start_timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            std::string text = read_file_text(file);
            std::size_t found = 0;
            for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++found;
            if (found >= count) return true;
            if (!live.process->running()) return false;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }

    StepOutcome start_server(std::string& command_shown) {
        if (server_.process) return failure("the server is already running", true);
        fs::path config_path = scratch() / "server" / "toytls-server.conf";
        std::ofstream config(config_path);
        config << "# Written by toytls-lab for one check: free ports, the demo chain, demo/html.\n"
               << "worker_processes 1;\n"
               << "error_log " << (scratch() / "server" / "error.log").string() << " info;\n"
               << "http {\n"
               << "    access_log " << (scratch() / "server" / "access.log").string() << ";\n"
               << "    server {\n"
               << "        listen 127.0.0.1:" << expand("{server_plain}") << ";\n"
               << "        listen 127.0.0.1:" << expand("{server_toytls}") << " ssl;\n"
               << "        server_name localhost 127.0.0.1;\n"
               << "        ssl_certificate       " << expand("{certs}") << "/server.cert;\n"
               << "        ssl_certificate_key   " << expand("{certs}") << "/server.key;\n"
               << "        ssl_certificate_chain " << expand("{certs}") << "/intermediate.cert;\n"
               << "        root " << (paths_.source_dir / "demo" / "html").string() << ";\n"
               << "        index index.html;\n"
               << "    }\n"
               << "}\n";
        config.close();
        std::vector<std::string> arguments{"-c", config_path.string()};
        command_shown = show_command("toytls-server", arguments);
        server_.stdout_path = scratch() / "out" / "server.stdout";
        server_.stderr_path = scratch() / "out" / "server.stderr";
        server_.process = std::make_unique<ChildProcess>(binary("toytls-server"), arguments, server_.stdout_path,
                                                         server_.stderr_path);
        if (!wait_for_output(server_, server_.stderr_path, "listening on", 2))
            return failure("the server did not start listening\n" +
                               quote_output("server stderr", read_file_text(server_.stderr_path)),
                           true);
        return {true, "plain HTTP on 127.0.0.1:" + expand("{server_plain}") + ", ToyTLS on 127.0.0.1:" +
                          expand("{server_toytls}")};
    }

    StepOutcome start_mitm(const Step& step, std::string& command_shown) {
        std::string restarted;
        if (mitm_.process) {
            if (auto problem = retire(mitm_, "the previous toytls-mitm")) return failure(*problem, true);
            restarted = " (the previous mitm was stopped)";
        }
        std::vector<std::string> arguments{"--listen", expand("{mitm}"), "--forward", "127.0.0.1:" + expand("{server_toytls}")};
        for (const std::string& argument : step.arguments) arguments.push_back(expand(argument));
        command_shown = show_command("toytls-mitm", arguments);
        ++mitm_starts_;
        mitm_.stdout_path = scratch() / "out" / ("mitm-" + std::to_string(mitm_starts_) + ".stdout");
        mitm_.stderr_path = scratch() / "out" / ("mitm-" + std::to_string(mitm_starts_) + ".stderr");
        mitm_.process = std::make_unique<ChildProcess>(binary("toytls-mitm"), arguments, mitm_.stdout_path,
                                                       mitm_.stderr_path);
        if (!wait_for_output(mitm_, mitm_.stderr_path, "listening on", 1))
            return failure("the mitm did not start listening\n" +
                               quote_output("mitm stderr", read_file_text(mitm_.stderr_path)),
                           true);
        return {true, "listening on 127.0.0.1:" + expand("{mitm}") + restarted};
    }

    StepOutcome run_program(const Step& step, std::string& command_shown) {
        std::string binary_name = step.program == "client" ? "toytls-client" : "toytls-cert";
        std::vector<std::string> arguments;
        for (const std::string& argument : step.arguments) arguments.push_back(expand(argument));
        command_shown = show_command(binary_name, arguments);
        ++runs_;
        FinishedRun run;
        std::string base = step.program + "-" + std::to_string(runs_);
        run.stdout_path = scratch() / "out" / (base + ".stdout");
        run.stderr_path = scratch() / "out" / (base + ".stderr");
        ChildProcess process(binary(binary_name), arguments, run.stdout_path, run.stderr_path);
        std::optional<int> exit_code = process.wait_for_exit(run_timeout);
        if (!exit_code) {
            process.stop();
            return failure(binary_name + " did not finish within 5 seconds (stopped)\n" +
                               quote_output(step.program + " stderr", read_file_text(run.stderr_path)),
                           true);
        }
        run.exit_code = *exit_code;
        last_runs_[step.program] = run;
        if (auto report = sanitizer_report(run.stderr_path)) return failure(binary_name + " reported an error\n" + *report, true);
        return {true, "exit " + std::to_string(run.exit_code)};
    }

    StepOutcome stop(const std::string& program) {
        LiveProcess& live = program == "server" ? server_ : mitm_;
        if (!live.process) return failure(program + " is not running");
        if (auto problem = retire(live, "toytls-" + program)) return failure(*problem);
        return {};
    }

    StepOutcome require_suite(const std::string& code_text) {
        std::string_view digits = code_text;
        int base = 10;
        if (digits.starts_with("0x")) {
            digits.remove_prefix(2);
            base = 16;
        }
        std::uint16_t code = 0;
        auto [end, status] = std::from_chars(digits.data(), digits.data() + digits.size(), code, base);
        std::optional<toytls::CipherSuite> suite;
        if (status == std::errc() && end == digits.data() + digits.size()) suite = toytls::cipher_suite_from_code(code);
        if (!suite) return failure("'" + code_text + "' is not a ToyTLS cipher suite", true);
        if (!toytls::cipher_suite_available(*suite))
            return {false, "this machine cannot run " + std::string(toytls::cipher_suite_name(*suite)) +
                               " (no AES-NI): the check does not apply here", true, true};
        return {true, std::string(toytls::cipher_suite_name(*suite)) + " is available"};
    }

    StepOutcome expect_exit(const Step& step) {
        auto found = last_runs_.find(step.program);
        if (found == last_runs_.end()) return failure("no '" + step.program + "' has run yet");
        const FinishedRun& run = found->second;
        if (run.exit_code == step.exit_code) return {};
        return failure("the exit code was " + std::to_string(run.exit_code) + "\n" +
                       quote_output(step.program + " stderr", read_file_text(run.stderr_path)));
    }

    StepOutcome expect_text(const Step& step) {
        std::string needle = expand(step.text);
        std::vector<fs::path> files;
        LiveProcess* live = nullptr;
        if (step.program == "client" || step.program == "cert") {
            auto found = last_runs_.find(step.program);
            if (found == last_runs_.end()) return failure("no '" + step.program + "' has run yet");
            if (step.stream != "stderr") files.push_back(found->second.stdout_path);
            if (step.stream != "stdout") files.push_back(found->second.stderr_path);
        } else if (step.program == "mitm") {
            if (mitm_.stdout_path.empty()) return failure("no mitm has been started yet");
            live = &mitm_;
            files.push_back(step.stream == "stdout" ? mitm_.stdout_path : mitm_.stderr_path);
        } else {
            live = &server_;
            files.push_back(scratch() / "server" / (step.stream == "log" ? "error.log" : "access.log"));
        }
        auto read_all = [&] {
            std::string text;
            for (const fs::path& file : files) text += read_file_text(file);
            return text;
        };
        // A live process may still be writing: wait for the text to come,
        // or (for "lacks") give it a moment to come before believing it will not.
        std::string text = read_all();
        if (live && !step.negated) {
            auto deadline = std::chrono::steady_clock::now() + live_output_timeout;
            while (text.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(10ms);
                text = read_all();
            }
        } else if (live) {
            std::this_thread::sleep_for(live_output_settle);
            text = read_all();
        }
        bool found = text.find(needle) != std::string::npos;
        if (found != step.negated) return {};
        std::string label = step.program + " " + step.stream;
        return failure(std::string(step.negated ? "it is there" : "it is not there") + "\n" + quote_output(label, text));
    }

    LabPaths paths_;
    fs::path lab_dir_;
    ScratchDir scratch_;
    std::map<std::string, std::string> placeholders_;
    LiveProcess server_;
    LiveProcess mitm_;
    int mitm_starts_ = 0;
    int runs_ = 0;
    std::map<std::string, FinishedRun> last_runs_;
};

}  // namespace

CheckResult run_check(const fs::path& check_file, const Conversation& conversation, const LabPaths& paths,
                      const CheckOptions& options, std::ostream& out) {
    out << (conversation.title.empty() ? check_file.string() : conversation.title) << "  (" << check_file.string()
        << ")\n";
    LabRun run(check_file, paths);
    if (options.keep_scratch) run.keep_scratch();
    int steps = 0, failures = 0;
    bool skipped = false;
    for (const Step& step : conversation.steps) {
        if (step.kind == StepKind::heading) {
            out << "\n  " << step.text << "\n";
            continue;
        }
        ++steps;
        std::string command_shown;
        StepOutcome outcome;
        try {
            outcome = run.execute(step, command_shown);
        } catch (const std::exception& error) {
            outcome = failure(std::string("line ") + std::to_string(step.line) + ": " + error.what(), true);
        }
        if (outcome.skip) {
            out << "  - " << step.source << "\n      skipped: " << outcome.detail << "\n";
            skipped = true;
            break;
        }
        std::string first_line = outcome.detail.substr(0, outcome.detail.find('\n'));
        std::string rest = outcome.detail.find('\n') == std::string::npos ? "" : outcome.detail.substr(outcome.detail.find('\n') + 1);
        out << "  " << (outcome.ok ? "\u2713 " : "\u2717 ") << step.source;
        if (!first_line.empty()) out << (outcome.ok ? "   [" + first_line + "]" : "");
        out << "\n";
        if (!command_shown.empty()) out << "      " << command_shown << "\n";
        if (!outcome.ok) {
            ++failures;
            out << "      line " << step.line << ": " << first_line << "\n" << rest;
        }
        if (outcome.stop) break;
    }
    for (const std::string& problem : run.finish()) {  // counted as one more step each
        ++steps;
        ++failures;
        out << "  \u2717 " << problem.substr(0, problem.find('\n')) << "\n"
            << (problem.find('\n') == std::string::npos ? "" : problem.substr(problem.find('\n') + 1));
    }
    out << "\n";
    if (skipped) {
        out << "SKIPPED\n";
        return CheckResult::skipped;
    }
    if (failures == 0) {
        out << "PASS: all " << steps << " steps\n";
        if (options.keep_scratch) out << "(outputs kept in " << run.scratch().string() << ")\n";
        return CheckResult::passed;
    }
    run.keep_scratch();
    out << "FAIL: " << failures << " of " << steps << " steps failed (outputs kept in " << run.scratch().string()
        << ")\n";
    return CheckResult::failed;
}

}  // namespace toytls_labs
