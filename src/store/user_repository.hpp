#pragma once
// Users (one identity per e-mail across the instance) and their team memberships.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

// A member of a team as listed to admins.
struct TeamMember {
  core::User user;
  core::Membership membership;
  // Set by the user list for a pending member whose latest invitation to the team passed its
  // expiry unaccepted (its expiry); the team's admins resend it.
  std::optional<core::TimePoint> invitation_expired_at{};
};

struct MemberFilter {
  std::optional<core::MembershipStatus> status;  // default: every status but removed
  std::optional<core::TeamRole> role;
  std::string search;  // case-insensitive substring of e-mail, first or last name
  bool include_removed = false;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // kAlreadyExists when the e-mail is taken in any letter case.
  virtual Result<core::User> Create(Tx& tx, core::User user) = 0;
  virtual Result<core::User> Get(Tx& tx, const std::string& id) = 0;
  // Case-insensitive.
  virtual Result<std::optional<core::User>> FindByEmail(Tx& tx, const std::string& email) = 0;
  // Writes every mutable field of `user` (identified by id).
  virtual Result<void> Update(Tx& tx, const core::User& user) = 0;
  // GDPR erasure: replaces personal data with placeholders, keeps the id for aggregates.
  // Idempotent.
  virtual Result<void> Erase(Tx& tx, const std::string& id, core::TimePoint now) = 0;
  virtual Result<Page<core::User>> List(Tx& tx, const PageRequest& page) = 0;
  // The publisher's staff who may still sign in (not removed, not erased), by id.
  virtual Result<std::vector<core::User>> ListOperators(Tx& tx) = 0;
  // Staff of a reseller who are not removed or erased, by e-mail (case-insensitive).
  virtual Result<std::vector<core::User>> ListResellerStaff(Tx& tx,
                                                            const std::string& reseller_id) = 0;
  // How many people ListResellerStaff would list.
  virtual Result<std::int64_t> CountResellerStaff(Tx& tx, const std::string& reseller_id) = 0;
  // Records that the user's TOTP code of time step `step` was used. False (nothing written)
  // when that step or a later one was already used: the code is a replay.
  virtual Result<bool> ClaimTotpStep(Tx& tx, const std::string& id, std::int64_t step) = 0;

  // kAlreadyExists when the user is already in the team or the team already has a Primary
  // Admin (message names memberships_one_primary_admin).
  virtual Result<void> AddMembership(Tx& tx, const core::Membership& membership) = 0;
  virtual Result<std::optional<core::Membership>> GetMembership(Tx& tx, const std::string& team_id,
                                                                const std::string& user_id) = 0;
  // Writes role, status, accepted_at, removed_at of an existing membership.
  virtual Result<void> UpdateMembership(Tx& tx, const core::Membership& membership) = 0;
  // Every team the user belongs to (removed ones included), by team id.
  virtual Result<std::vector<core::Membership>> ListMemberships(Tx& tx,
                                                                const std::string& user_id) = 0;
  virtual Result<std::optional<TeamMember>> FindPrimaryAdmin(Tx& tx,
                                                             const std::string& team_id) = 0;
  // Members of a team ordered by user id; the cursor is the user id.
  virtual Result<Page<TeamMember>> ListTeamMembers(Tx& tx, const std::string& team_id,
                                                   const MemberFilter& filter,
                                                   const PageRequest& page) = 0;
  // Members whose membership changed status (added or removed) in [from, to).
  virtual Result<std::vector<TeamMember>> ListMembersChangedBetween(Tx& tx,
                                                                    const std::string& team_id,
                                                                    core::TimePoint from,
                                                                    core::TimePoint to) = 0;
};

}  // namespace seatwise::store
