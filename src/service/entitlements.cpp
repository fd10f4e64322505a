#include "service/entitlements.hpp"

namespace seatwise::service {}  // namespace seatwise::service
