#include "tools/trace_recorder.hpp"

#include <optional>

#include "toytls/bytes.hpp"

namespace toytls::trace {

EventObserver TraceRecorder::observer(Side side) {
    return [this, side](const ConnectionEvent& event) {
        entries_.push_back(TraceEntry{TraceEntry::Source::event, side, event.kind, event.summary,
                                      Bytes(event.bytes.begin(), event.bytes.end()), event.values});
    };
}

KeyLogSink TraceRecorder::key_log(Side side) {
    return [this, side](std::string_view line) {
        // `<LABEL> <client random hex> <value hex>` (PROTOCOL.md §11): parsed
        // here, once, for every renderer; a malformed line gets no value.
        std::vector<std::pair<std::string, Bytes>> values;
        const std::size_t first_space = line.find(' ');
        const std::size_t last_space = line.rfind(' ');
        if (first_space != std::string_view::npos && last_space > first_space) {
            if (std::optional<Bytes> value = from_hex(line.substr(last_space + 1)))
                values.emplace_back(std::string(line.substr(0, first_space)), std::move(*value));
        }
        entries_.push_back(TraceEntry{TraceEntry::Source::key_log, side, {}, std::string(line), {}, std::move(values)});
    };
}

std::vector<TraceEntry> TraceRecorder::take() {
    std::vector<TraceEntry> taken = std::move(entries_);
    entries_.clear();
    return taken;
}

}  // namespace toytls::trace
