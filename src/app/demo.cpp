#include "app/demo.hpp"

namespace seatwise::app {

core::Result<void> PrepareDemo(store::Database& /*database*/, const core::Clock& /*clock*/,
                               core::Random& /*random*/, const EventLog& log,
                               std::ostream& /*out*/) {
  // The demo seed is not part of the service layer yet; until it is, --demo serves an
  // empty instance.
  log.Write(EventLevel::kWarn, "demo_seed_unavailable");
  return core::Ok();
}

}  // namespace seatwise::app
