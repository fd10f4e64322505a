#include "service/orders.hpp"

namespace seatwise::service {}  // namespace seatwise::service
