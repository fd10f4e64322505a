#include "service/assignments.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/json_writer.hpp"
#include "service/mail.hpp"
#include "service/users.hpp"
#include "service/webhooks.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MembershipStatus;
using core::Result;

// Names and objects looked up once per transaction.
struct Lookups {
  std::map<std::string, core::Contract> contracts;
  std::map<std::string, core::Product> products;
};

Result<core::Contract> ContractOf(store::Tx& tx, const Deps& deps, Lookups& seen,
                                  const std::string& id) {
  auto it = seen.contracts.find(id);
  if (it != seen.contracts.end()) return it->second;
  SW_ASSIGN_OR_RETURN(core::Contract contract, deps.repos.contracts->GetContract(tx, id));
  seen.contracts.emplace(id, contract);
  return contract;
}

Result<core::Product> ProductOf(store::Tx& tx, const Deps& deps, Lookups& seen,
                                const std::string& id) {
  auto it = seen.products.find(id);
  if (it != seen.products.end()) return it->second;
  SW_ASSIGN_OR_RETURN(core::Product product, deps.repos.catalog->GetProduct(tx, id));
  seen.products.emplace(id, product);
  return product;
}

// The subscription with its contract, what it sells and grants, and `assigned` seats.
Result<TeamProduct> Describe(store::Tx& tx, const Deps& deps, Lookups& seen,
                             const core::Subscription& sub, int assigned) {
  TeamProduct out;
  out.subscription = sub;
  out.assigned = assigned;
  SW_ASSIGN_OR_RETURN(out.contract, ContractOf(tx, deps, seen, sub.contract_id));
  if (sub.product_id) {
    SW_ASSIGN_OR_RETURN(core::Product product, ProductOf(tx, deps, seen, *sub.product_id));
    out.item = {"product", product.id, product.code, product.name};
  } else if (sub.collection_id) {
    SW_ASSIGN_OR_RETURN(core::Collection c,
                        deps.repos.catalog->GetCollection(tx, *sub.collection_id));
    out.item = {"collection", c.id, c.code, c.name};
  } else if (sub.service_id) {
    SW_ASSIGN_OR_RETURN(core::Service s, deps.repos.catalog->GetService(tx, *sub.service_id));
    out.item = {"service", s.id, s.code, s.name};
  }
  SW_ASSIGN_OR_RETURN(auto granted, deps.repos.contracts->GrantedProducts(tx, sub.id));
  for (const auto& id : granted) {
    SW_ASSIGN_OR_RETURN(core::Product product, ProductOf(tx, deps, seen, id));
    out.products.push_back(std::move(product));
  }
  return out;
}

Result<TeamProduct> DescribeCounted(store::Tx& tx, const Deps& deps, Lookups& seen,
                                    const core::Subscription& sub) {
  SW_ASSIGN_OR_RETURN(int assigned, deps.repos.assignments->CountActive(tx, sub.id));
  return Describe(tx, deps, seen, sub, assigned);
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The caller may manage users of the team; for a Software Coordinator only of
// `authz.contract_ids`.
Result<Authorization> AuthorizeTeam(store::Tx& tx, const Deps& deps, const Caller& caller,
                                    const std::string& team_id) {
  return Authorize(tx, deps, caller.principal, core::Capability::kManageUsers,
                   Scope{team_id, {}, {}});
}

bool Reaches(const Authorization& authz, const std::string& contract_id) {
  return authz.grant != core::Grant::kOwnContracts || Contains(authz.contract_ids, contract_id);
}

// The subscription, which must belong to the team and be within the caller's reach.
Result<core::Subscription> SubscriptionInReach(store::Tx& tx, const Deps& deps,
                                               const Authorization& authz,
                                               const std::string& team_id,
                                               const std::string& subscription_id) {
  auto sub = deps.repos.contracts->GetSubscription(tx, subscription_id);
  if (!sub.ok()) {
    if (sub.error().code != ErrorCode::kNotFound) return std::move(sub).error();
    return core::MakeError(ErrorCode::kNotFound,
                           "subscription " + subscription_id + " does not exist in this team");
  }
  SW_ASSIGN_OR_RETURN(core::Contract contract,
                      deps.repos.contracts->GetContract(tx, sub->contract_id));
  if (contract.team_id != team_id) {
    return core::MakeError(ErrorCode::kNotFound,
                           "subscription " + subscription_id + " does not exist in this team");
  }
  if (!Reaches(authz, contract.id)) {
    return core::MakeError(ErrorCode::kPermissionDenied,
                           "a Software Coordinator manages only the users of their own contract; "
                           "ask the team's Primary Admin or a Secondary Admin to manage contract " +
                               contract.number);
  }
  return std::move(sub).value();
}

// An ended contract has no seats to give.
Result<void> CheckContractOpen(const TeamProduct& product) {
  const auto status = product.contract.status;
  if (status == core::ContractStatus::kExpired || status == core::ContractStatus::kSuspended ||
      status == core::ContractStatus::kCancelled) {
    return core::MakeError(ErrorCode::kConflict,
                           "contract " + product.contract.number + " is " +
                               std::string(core::EnumName(status)) + "; its seats of " +
                               product.item.name +
                               " cannot be assigned until the contract is renewed");
  }
  return core::Ok();
}

// The refusal of a network pool named where people are given seats.
core::Error NetworkIsShared(const TeamProduct& product) {
  return core::MakeError(ErrorCode::kConflict,
                         product.item.name +
                             " is a network (multi-user) license: it is shared, not assigned to "
                             "people; computers take one of its " +
                             std::to_string(product.subscription.seats) +
                             " seats from the pool while the product runs");
}

// "If the product is available to be assigned on the 'by user' page, then it is a 'sign in'
// license … 'classic user management' … 'serial number'": By user and By product give and
// take only sign-in seats. Seats of a network pool go to devices; serial-number access is
// managed in classic user management.
Result<void> CheckSignInSeat(const TeamProduct& product) {
  if (product.subscription.access == core::Access::kMultiUser) return NetworkIsShared(product);
  if (product.subscription.activation == core::ActivationMethod::kSerialNumber) {
    return core::MakeError(ErrorCode::kConflict,
                           product.item.name + " on contract " + product.contract.number +
                               " is a serial-number license: give or remove access to it in "
                               "classic user management (edit access), not by user or by "
                               "product");
  }
  return core::Ok();
}

// A sign-in seat of an open contract: what By user and By product may assign.
Result<void> CheckAssignable(const TeamProduct& product) {
  SW_RETURN_IF_ERROR(CheckSignInSeat(product));
  return CheckContractOpen(product);
}

bool IsClassic(const core::Subscription& sub) {
  return sub.activation == core::ActivationMethod::kSerialNumber &&
         sub.access == core::Access::kSingleUser;
}

std::string AssignmentJson(const core::Assignment& a) {
  JsonWriter json;
  json.BeginObject()
      .Key("id")
      .String(a.id)
      .Key("subscription_id")
      .String(a.subscription_id)
      .Key("user_id")
      .String(a.user_id)
      .Key("assigned_at")
      .Time(a.assigned_at)
      .Key("active")
      .Bool(a.active())
      .EndObject();
  return json.str();
}

std::string IdListJson(const std::vector<std::string>& ids) {
  JsonWriter json;
  json.BeginArray();
  for (const auto& id : ids) json.String(id);
  json.EndArray();
  return json.str();
}

std::optional<std::string> ActorOf(const Caller& caller) {
  if (caller.principal.user_id.empty()) return std::nullopt;
  return caller.principal.user_id;
}

// Why every seat is taken, naming the Primary Admin or Contract Manager when they hold one:
// the seat the PA got by default is the usual one to hand on.
Result<std::string> FullMessage(store::Tx& tx, const Deps& deps, const TeamProduct& product) {
  std::vector<core::Assignment> holders;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(auto batch, deps.repos.assignments->ListActiveBySubscription(
                                        tx, product.subscription.id, page));
    for (auto& a : batch.items) holders.push_back(std::move(a));
    if (batch.next_after.empty()) break;
    page.after = batch.next_after;
  }
  auto holds = [&](const std::string& user_id) {
    return std::any_of(holders.begin(), holders.end(),
                       [&](const core::Assignment& a) { return a.user_id == user_id; });
  };
  const std::string head = "all " + std::to_string(product.subscription.seats) + " seats of " +
                           product.item.name + " are assigned";
  SW_ASSIGN_OR_RETURN(auto pa, deps.repos.users->FindPrimaryAdmin(tx, product.contract.team_id));
  const std::string& cm_id = product.contract.contract_manager_id;
  const bool pa_holds = pa && holds(pa->user.id);
  const bool cm_holds = !cm_id.empty() && holds(cm_id);
  if (pa_holds && cm_holds && pa->user.id == cm_id) {
    return head + "; 1 is held by the Primary Admin and Contract Manager " + pa->user.email +
           " — unassign it first";
  }
  std::optional<core::User> cm;
  if (cm_holds) {
    SW_ASSIGN_OR_RETURN(cm, deps.repos.users->Get(tx, cm_id));
  }
  if (pa_holds && cm_holds) {
    return head + "; 2 are held by the Primary Admin " + pa->user.email +
           " and the Contract Manager " + cm->email + " — unassign one first";
  }
  if (pa_holds) {
    return head + "; 1 is held by the Primary Admin " + pa->user.email + " — unassign it first";
  }
  if (cm_holds) {
    return head + "; 1 is held by the Contract Manager " + cm->email + " — unassign it first";
  }
  const std::size_t n = holders.size();
  return head + ", held by " + std::to_string(n) + (n == 1 ? " user" : " users") +
         " — unassign one first";
}

// A member the seat can go to.
struct Assignee {
  core::User user;
  core::Membership membership;
};

// The person must be an invited or active member of the team.
Result<std::optional<Assignee>> MemberOf(store::Tx& tx, const Deps& deps,
                                         const std::string& team_id, const std::string& user_id) {
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, team_id, user_id));
  if (!membership || membership->status == MembershipStatus::kRemoved) {
    return std::optional<Assignee>();
  }
  SW_ASSIGN_OR_RETURN(core::User user, deps.repos.users->Get(tx, user_id));
  return std::optional<Assignee>(Assignee{std::move(user), std::move(*membership)});
}

// Resolves ids and e-mails to members, one field error per entry that is not one.
Result<std::vector<Assignee>> ResolveAssignees(store::Tx& tx, const Deps& deps,
                                               const std::string& team_id, const Assignees& wanted,
                                               bool single) {
  std::vector<Assignee> out;
  std::set<std::string> seen;
  std::vector<core::FieldError> errors;
  auto add = [&](const std::string& field, const std::optional<std::string>& user_id,
                 const std::string& shown) -> Result<void> {
    std::optional<Assignee> member;
    if (user_id) {
      SW_ASSIGN_OR_RETURN(member, MemberOf(tx, deps, team_id, *user_id));
    }
    if (!member) {
      errors.push_back({field, shown + " is not a member of this team; invite them first"});
      return core::Ok();
    }
    if (seen.insert(member->user.id).second) out.push_back(std::move(*member));
    return core::Ok();
  };
  for (std::size_t i = 0; i < wanted.user_ids.size(); ++i) {
    const std::string field = single ? "user_id" : "user_ids[" + std::to_string(i) + "]";
    SW_RETURN_IF_ERROR(add(field, wanted.user_ids[i], wanted.user_ids[i]));
  }
  for (std::size_t i = 0; i < wanted.emails.size(); ++i) {
    SW_ASSIGN_OR_RETURN(auto user, deps.repos.users->FindByEmail(tx, wanted.emails[i]));
    std::optional<std::string> id;
    if (user) id = user->id;
    SW_RETURN_IF_ERROR(add("emails[" + std::to_string(i) + "]", id, wanted.emails[i]));
  }
  if (!errors.empty()) {
    core::Error error = core::MakeError(
        ErrorCode::kInvalidArgument,
        errors.size() == 1 ? errors[0].message
                           : std::to_string(errors.size()) +
                                 " of the people named are not members of this team; nothing "
                                 "was assigned");
    error.fields = std::move(errors);
    return error;
  }
  return out;
}

// Everything one new seat needs besides the seat itself.
struct SeatContext {
  const Deps& deps;
  const Caller& caller;
  const core::Team& team;
  const std::string& public_url;
};

// Takes one seat for the member (the database refuses past the seat count) and queues their
// e-mail. A full subscription is answered with who holds its seats.
Result<core::Assignment> TakeSeat(store::Tx& tx, const SeatContext& ctx, const TeamProduct& product,
                                  const Assignee& member) {
  core::Assignment a;
  a.subscription_id = product.subscription.id;
  a.user_id = member.user.id;
  a.assigned_by = ActorOf(ctx.caller);
  a.assigned_at = ctx.deps.clock.Now();
  auto taken = ctx.deps.repos.assignments->AssignSeat(tx, a);
  if (!taken.ok()) {
    core::Error error = std::move(taken).error();
    if (error.code == ErrorCode::kSeatLimitReached) {
      // AssignSeat refuses without a failed statement, so the transaction still reads.
      SW_ASSIGN_OR_RETURN(error.message, FullMessage(tx, ctx.deps, product));
    } else if (error.code == ErrorCode::kAlreadyExists) {
      error.message = member.user.email + " already holds a seat of " + product.item.name;
    }
    return error;
  }
  // Read after the pool's lock: a move of the contract to another team that committed while
  // this waited is seen here, and the seat is not taken in a team the contract left.
  SW_ASSIGN_OR_RETURN(core::Contract contract,
                      ctx.deps.repos.contracts->GetContract(tx, product.subscription.contract_id));
  if (contract.team_id != ctx.team.id) {
    return core::MakeError(ErrorCode::kConflict,
                           "contract " + contract.number + " moved to another team while " +
                               product.item.name + " was being assigned; nothing was assigned");
  }
  const bool pending = member.membership.status == MembershipStatus::kInvited;
  const std::string sign_in = ctx.public_url + "/sign-in";
  Email email;
  email.event_key = "assignment:" + taken->id;
  email.template_name = "assignment";
  email.to = &member.user;
  email.team_id = ctx.team.id;
  email.action_url = sign_in;
  email.subject = product.item.name + " is assigned to you";
  email.body = "You can now use " + product.item.name + " in the team " + ctx.team.name + ".\n\n" +
               (pending ? "Your invitation e-mail lets you set a password first; then sign in at " +
                              sign_in + " to start using it."
                        : "Sign in at " + sign_in + " to start using it.");
  JsonWriter payload;
  payload.BeginObject()
      .Key("assignment_id")
      .String(taken->id)
      .Key("subscription_id")
      .String(product.subscription.id)
      .Key("team_id")
      .String(ctx.team.id)
      .EndObject();
  email.payload_json = payload.str();
  SW_ASSIGN_OR_RETURN(bool queued, EnqueueEmail(tx, ctx.deps, email));
  (void)queued;
  return std::move(taken).value();
}

// The webhook event of a seat taken or given back.
Result<void> SeatEvent(store::Tx& tx, const Deps& deps, const std::string& team_id,
                       std::string_view event, const core::Assignment& a,
                       const TeamProduct& product, const std::string& email) {
  SW_RETURN_IF_ERROR(EnqueueWebhookEvent(
      tx, deps, team_id, event,
      "{\"assignment_id\":" + JsonQuote(a.id) + ",\"subscription_id\":" +
          JsonQuote(a.subscription_id) + ",\"user_id\":" + JsonQuote(a.user_id) +
          ",\"email\":" + JsonQuote(email) + ",\"product\":" + JsonQuote(product.item.name) + "}",
      std::string(event) + ":" + a.id));
  return core::Ok();
}

Result<void> AuditCreated(store::Tx& tx, const SeatContext& ctx, const Authorization& authz,
                          const TeamProduct& product, const core::Assignment& a,
                          const core::User& user) {
  AuditRecord record;
  record.action = "assignment.create";
  record.target_type = "assignment";
  record.target_id = a.id;
  record.team_id = ctx.team.id;
  record.account_id = ctx.team.account_id;
  record.actor_role = std::string(core::RoleName(authz.role));
  record.before_json = "null";
  record.after_json = AssignmentJson(a);
  record.detail = product.item.name + " assigned to " + user.email;
  SW_RETURN_IF_ERROR(Audit(tx, ctx.deps, ctx.caller, record));
  return SeatEvent(tx, ctx.deps, ctx.team.id, "seat.assigned", a, product, user.email);
}

// Ends the seat and revokes the user's activations of it.
Result<Unassignment> EndSeat(store::Tx& tx, const Deps& deps, const Caller& caller,
                             const TeamProduct& product, const std::string& user_id) {
  const auto now = deps.clock.Now();
  SW_ASSIGN_OR_RETURN(auto active,
                      deps.repos.assignments->FindActive(tx, product.subscription.id, user_id));
  if (!active) {
    auto user = deps.repos.users->Get(tx, user_id);
    const std::string who = user.ok() ? user->email : "user " + user_id;
    return core::MakeError(ErrorCode::kNotFound,
                           who + " holds no seat of " + product.item.name + " to unassign");
  }
  Unassignment out;
  SW_ASSIGN_OR_RETURN(
      out.assignment,
      deps.repos.assignments->Unassign(tx, product.subscription.id, user_id, ActorOf(caller), now));
  SW_ASSIGN_OR_RETURN(out.activations_revoked, deps.repos.activations->RevokeForUser(
                                                   tx, user_id, {product.subscription.id},
                                                   core::RevocationReason::kUnassigned, now));
  return out;
}

Result<void> AuditEnded(store::Tx& tx, const Deps& deps, const Caller& caller,
                        const Authorization& authz, const core::Team& team,
                        const TeamProduct& product, const Unassignment& ended) {
  core::Assignment before = ended.assignment;
  before.unassigned_at.reset();
  AuditRecord record;
  record.action = "assignment.delete";
  record.target_type = "assignment";
  record.target_id = ended.assignment.id;
  record.team_id = team.id;
  record.account_id = team.account_id;
  record.actor_role = std::string(core::RoleName(authz.role));
  record.before_json = AssignmentJson(before);
  record.after_json = AssignmentJson(ended.assignment);
  record.detail = product.item.name + " unassigned from " + ended.assignment.user_id + "; " +
                  std::to_string(ended.activations_revoked) + " activations revoked";
  SW_RETURN_IF_ERROR(Audit(tx, deps, caller, record));
  auto holder = deps.repos.users->Get(tx, ended.assignment.user_id);
  return SeatEvent(tx, deps, team.id, "seat.unassigned", ended.assignment, product,
                   holder.ok() ? holder->email : std::string());
}

AuditRecord Attempt(const std::string& action, const std::string& target_type,
                    const std::string& target_id, const std::optional<std::string>& team_id) {
  AuditRecord record;
  record.action = action;
  record.target_type = target_type;
  record.target_id = target_id;
  record.team_id = team_id;
  return record;
}

// A team's subscription whose seats the caller may manage, described with its seat count.
struct SeatPool {
  core::Team team;
  Authorization authz;
  TeamProduct product;
};

Result<SeatPool> OpenSeatPool(store::Tx& tx, const Deps& deps, const Caller& caller,
                              const std::string& team_id, const std::string& subscription_id) {
  SeatPool pool;
  SW_ASSIGN_OR_RETURN(pool.team, deps.repos.accounts->GetTeam(tx, team_id));
  SW_ASSIGN_OR_RETURN(pool.authz, AuthorizeTeam(tx, deps, caller, team_id));
  SW_ASSIGN_OR_RETURN(core::Subscription sub,
                      SubscriptionInReach(tx, deps, pool.authz, team_id, subscription_id));
  Lookups seen;
  SW_ASSIGN_OR_RETURN(pool.product, DescribeCounted(tx, deps, seen, sub));
  return pool;
}

// kInvalidArgument carrying `errors`: the message of the only one, or `several`.
core::Error InvalidSubscriptions(std::vector<core::FieldError> errors, std::string several) {
  core::Error error = core::MakeError(ErrorCode::kInvalidArgument,
                                      errors.size() == 1 ? errors[0].message : std::move(several));
  error.fields = std::move(errors);
  return error;
}

// The refusal of a bulk request naming none, or more than kMaxBulkAssignees, `what`.
core::Error NameOneToMax(const std::string& what) {
  return core::MakeError(ErrorCode::kInvalidArgument,
                         "name 1 to " + std::to_string(kMaxBulkAssignees) + " " + what);
}

Result<std::vector<store::TeamMember>> AllMembers(store::Tx& tx, const Deps& deps,
                                                  const std::string& team_id) {
  std::vector<store::TeamMember> out;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(
        auto batch, deps.repos.users->ListTeamMembers(tx, team_id, store::MemberFilter{}, page));
    // As the team may see them: a pending member as the inviter typed them.
    for (auto& m : batch.items) out.push_back(AsTeamSeesIt(std::move(m)));
    if (batch.next_after.empty()) return out;
    page.after = batch.next_after;
  }
}

}  // namespace

Result<std::vector<TeamProduct>> AssignmentService::ListTeamProducts(const Caller& caller,
                                                                     const std::string& team_id) {
  return ReadAudited<std::vector<TeamProduct>>(
      deps_, caller, Attempt("assignment.list_products", "team", team_id, team_id),
      [&](store::Tx& tx) -> Result<std::vector<TeamProduct>> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeTeam(tx, deps_, caller, team_id));
        SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListTeamSubscriptions(tx, team_id));
        SW_ASSIGN_OR_RETURN(auto counts, deps_.repos.assignments->CountSeatsInTeam(tx, team_id));
        std::map<std::string, int> assigned;
        for (const auto& c : counts) assigned[c.subscription_id] = c.assigned;
        Lookups seen;
        std::vector<TeamProduct> out;
        for (const auto& sub : subs) {
          if (!Reaches(authz, sub.contract_id)) continue;
          SW_ASSIGN_OR_RETURN(TeamProduct product,
                              Describe(tx, deps_, seen, sub, assigned[sub.id]));
          out.push_back(std::move(product));
        }
        return out;
      });
}

Result<UserProducts> AssignmentService::ListUserProducts(const Caller& caller,
                                                         const std::string& team_id,
                                                         const std::string& user_id) {
  return ReadAudited<UserProducts>(
      deps_, caller, Attempt("assignment.list_user_products", "user", user_id, team_id),
      [&](store::Tx& tx) -> Result<UserProducts> {
        auto authz = AuthorizeTeam(tx, deps_, caller, team_id);
        const bool self = caller.principal.authenticated() && caller.principal.user_id == user_id;
        if (!authz.ok()) {
          if (!self || authz.error().code != ErrorCode::kPermissionDenied) {
            return std::move(authz).error();
          }
        }
        SW_ASSIGN_OR_RETURN(auto member, MemberOf(tx, deps_, team_id, user_id));
        if (!member) {
          if (!authz.ok()) return std::move(authz).error();
          return core::MakeError(ErrorCode::kNotFound,
                                 "user " + user_id + " is not a member of this team");
        }
        if (!authz.ok() && member->membership.status != MembershipStatus::kActive) {
          return std::move(authz).error();
        }
        UserProducts out;
        out.user =
            AsTeamSeesIt(store::TeamMember{std::move(member->user), member->membership}).user;
        out.admin_view = authz.ok();
        SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListTeamSubscriptions(tx, team_id));
        SW_ASSIGN_OR_RETURN(auto counts, deps_.repos.assignments->CountSeatsInTeam(tx, team_id));
        std::map<std::string, int> assigned;
        for (const auto& c : counts) assigned[c.subscription_id] = c.assigned;
        SW_ASSIGN_OR_RETURN(auto held, deps_.repos.assignments->ListActiveByUser(tx, user_id));
        std::map<std::string, core::Assignment> held_by_sub;
        for (auto& a : held) held_by_sub.emplace(a.subscription_id, std::move(a));
        Lookups seen;
        for (const auto& sub : subs) {
          if (out.admin_view && !Reaches(*authz, sub.contract_id)) continue;
          auto it = held_by_sub.find(sub.id);
          if (it == held_by_sub.end() && !out.admin_view) continue;
          SW_ASSIGN_OR_RETURN(TeamProduct product,
                              Describe(tx, deps_, seen, sub, assigned[sub.id]));
          if (it != held_by_sub.end()) {
            out.held.push_back({std::move(product), it->second});
          } else if (product.available() > 0 && CheckAssignable(product).ok()) {
            out.assignable.push_back(std::move(product));
          }
        }
        return out;
      });
}

Result<store::Page<SubscriptionHolder>> AssignmentService::ListHolders(
    const Caller& caller, const std::string& team_id, const std::string& subscription_id,
    const store::PageRequest& page) {
  return ReadAudited<store::Page<SubscriptionHolder>>(
      deps_, caller, Attempt("assignment.list_holders", "subscription", subscription_id, team_id),
      [&](store::Tx& tx) -> Result<store::Page<SubscriptionHolder>> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeTeam(tx, deps_, caller, team_id));
        SW_ASSIGN_OR_RETURN(core::Subscription sub,
                            SubscriptionInReach(tx, deps_, authz, team_id, subscription_id));
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, sub.contract_id));
        SW_ASSIGN_OR_RETURN(auto assignments,
                            deps_.repos.assignments->ListActiveBySubscription(tx, sub.id, page));
        store::Page<SubscriptionHolder> out;
        out.next_after = assignments.next_after;
        for (auto& a : assignments.items) {
          SubscriptionHolder holder;
          SW_ASSIGN_OR_RETURN(holder.user, deps_.repos.users->Get(tx, a.user_id));
          holder.user.password_hash.reset();
          holder.user.totp_secret.reset();
          SW_ASSIGN_OR_RETURN(auto membership,
                              deps_.repos.users->GetMembership(tx, team_id, a.user_id));
          if (membership) {
            // A pending member is shown as the inviter typed them (DOMAIN.md rule 15).
            holder.user = AsTeamSeesIt(store::TeamMember{std::move(holder.user), *membership}).user;
          }
          if (membership && membership->status != MembershipStatus::kRemoved) {
            holder.role = membership->role;
            holder.primary_admin = membership->role == core::TeamRole::kPrimaryAdmin;
          }
          holder.contract_manager = contract.contract_manager_id == a.user_id;
          holder.assignment = std::move(a);
          out.items.push_back(std::move(holder));
        }
        return out;
      });
}

Result<core::Assignment> AssignmentService::Assign(const Caller& caller, const std::string& team_id,
                                                   const std::string& subscription_id,
                                                   const std::string& user_id) {
  Assignees one;
  one.user_ids.push_back(user_id);
  return RunAudited<core::Assignment>(
      deps_, caller, Attempt("assignment.create", "subscription", subscription_id, team_id),
      [&](store::Tx& tx) -> Result<core::Assignment> {
        SW_ASSIGN_OR_RETURN(SeatPool pool,
                            OpenSeatPool(tx, deps_, caller, team_id, subscription_id));
        const core::Team& team = pool.team;
        const Authorization& authz = pool.authz;
        const TeamProduct& product = pool.product;
        SW_RETURN_IF_ERROR(CheckAssignable(product));
        SW_ASSIGN_OR_RETURN(auto members, ResolveAssignees(tx, deps_, team_id, one, true));
        const SeatContext ctx{deps_, caller, team, public_url_};
        SW_ASSIGN_OR_RETURN(core::Assignment a, TakeSeat(tx, ctx, product, members.at(0)));
        SW_RETURN_IF_ERROR(AuditCreated(tx, ctx, authz, product, a, members[0].user));
        return a;
      });
}

Result<BulkAssignment> AssignmentService::AssignMany(const Caller& caller,
                                                     const std::string& team_id,
                                                     const std::string& subscription_id,
                                                     const Assignees& assignees) {
  const std::size_t named = assignees.user_ids.size() + assignees.emails.size();
  if (named == 0 || named > kMaxBulkAssignees) {
    return NameOneToMax("people in user_ids or emails");
  }
  return RunAudited<BulkAssignment>(
      deps_, caller, Attempt("assignment.create", "subscription", subscription_id, team_id),
      [&](store::Tx& tx) -> Result<BulkAssignment> {
        SW_ASSIGN_OR_RETURN(SeatPool pool,
                            OpenSeatPool(tx, deps_, caller, team_id, subscription_id));
        const core::Team& team = pool.team;
        const Authorization& authz = pool.authz;
        const TeamProduct& product = pool.product;
        SW_RETURN_IF_ERROR(CheckAssignable(product));
        SW_ASSIGN_OR_RETURN(auto members, ResolveAssignees(tx, deps_, team_id, assignees, false));
        BulkAssignment out;
        std::vector<const Assignee*> fresh;
        for (const auto& m : members) {
          SW_ASSIGN_OR_RETURN(auto held, deps_.repos.assignments->FindActive(
                                             tx, product.subscription.id, m.user.id));
          if (held) {
            out.already_assigned.push_back(m.user.id);
          } else {
            fresh.push_back(&m);
          }
        }
        const SeatContext ctx{deps_, caller, team, public_url_};
        for (const Assignee* m : fresh) {
          auto taken = TakeSeat(tx, ctx, product, *m);
          if (!taken.ok()) {
            core::Error error = std::move(taken).error();
            if (error.code == ErrorCode::kSeatLimitReached && !out.assigned.empty()) {
              const std::size_t free = out.assigned.size();
              error.message = std::to_string(fresh.size()) + " people to assign but only " +
                              std::to_string(free) + " of the " +
                              std::to_string(product.subscription.seats) + " seats of " +
                              product.item.name + (free == 1 ? " is" : " are") +
                              " free; unassign " + std::to_string(fresh.size() - free) +
                              " first or assign fewer — nothing was assigned";
            }
            return error;
          }
          SW_RETURN_IF_ERROR(AuditCreated(tx, ctx, authz, product, *taken, m->user));
          out.assigned.push_back(std::move(taken).value());
        }
        return out;
      });
}

Result<Unassignment> AssignmentService::Unassign(const Caller& caller, const std::string& team_id,
                                                 const std::string& subscription_id,
                                                 const std::string& user_id) {
  SW_ASSIGN_OR_RETURN(auto ended, UnassignMany(caller, team_id, subscription_id, {user_id}));
  return std::move(ended.at(0));
}

Result<std::vector<Unassignment>> AssignmentService::UnassignMany(
    const Caller& caller, const std::string& team_id, const std::string& subscription_id,
    const std::vector<std::string>& user_ids) {
  if (user_ids.empty() || user_ids.size() > kMaxBulkAssignees) {
    return NameOneToMax("people in user_ids");
  }
  return RunAudited<std::vector<Unassignment>>(
      deps_, caller, Attempt("assignment.delete", "subscription", subscription_id, team_id),
      [&](store::Tx& tx) -> Result<std::vector<Unassignment>> {
        SW_ASSIGN_OR_RETURN(SeatPool pool,
                            OpenSeatPool(tx, deps_, caller, team_id, subscription_id));
        const core::Team& team = pool.team;
        const Authorization& authz = pool.authz;
        const TeamProduct& product = pool.product;
        SW_RETURN_IF_ERROR(CheckSignInSeat(product));
        std::vector<Unassignment> out;
        std::set<std::string> done;
        for (const auto& user_id : user_ids) {
          if (!done.insert(user_id).second) continue;
          SW_ASSIGN_OR_RETURN(Unassignment ended, EndSeat(tx, deps_, caller, product, user_id));
          SW_RETURN_IF_ERROR(AuditEnded(tx, deps_, caller, authz, team, product, ended));
          out.push_back(std::move(ended));
        }
        return out;
      });
}

Result<BulkAssignment> AssignmentService::AssignToUser(
    const Caller& caller, const std::string& team_id, const std::string& user_id,
    const std::vector<std::string>& subscription_ids) {
  if (subscription_ids.empty() || subscription_ids.size() > kMaxBulkAssignees) {
    return NameOneToMax("subscriptions in subscription_ids");
  }
  return RunAudited<BulkAssignment>(
      deps_, caller, Attempt("assignment.create", "user", user_id, team_id),
      [&](store::Tx& tx) -> Result<BulkAssignment> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeTeam(tx, deps_, caller, team_id));
        SW_ASSIGN_OR_RETURN(auto member, MemberOf(tx, deps_, team_id, user_id));
        if (!member) {
          return core::MakeError(ErrorCode::kNotFound,
                                 "user " + user_id + " is not a member of this team");
        }
        Lookups seen;
        std::vector<TeamProduct> products;
        std::vector<core::FieldError> errors;
        std::set<std::string> named;
        for (std::size_t i = 0; i < subscription_ids.size(); ++i) {
          if (!named.insert(subscription_ids[i]).second) continue;
          auto sub = SubscriptionInReach(tx, deps_, authz, team_id, subscription_ids[i]);
          if (!sub.ok()) {
            if (sub.error().code != ErrorCode::kNotFound) return std::move(sub).error();
            errors.push_back({"subscription_ids[" + std::to_string(i) + "]", sub.error().message});
            continue;
          }
          SW_ASSIGN_OR_RETURN(TeamProduct product, DescribeCounted(tx, deps_, seen, *sub));
          products.push_back(std::move(product));
        }
        if (!errors.empty()) {
          return InvalidSubscriptions(
              std::move(errors),
              "several subscriptions are not of this team; nothing was assigned");
        }
        const SeatContext ctx{deps_, caller, team, public_url_};
        BulkAssignment out;
        for (const auto& product : products) {
          SW_RETURN_IF_ERROR(CheckAssignable(product));
          SW_ASSIGN_OR_RETURN(
              auto held, deps_.repos.assignments->FindActive(tx, product.subscription.id, user_id));
          if (held) {
            out.already_assigned.push_back(product.subscription.id);
            continue;
          }
          SW_ASSIGN_OR_RETURN(core::Assignment a, TakeSeat(tx, ctx, product, *member));
          SW_RETURN_IF_ERROR(AuditCreated(tx, ctx, authz, product, a, member->user));
          out.assigned.push_back(std::move(a));
        }
        return out;
      });
}

Result<ClassicUsers> AssignmentService::ListClassicUsers(const Caller& caller,
                                                         const std::string& contract_id) {
  return ReadAudited<ClassicUsers>(
      deps_, caller, Attempt("assignment.list_classic", "contract", contract_id, std::nullopt),
      [&](store::Tx& tx) -> Result<ClassicUsers> {
        SW_ASSIGN_OR_RETURN(Authorization authz,
                            Authorize(tx, deps_, caller.principal, core::Capability::kManageUsers,
                                      Scope{{}, contract_id, {}}));
        (void)authz;
        ClassicUsers out;
        SW_ASSIGN_OR_RETURN(out.contract, deps_.repos.contracts->GetContract(tx, contract_id));
        SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListSubscriptions(tx, contract_id));
        Lookups seen;
        std::map<std::string, std::vector<std::string>> access;  // user id → subscription ids
        for (const auto& sub : subs) {
          if (!IsClassic(sub)) continue;
          store::PageRequest page{"", store::kMaxPageSize};
          int assigned = 0;
          while (true) {
            SW_ASSIGN_OR_RETURN(
                auto batch, deps_.repos.assignments->ListActiveBySubscription(tx, sub.id, page));
            for (const auto& a : batch.items) access[a.user_id].push_back(sub.id);
            assigned += static_cast<int>(batch.items.size());
            if (batch.next_after.empty()) break;
            page.after = batch.next_after;
          }
          SW_ASSIGN_OR_RETURN(TeamProduct product, Describe(tx, deps_, seen, sub, assigned));
          out.subscriptions.push_back(std::move(product));
        }
        SW_ASSIGN_OR_RETURN(auto members, AllMembers(tx, deps_, out.contract.team_id));
        for (auto& m : members) {
          ClassicUser user;
          user.subscription_ids = access[m.user.id];
          user.member = std::move(m);
          out.users.push_back(std::move(user));
        }
        return out;
      });
}

Result<AccessChange> AssignmentService::SetClassicAccess(
    const Caller& caller, const std::string& contract_id, const std::string& user_id,
    const std::vector<std::string>& subscription_ids) {
  if (subscription_ids.size() > kMaxBulkAssignees) {
    return core::MakeError(ErrorCode::kInvalidArgument, "too many subscriptions");
  }
  return RunAudited<AccessChange>(
      deps_, caller, Attempt("assignment.classic_access", "user", user_id, std::nullopt),
      [&](store::Tx& tx) -> Result<AccessChange> {
        SW_ASSIGN_OR_RETURN(Authorization authz,
                            Authorize(tx, deps_, caller.principal, core::Capability::kManageUsers,
                                      Scope{{}, contract_id, {}}));
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, contract_id));
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, contract.team_id));
        SW_ASSIGN_OR_RETURN(auto member, MemberOf(tx, deps_, team.id, user_id));
        if (!member) {
          return core::MakeError(ErrorCode::kNotFound,
                                 "user " + user_id + " is not a member of the contract's team");
        }
        SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListSubscriptions(tx, contract_id));
        std::map<std::string, core::Subscription> classic;
        for (const auto& sub : subs) {
          if (IsClassic(sub)) classic.emplace(sub.id, sub);
        }
        std::vector<core::FieldError> errors;
        std::set<std::string> wanted;
        Lookups seen;
        for (std::size_t i = 0; i < subscription_ids.size(); ++i) {
          const std::string& id = subscription_ids[i];
          if (!classic.count(id)) {
            const std::string field = "subscription_ids[" + std::to_string(i) + "]";
            auto other = std::find_if(subs.begin(), subs.end(),
                                      [&](const core::Subscription& sub) { return sub.id == id; });
            if (other == subs.end()) {
              errors.push_back({field, id + " is not a serial-number subscription of contract " +
                                           contract.number});
              continue;
            }
            SW_ASSIGN_OR_RETURN(TeamProduct product, Describe(tx, deps_, seen, *other, 0));
            // Classic user management ticks serial-number access only.
            if (other->access == core::Access::kMultiUser) {
              errors.push_back({field, NetworkIsShared(product).message});
            } else {
              errors.push_back({field, product.item.name +
                                           " is a sign-in license: assign it by user or by "
                                           "product, not in classic user management"});
            }
            continue;
          }
          wanted.insert(id);
        }
        if (!errors.empty()) {
          return InvalidSubscriptions(
              std::move(errors),
              "several subscriptions are not serial-number subscriptions of contract " +
                  contract.number);
        }
        AccessChange change;
        for (const auto& [id, sub] : classic) {
          SW_ASSIGN_OR_RETURN(auto held, deps_.repos.assignments->FindActive(tx, id, user_id));
          if (held) change.before.push_back(id);
          if (wanted.count(id)) change.after.push_back(id);
          if (held && !wanted.count(id)) change.removed.push_back(id);
          if (!held && wanted.count(id)) change.added.push_back(id);
        }
        const SeatContext ctx{deps_, caller, team, public_url_};
        for (const auto& id : change.added) {
          SW_ASSIGN_OR_RETURN(TeamProduct product,
                              DescribeCounted(tx, deps_, seen, classic.at(id)));
          SW_RETURN_IF_ERROR(CheckContractOpen(product));
          SW_ASSIGN_OR_RETURN(core::Assignment a, TakeSeat(tx, ctx, product, *member));
          (void)a;
        }
        for (const auto& id : change.removed) {
          SW_ASSIGN_OR_RETURN(TeamProduct product,
                              DescribeCounted(tx, deps_, seen, classic.at(id)));
          SW_ASSIGN_OR_RETURN(Unassignment ended, EndSeat(tx, deps_, caller, product, user_id));
          change.activations_revoked += ended.activations_revoked;
        }
        AuditRecord record = Attempt("assignment.classic_access", "user", user_id, team.id);
        record.account_id = team.account_id;
        record.actor_role = std::string(core::RoleName(authz.role));
        record.before_json = IdListJson(change.before);
        record.after_json = IdListJson(change.after);
        record.detail = "classic access of " + member->user.email + " on contract " +
                        contract.number + ": " + std::to_string(change.added.size()) + " added, " +
                        std::to_string(change.removed.size()) + " removed";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, record));
        return change;
      });
}

}  // namespace seatwise::service
