#include "service/assignments.hpp"

namespace seatwise::service {}  // namespace seatwise::service
