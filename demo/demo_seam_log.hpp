// The server's seam sentences, on their way from the server's thread to the
// demo's printing thread.
//
// The server runs its event loop on a thread of its own and calls its seam
// tracer there; the demo prints on the main thread, between the client's
// own narration lines. This queue is the hand-over: add() from the server's
// thread, take_all() from the main thread, both under one mutex.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace toytls_demo {

class SeamLog {
public:
    // Server's thread: one sentence per crossing of the seam.
    void add(std::string sentence) {
        {
            std::lock_guard lock(mutex_);
            sentences_.push_back(std::move(sentence));
        }
        arrived_.notify_all();
    }

    // Main thread: every sentence not taken yet, oldest first.
    std::vector<std::string> take_all() {
        std::lock_guard lock(mutex_);
        return std::exchange(sentences_, {});
    }

    // Main thread: the client is done, but the server may still be finishing
    // its side of the connection. Waits until no sentence has arrived for
    // `quiet_for` (or `at_most` has passed), so that each part of the demo
    // shows all of its own sentences and none of the next part's.
    void wait_until_quiet(std::chrono::milliseconds quiet_for, std::chrono::milliseconds at_most) {
        auto give_up_at = std::chrono::steady_clock::now() + at_most;
        std::unique_lock lock(mutex_);
        std::size_t seen = sentences_.size();
        while (std::chrono::steady_clock::now() < give_up_at) {
            arrived_.wait_for(lock, quiet_for, [&] { return sentences_.size() != seen; });
            if (sentences_.size() == seen) return;  // quiet for a whole `quiet_for`
            seen = sentences_.size();
        }
    }

private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<std::string> sentences_;
};

}  // namespace toytls_demo
