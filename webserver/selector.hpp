// "Tell me which of these sockets are ready": one interface, two backends,
// in the spirit of Python's selectors.DefaultSelector. epoll is the default
// on Linux (its cost does not grow with the number of idle connections);
// poll is the portable one, kept so the tests can run the server on both.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

namespace webserver {

struct Interest {
    bool read = false;
    bool write = false;
};

struct ReadyEvent {
    int fd = -1;
    bool readable = false;
    bool writable = false;
    bool hangup_or_error = false;  // also reported as readable, so the reader sees EOF/the error
};

enum class SelectorKind { epoll, poll };

class Selector {
public:
    virtual ~Selector() = default;
    virtual void add(int fd, Interest interest) = 0;
    virtual void modify(int fd, Interest interest) = 0;
    virtual void remove(int fd) = 0;
    // `fd` is about to be closed: stop watching it. epoll needs no system
    // call for that (closing the last reference to a socket drops it from
    // every epoll set, and connection sockets are not duplicated, except by
    // a fork() about to exec(), when a stray event costs one EAGAIN); poll
    // must forget it like remove().
    virtual void remove_before_close(int fd) = 0;
    // Waits at most `timeout` (negative: forever) and returns the ready
    // descriptors. The vector is reused by the next call.
    virtual const std::vector<ReadyEvent>& wait(std::chrono::milliseconds timeout) = 0;
    virtual std::string_view name() const = 0;
};

std::unique_ptr<Selector> make_selector(SelectorKind kind);
SelectorKind default_selector_kind();  // epoll; TOYTLS_SELECTOR=poll in the environment picks poll

}  // namespace webserver
