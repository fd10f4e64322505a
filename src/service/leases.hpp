#pragma once
// Floating seats of multi-user (network) subscriptions as the desktop software takes them:
// checkout, heartbeat, release, borrow and return; and the usage events clients upload.

#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

class LeaseService {
 public:
  explicit LeaseService(const Deps& deps) : deps_(deps) {}

 private:
  Deps deps_;
};

}  // namespace seatwise::service
