// TraceRecorder: the trace's notebook. It hands out an EventObserver and a
// KeyLogSink for each side and writes down, in the order they happen, every
// event and every key-log line of both connections. Both connections run in
// one thread, so that order is the same on every run.
//
// The event's bytes are valid only during the callback, so the recorder keeps
// copies; the trace renders them later, one protocol step at a time.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "toytls/events.hpp"

namespace toytls::trace {

struct TraceEntry {
    enum class Source { event, key_log };

    Source source = Source::event;
    Side side = Side::client;
    EventKind kind = EventKind::message_sent;  // meaningful for Source::event
    std::string summary;                       // the event's words, or the key-log line
    Bytes bytes;                               // a copy of the event's bytes
    // The event's named values; for a key-log line, one: {LABEL, value}
    // (none if the line is malformed).
    std::vector<std::pair<std::string, Bytes>> values;
};

class TraceRecorder {
public:
    // The callbacks capture `this`: the recorder must outlive the connections.
    EventObserver observer(Side side);
    KeyLogSink key_log(Side side);

    // Everything recorded since the last take(), oldest first.
    std::vector<TraceEntry> take();

private:
    std::vector<TraceEntry> entries_;
};

}  // namespace toytls::trace
