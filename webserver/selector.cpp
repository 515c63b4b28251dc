#include "webserver/selector.hpp"

#include <poll.h>
#include <sys/epoll.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unordered_map>

#include "webserver/unique_fd.hpp"

namespace webserver {

namespace {

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

class EpollSelector final : public Selector {
public:
    EpollSelector() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
        if (!epoll_) throw_errno("epoll_create1");
    }

    void add(int fd, Interest interest) override { control(EPOLL_CTL_ADD, fd, interest); }
    void modify(int fd, Interest interest) override { control(EPOLL_CTL_MOD, fd, interest); }
    void remove(int fd) override { ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr); }
    void remove_before_close(int) override {}

    const std::vector<ReadyEvent>& wait(std::chrono::milliseconds timeout) override {
        epoll_event events[256];
        int count = ::epoll_wait(epoll_.get(), events, 256, static_cast<int>(timeout.count()));
        ready_.clear();
        if (count < 0) {
            if (errno == EINTR) return ready_;
            throw_errno("epoll_wait");
        }
        for (int i = 0; i < count; ++i) {
            std::uint32_t flags = events[i].events;
            bool hangup = flags & (EPOLLERR | EPOLLHUP);
            ready_.push_back({events[i].data.fd, bool(flags & EPOLLIN) || hangup, bool(flags & EPOLLOUT), hangup});
        }
        return ready_;
    }

    std::string_view name() const override { return "epoll"; }

private:
    void control(int operation, int fd, Interest interest) {
        epoll_event event{};
        event.events = (interest.read ? EPOLLIN | EPOLLRDHUP : 0u) | (interest.write ? EPOLLOUT : 0u);
        event.data.fd = fd;
        if (::epoll_ctl(epoll_.get(), operation, fd, &event) != 0) throw_errno("epoll_ctl");
    }

    UniqueFd epoll_;
    std::vector<ReadyEvent> ready_;
};

class PollSelector final : public Selector {
public:
    void add(int fd, Interest interest) override {
        index_of_[fd] = watched_.size();
        watched_.push_back({fd, events_for(interest), 0});
    }
    void modify(int fd, Interest interest) override { watched_.at(index_of_.at(fd)).events = events_for(interest); }
    void remove(int fd) override {
        auto found = index_of_.find(fd);
        if (found == index_of_.end()) return;
        // Swap with the last entry so removal is O(1).
        std::size_t index = found->second;
        watched_[index] = watched_.back();
        index_of_[watched_[index].fd] = index;
        watched_.pop_back();
        index_of_.erase(found);
    }
    void remove_before_close(int fd) override { remove(fd); }

    const std::vector<ReadyEvent>& wait(std::chrono::milliseconds timeout) override {
        ready_.clear();
        int count = ::poll(watched_.data(), watched_.size(), static_cast<int>(timeout.count()));
        if (count < 0) {
            if (errno == EINTR) return ready_;
            throw_errno("poll");
        }
        for (const pollfd& entry : watched_) {
            if (entry.revents == 0) continue;
            bool hangup = entry.revents & (POLLERR | POLLHUP | POLLNVAL);
            ready_.push_back({entry.fd, bool(entry.revents & POLLIN) || hangup, bool(entry.revents & POLLOUT), hangup});
        }
        return ready_;
    }

    std::string_view name() const override { return "poll"; }

private:
    static short events_for(Interest interest) {
        return static_cast<short>((interest.read ? POLLIN : 0) | (interest.write ? POLLOUT : 0));
    }

    std::vector<pollfd> watched_;
    std::unordered_map<int, std::size_t> index_of_;
    std::vector<ReadyEvent> ready_;
};

}  // namespace

std::unique_ptr<Selector> make_selector(SelectorKind kind) {
    if (kind == SelectorKind::poll) return std::make_unique<PollSelector>();
    return std::make_unique<EpollSelector>();
}

SelectorKind default_selector_kind() {
    const char* choice = std::getenv("TOYTLS_SELECTOR");
    return choice && std::string(choice) == "poll" ? SelectorKind::poll : SelectorKind::epoll;
}

}  // namespace webserver
