#pragma once
// Contracts as their Contract Manager sees them: Billing & Orders, renewal review, company
// information changes, and the cloud-credit ledger.

#include <string>

#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

class IdentityService;

class ContractService {
 public:
  ContractService(const Deps& deps, IdentityService& identity, std::string public_url)
      : deps_(deps), identity_(identity), public_url_(std::move(public_url)) {}

 private:
  Deps deps_;
  IdentityService& identity_;
  std::string public_url_;  // origin of the portal, for links in e-mails
};

}  // namespace seatwise::service
