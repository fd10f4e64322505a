#include "service/contracts.hpp"

namespace seatwise::service {}  // namespace seatwise::service
