#include "tools/trace_recorder.hpp"

namespace toytls::trace {

EventObserver TraceRecorder::observer(Side side) {
    return [this, side](const ConnectionEvent& event) {
        entries_.push_back(TraceEntry{TraceEntry::Source::event, side, event.kind, event.summary,
                                      Bytes(event.bytes.begin(), event.bytes.end()), event.values});
    };
}

KeyLogSink TraceRecorder::key_log(Side side) {
    return [this, side](std::string_view line) {
        entries_.push_back(TraceEntry{TraceEntry::Source::key_log, side, {}, std::string(line), {}, {}});
    };
}

std::vector<TraceEntry> TraceRecorder::take() {
    std::vector<TraceEntry> taken = std::move(entries_);
    entries_.clear();
    return taken;
}

}  // namespace toytls::trace
