#pragma once
// Who holds the seats: the team's products, assignment by product and by user, classic serial
// access.
//
// Who may: kManageUsers. Operators, the team's Primary and Secondary Admins reach every
// subscription of the team; a Software Coordinator only the subscriptions of their own
// contracts. The seat invariant is the database's (AssignmentRepository::AssignSeat): nothing
// here counts seats in memory before writing.

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"
#include "store/page.hpp"
#include "store/user_repository.hpp"

namespace seatwise::service {

class IdentityService;

// The most people or subscriptions one bulk request may name.
inline constexpr std::size_t kMaxBulkAssignees = 1000;

// What a subscription sells, as a person reads it.
struct SubscriptionItem {
  std::string kind;  // "product", "collection" or "service"
  std::string id;
  std::string code;
  std::string name;
};

// One seat pool of the team, with what it grants and how many seats are free.
struct TeamProduct {
  core::Subscription subscription;
  core::Contract contract;
  SubscriptionItem item;
  std::vector<core::Product> products;  // what a seat grants: a collection grants every product
  int assigned = 0;
  int available() const {
    return subscription.seats > assigned ? subscription.seats - assigned : 0;
  }
  // The subscription's own end, or the contract's.
  core::TimePoint ends_at() const { return subscription.ends_at.value_or(contract.ends_at); }
};

// A seat a user holds.
struct HeldProduct {
  TeamProduct product;
  core::Assignment assignment;
};

// A user's products in a team; `assignable` is filled for admins only.
struct UserProducts {
  core::User user;
  std::vector<HeldProduct> held;
  bool admin_view = false;
  std::vector<TeamProduct> assignable;  // a free seat the user does not hold
};

// One holder of a subscription's seats.
struct SubscriptionHolder {
  core::User user;
  std::optional<core::TeamRole> role;  // unset when no longer a member of the team
  bool primary_admin = false;
  bool contract_manager = false;
  core::Assignment assignment;
};

// Who to assign: user ids and/or e-mail addresses of members of the team.
struct Assignees {
  std::vector<std::string> user_ids;
  std::vector<std::string> emails;
};

struct BulkAssignment {
  std::vector<core::Assignment> assigned;
  std::vector<std::string> already_assigned;  // user ids (by product) or subscription ids (by user)
};

struct Unassignment {
  core::Assignment assignment;  // now ended
  int activations_revoked = 0;
};

// Classic user management of a serial-number contract.
struct ClassicUser {
  store::TeamMember member;
  std::vector<std::string> subscription_ids;  // the serial subscriptions they may use
};
struct ClassicUsers {
  core::Contract contract;
  std::vector<TeamProduct> subscriptions;  // the contract's serial-number subscriptions
  std::vector<ClassicUser> users;
};
struct AccessChange {
  std::vector<std::string> before;  // subscription ids
  std::vector<std::string> after;
  std::vector<std::string> added;
  std::vector<std::string> removed;
  int activations_revoked = 0;
};

class AssignmentService {
 public:
  AssignmentService(const Deps& deps, IdentityService& identity, std::string public_url)
      : deps_(deps), identity_(identity), public_url_(std::move(public_url)) {}

  // Every subscription of the team's contracts the caller may manage.
  core::Result<std::vector<TeamProduct>> ListTeamProducts(const Caller& caller,
                                                          const std::string& team_id);

  // The user's seats in the team; admins also get what could still be assigned to them.
  // Open to admins and to the user themselves.
  core::Result<UserProducts> ListUserProducts(const Caller& caller, const std::string& team_id,
                                              const std::string& user_id);

  core::Result<store::Page<SubscriptionHolder>> ListHolders(const Caller& caller,
                                                            const std::string& team_id,
                                                            const std::string& subscription_id,
                                                            const store::PageRequest& page);

  // One seat for one member. kAlreadyExists when they hold one; kSeatLimitReached naming who
  // holds the seats when the subscription is full.
  core::Result<core::Assignment> Assign(const Caller& caller, const std::string& team_id,
                                        const std::string& subscription_id,
                                        const std::string& user_id);

  // Seats for many members, all or nothing; those already holding one are reported.
  core::Result<BulkAssignment> AssignMany(const Caller& caller, const std::string& team_id,
                                          const std::string& subscription_id,
                                          const Assignees& assignees);

  // Ends the seat and revokes the user's sign-in activations of the subscription.
  core::Result<Unassignment> Unassign(const Caller& caller, const std::string& team_id,
                                      const std::string& subscription_id,
                                      const std::string& user_id);
  core::Result<std::vector<Unassignment>> UnassignMany(const Caller& caller,
                                                       const std::string& team_id,
                                                       const std::string& subscription_id,
                                                       const std::vector<std::string>& user_ids);

  // Many subscriptions to one member, all or nothing; already held ones are reported.
  core::Result<BulkAssignment> AssignToUser(const Caller& caller, const std::string& team_id,
                                            const std::string& user_id,
                                            const std::vector<std::string>& subscription_ids);

  // The team's members and which of the contract's serial subscriptions each may use.
  core::Result<ClassicUsers> ListClassicUsers(const Caller& caller, const std::string& contract_id);

  // Sets the whole set of the contract's serial subscriptions the user may use: ticked ones
  // assigned, unticked ones unassigned, in one transaction.
  core::Result<AccessChange> SetClassicAccess(const Caller& caller, const std::string& contract_id,
                                              const std::string& user_id,
                                              const std::vector<std::string>& subscription_ids);

 private:
  Deps deps_;
  IdentityService& identity_;
  std::string public_url_;  // origin of the portal, for links in e-mails
};

}  // namespace seatwise::service
