#pragma once
// Customer accounts and the orders resellers place for them.

#include <string>

#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

class IdentityService;

class OrderService {
 public:
  OrderService(const Deps& deps, IdentityService& identity, std::string public_url)
      : deps_(deps), identity_(identity), public_url_(std::move(public_url)) {}

 private:
  Deps deps_;
  IdentityService& identity_;
  std::string public_url_;  // origin of the portal, for links in e-mails
};

}  // namespace seatwise::service
