#include "toytls/clock.hpp"

#include <chrono>

namespace toytls {

Clock system_clock() {
    return [] {
        return static_cast<UnixTime>(
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                .count());
    };
}

Clock fixed_clock(UnixTime at) {
    return [at] { return at; };
}

}  // namespace toytls
