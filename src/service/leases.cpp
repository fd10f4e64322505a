#include "service/leases.hpp"

namespace seatwise::service {}  // namespace seatwise::service
