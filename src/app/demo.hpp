#pragma once
// The demo instance behind `seatwise demo` and `seatwise serve --demo`.

#include <ostream>

#include "app/logging.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "service/demo_seed.hpp"
#include "store/database.hpp"

namespace seatwise::app {

// Seeds the demo organisation into a migrated database that has no accounts yet and
// prints how to sign in to `out`, with what was seeded and how long it took; leaves a
// database that already has data alone.
core::Result<void> PrepareDemo(store::Database& database, const core::Clock& clock,
                               core::Random& random, const EventLog& log, std::ostream& out,
                               const service::DemoOptions& options = {});

}  // namespace seatwise::app
