// Time as the certificate checks see it. Injectable so that tests can ask
// "what if it were 2050?" and the trace can be reproduced byte for byte.
#pragma once

#include <cstdint>
#include <functional>

namespace toytls {

using UnixTime = std::int64_t;  // seconds since 1970-01-01T00:00:00Z
using Clock = std::function<UnixTime()>;

Clock system_clock();
Clock fixed_clock(UnixTime at);

}  // namespace toytls
