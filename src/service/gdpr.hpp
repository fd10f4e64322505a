#pragma once
// GDPR data subject rights: export of everything stored about a person (Art. 15/20) and
// erasure (Art. 17), which anonymises personal data but keeps aggregate usage and credits.

#include <optional>
#include <string>

#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

// What an erasure did; `already_erased` when a previous call had done it all (no change).
struct ErasureOutcome {
  std::string user_id;
  bool already_erased = false;
};

class GdprService {
 public:
  explicit GdprService(Deps& deps);

  // GET /me/export: a JSON document of everything stored about the caller: profile,
  // memberships and roles, contracts where they are CM or SC, assignments, devices they
  // last used, activations, leases, usage events, credit entries, invitations, sessions,
  // API tokens and audit entries where they are the actor. Never a password hash, TOTP
  // secret or token hash.
  core::Result<std::string> ExportMyData(const Caller& caller);

  // Erases `user_id`: allowed to the user themself, an operator, or a Primary/Secondary Admin
  // of `team_id` when the person accepted a membership of that team and every relation they
  // have lies in the team's customer account (AuthorizeIdentityAct; strangers to the team's
  // customer: concealed). `team_id` is empty for a person erasing themself. Anonymises the profile,
  // revokes sessions, API, refresh and access tokens, unassigns seats, releases leases, revokes
  // activations, blanks IPs in audit entries they caused, deletes invitations, password resets
  // and recovery codes; keeps usage rollups, credit totals and event counts. Refused with
  // kFailedPrecondition while the user is a team's Primary Admin or a contract's Contract
  // Manager. Idempotent. Audited as user.erase without personal data.
  core::Result<ErasureOutcome> EraseUser(const Caller& caller,
                                         const std::optional<std::string>& team_id,
                                         const std::string& user_id);

 private:
  Deps& deps_;
};

}  // namespace seatwise::service
