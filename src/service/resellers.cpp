#include "service/resellers.hpp"

#include <algorithm>
#include <utility>

#include "core/roles.hpp"
#include "crypto/tokens.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/json_writer.hpp"
#include "service/mail.hpp"
#include "service/users.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;

constexpr std::size_t kResellerNameMax = 200;

std::string Trimmed(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string ResellerJson(const core::Reseller& r) {
  JsonWriter json;
  json.BeginObject()
      .Key("id")
      .String(r.id)
      .Key("name")
      .String(r.name)
      .Key("contact_email")
      .String(r.contact_email)
      .EndObject();
  return json.str();
}

std::string StaffJson(const core::User& user, const std::optional<std::string>& reseller_id) {
  JsonWriter json;
  json.BeginObject().Key("user_id").String(user.id).Key("email").String(user.email);
  json.Key("reseller_id");
  if (reseller_id) {
    json.String(*reseller_id);
  } else {
    json.Null();
  }
  json.EndObject();
  return json.str();
}

core::User WithoutSecrets(core::User user) {
  user.password_hash.reset();
  user.totp_secret.reset();
  return user;
}

// Operators only: the publisher manages its resellers.
Result<Authorization> AuthorizeOperator(store::Tx& tx, const Deps& deps, const Caller& caller) {
  SW_ASSIGN_OR_RETURN(Authorization authz,
                      Authorize(tx, deps, caller.principal, core::Capability::kCreateOrders, {}));
  if (authz.role != core::Role::kOperator) {
    return core::MakeError(ErrorCode::kPermissionDenied,
                           "only the publisher's operators manage resellers and their staff");
  }
  return authz;
}

// Who may read resellers: operators every one (nullopt), a reseller's staff their own.
Result<std::optional<std::string>> AuthorizeReader(store::Tx& tx, const Deps& deps,
                                                   const Caller& caller) {
  SW_ASSIGN_OR_RETURN(Authorization authz,
                      Authorize(tx, deps, caller.principal, core::Capability::kCreateOrders, {}));
  if (authz.grant == core::Grant::kEverything) return std::optional<std::string>();
  // The role comes from the user row, not the session: read the reseller there too.
  SW_ASSIGN_OR_RETURN(core::User user, deps.repos.users->Get(tx, caller.principal.user_id));
  if (authz.role != core::Role::kReseller || !user.reseller_id) {
    return core::MakeError(ErrorCode::kPermissionDenied,
                           "resellers are shown to the publisher's operators and to each "
                           "reseller's own staff");
  }
  return std::optional<std::string>(*user.reseller_id);
}

Result<ResellerSummary> Summarise(store::Tx& tx, const Deps& deps, core::Reseller reseller) {
  ResellerSummary out;
  SW_ASSIGN_OR_RETURN(out.customers, deps.repos.accounts->CountCustomers(tx, reseller.id));
  SW_ASSIGN_OR_RETURN(out.staff, deps.repos.users->CountResellerStaff(tx, reseller.id));
  out.reseller = std::move(reseller);
  return out;
}

core::Error NameTaken(const std::string& name) {
  core::Error error =
      core::MakeError(ErrorCode::kAlreadyExists, "A reseller named " + name + " already exists.");
  error.fields.push_back({"name", "another reseller has this name"});
  return error;
}

// kAlreadyExists when another reseller than `self_id` has the name in any letter case.
Result<void> EnsureNameFree(store::Tx& tx, const Deps& deps, const std::string& name,
                            const std::string& self_id) {
  SW_ASSIGN_OR_RETURN(auto taken, deps.repos.accounts->FindResellerByName(tx, name));
  if (taken && taken->id != self_id) return NameTaken(taken->name);
  return core::Ok();
}

// A write refused by the database's one-name index: another request took the name between
// the check above and this write.
template <typename T>
Result<T> NameTakenAtWrite(Result<T> written, const std::string& name) {
  if (!written.ok() && written.error().code == ErrorCode::kAlreadyExists) return NameTaken(name);
  return written;
}

bool Matches(const core::Reseller& r, const std::string& search) {
  if (search.empty()) return true;
  const std::string needle = Lower(search);
  return Lower(r.name).find(needle) != std::string::npos ||
         Lower(r.contact_email).find(needle) != std::string::npos;
}

}  // namespace

std::vector<core::FieldError> ValidateReseller(std::optional<std::string>& name,
                                               std::optional<std::string>& contact_email) {
  std::vector<core::FieldError> errors;
  if (name) {
    *name = Trimmed(*name);
    if (name->empty()) {
      errors.push_back({"name", "is required"});
    } else if (CodePoints(*name) > kResellerNameMax) {
      errors.push_back({"name", "must be at most 200 characters"});
    } else if (std::any_of(name->begin(), name->end(), [](char c) {
                 const auto u = static_cast<unsigned char>(c);
                 return u < 0x20 || u == 0x7F;
               })) {
      errors.push_back({"name", "must not contain control characters"});
    }
  }
  if (contact_email) {
    // The same address rules as for people invited to a team.
    InviteRequest probe{"-", "-", *contact_email};
    for (auto& e : ValidateInvite(probe)) {
      if (e.field == "email") errors.push_back({"contact_email", e.message});
    }
    *contact_email = probe.email;
  }
  return errors;
}

Result<store::Page<ResellerSummary>> ResellerService::ListResellers(const Caller& caller,
                                                                    const ResellerQuery& query) {
  AuditRecord record;
  record.action = "reseller.list";
  record.target_type = "reseller";
  return ReadAudited<store::Page<ResellerSummary>>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<store::Page<ResellerSummary>> {
        SW_ASSIGN_OR_RETURN(std::optional<std::string> own, AuthorizeReader(tx, deps_, caller));
        store::Page<ResellerSummary> page;
        if (own) {
          // A reseller's staff see one reseller: theirs.
          SW_ASSIGN_OR_RETURN(core::Reseller reseller, deps_.repos.accounts->GetReseller(tx, *own));
          if (!query.after.empty() || !Matches(reseller, query.search)) return page;
          SW_ASSIGN_OR_RETURN(ResellerSummary summary, Summarise(tx, deps_, std::move(reseller)));
          page.items.push_back(std::move(summary));
          return page;
        }
        const int limit = std::clamp(query.limit, 1, kMaxResellerPageSize);
        SW_ASSIGN_OR_RETURN(auto resellers, deps_.repos.accounts->SearchResellers(
                                                tx, query.search, {query.after, limit}));
        for (auto& r : resellers.items) {
          SW_ASSIGN_OR_RETURN(ResellerSummary summary, Summarise(tx, deps_, std::move(r)));
          page.items.push_back(std::move(summary));
        }
        page.next_after = std::move(resellers.next_after);
        return page;
      });
}

Result<ResellerDetails> ResellerService::GetReseller(const Caller& caller,
                                                     const std::string& reseller_id) {
  AuditRecord record;
  record.action = "reseller.get";
  record.target_type = "reseller";
  record.target_id = reseller_id;
  return ReadAudited<ResellerDetails>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<ResellerDetails> {
        SW_ASSIGN_OR_RETURN(std::optional<std::string> own, AuthorizeReader(tx, deps_, caller));
        if (own && *own != reseller_id) {
          return core::MakeError(ErrorCode::kNotFound, "reseller " + reseller_id + " not found");
        }
        SW_ASSIGN_OR_RETURN(core::Reseller reseller,
                            deps_.repos.accounts->GetReseller(tx, reseller_id));
        ResellerDetails details;
        SW_ASSIGN_OR_RETURN(details.summary.customers,
                            deps_.repos.accounts->CountCustomers(tx, reseller_id));
        SW_ASSIGN_OR_RETURN(auto staff, deps_.repos.users->ListResellerStaff(tx, reseller_id));
        details.summary.staff = static_cast<std::int64_t>(staff.size());
        details.summary.reseller = std::move(reseller);
        for (auto& u : staff) details.staff_members.push_back(WithoutSecrets(std::move(u)));
        SW_ASSIGN_OR_RETURN(details.recent_customers, deps_.repos.accounts->ListCustomersByName(
                                                          tx, reseller_id, kRecentCustomers));
        return details;
      });
}

Result<ResellerSummary> ResellerService::CreateReseller(const Caller& caller,
                                                        const ResellerRequest& request) {
  std::optional<std::string> name = request.name;
  std::optional<std::string> contact_email = request.contact_email;
  const auto errors = ValidateReseller(name, contact_email);
  AuditRecord record;
  record.action = "reseller.created";
  record.target_type = "reseller";
  record.target_id = *name;
  return RunAudited<ResellerSummary>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<ResellerSummary> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeOperator(tx, deps_, caller));
        if (!errors.empty()) return core::InvalidFields("the reseller is invalid", errors);
        SW_RETURN_IF_ERROR(EnsureNameFree(tx, deps_, *name, ""));
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(
            core::Reseller reseller,
            NameTakenAtWrite(deps_.repos.accounts->CreateReseller(
                                 tx, core::Reseller{"", *name, *contact_email, now, now}),
                             *name));
        AuditRecord done = record;
        done.target_id = reseller.id;
        done.actor_role = std::string(core::RoleName(authz.role));
        done.after_json = ResellerJson(reseller);
        done.detail = "reseller " + reseller.name + " created";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return ResellerSummary{std::move(reseller), 0, 0};
      });
}

Result<ResellerSummary> ResellerService::UpdateReseller(const Caller& caller,
                                                        const std::string& reseller_id,
                                                        const ResellerPatch& patch) {
  std::optional<std::string> name = patch.name;
  std::optional<std::string> contact_email = patch.contact_email;
  const auto errors = ValidateReseller(name, contact_email);
  AuditRecord record;
  record.action = "reseller.updated";
  record.target_type = "reseller";
  record.target_id = reseller_id;
  return RunAudited<ResellerSummary>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<ResellerSummary> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeOperator(tx, deps_, caller));
        SW_ASSIGN_OR_RETURN(core::Reseller reseller,
                            deps_.repos.accounts->GetReseller(tx, reseller_id));
        if (!errors.empty()) return core::InvalidFields("the reseller is invalid", errors);
        const std::string before = ResellerJson(reseller);
        if (name) {
          SW_RETURN_IF_ERROR(EnsureNameFree(tx, deps_, *name, reseller.id));
          reseller.name = *name;
        }
        if (contact_email) reseller.contact_email = *contact_email;
        reseller.updated_at = deps_.clock.Now();
        SW_RETURN_IF_ERROR(
            NameTakenAtWrite(deps_.repos.accounts->UpdateReseller(tx, reseller), reseller.name));
        AuditRecord done = record;
        done.actor_role = std::string(core::RoleName(authz.role));
        done.before_json = before;
        done.after_json = ResellerJson(reseller);
        done.detail = "reseller " + reseller.name + " updated";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return Summarise(tx, deps_, std::move(reseller));
      });
}

Result<StaffAdded> ResellerService::AddStaff(const Caller& caller, const std::string& reseller_id,
                                             const StaffRequest& request) {
  InviteRequest person{request.first_name, request.last_name, request.email};
  const auto errors = ValidateInvite(person);
  AuditRecord record;
  record.action = "reseller.staff_added";
  record.target_type = "reseller";
  record.target_id = reseller_id;
  return RunAudited<StaffAdded>(deps_, caller, record, [&](store::Tx& tx) -> Result<StaffAdded> {
    SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeOperator(tx, deps_, caller));
    SW_ASSIGN_OR_RETURN(core::Reseller reseller,
                        deps_.repos.accounts->GetReseller(tx, reseller_id));
    if (!errors.empty()) return core::InvalidFields("the staff member is invalid", errors);
    const auto now = deps_.clock.Now();
    SW_ASSIGN_OR_RETURN(auto existing, deps_.repos.users->FindByEmail(tx, person.email));
    StaffAdded added;
    core::User user;
    if (!existing) {
      // Nobody to invite to a team: the person is active at once and signs in after
      // choosing a password through the e-mailed link.
      user.email = person.email;
      user.first_name = person.first_name;
      user.last_name = person.last_name;
      user.status = core::UserStatus::kActive;
      user.reseller_id = reseller.id;
      user.created_at = user.updated_at = now;
      SW_ASSIGN_OR_RETURN(user, deps_.repos.users->Create(tx, std::move(user)));
      added.created = true;
    } else {
      user = std::move(*existing);
      if (user.is_operator) {
        return core::MakeError(ErrorCode::kConflict,
                               user.email +
                                   " is one of the publisher's operators, who manage every "
                                   "reseller already; use another address for reseller staff");
      }
      if (user.erased || user.status == core::UserStatus::kRemoved) {
        return core::MakeError(ErrorCode::kConflict,
                               user.email + "'s account is removed; use another address");
      }
      if (user.reseller_id == reseller.id) {
        return core::MakeError(ErrorCode::kConflict,
                               user.email + " is already staff of " + reseller.name);
      }
      if (user.reseller_id) {
        SW_ASSIGN_OR_RETURN(core::Reseller other,
                            deps_.repos.accounts->GetReseller(tx, *user.reseller_id));
        return core::MakeError(ErrorCode::kConflict, user.email + " is already staff of " +
                                                         other.name + "; remove them there first");
      }
      user.reseller_id = reseller.id;
      // Invited to a team and never accepted: the set-password link below works only
      // for active accounts (and accepting the invitation later still works).
      if (user.status == core::UserStatus::kInvited) user.status = core::UserStatus::kActive;
      user.updated_at = now;
      SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, user));
    }

    std::string body = "You are now staff of " + reseller.name +
                       " in Seatwise: you can manage its customers (their accounts, "
                       "orders and renewals) in the portal.\n\n";
    std::string action_url;
    if (!user.password_hash) {
      const std::string token =
          crypto::NewToken(deps_.random, crypto::token_prefix::kPasswordReset);
      core::PasswordReset reset;
      reset.user_id = user.id;
      reset.token_hash = crypto::HashToken(token);
      reset.created_at = now;
      reset.expires_at = now + kStaffPasswordLinkLifetime;
      SW_ASSIGN_OR_RETURN(reset, deps_.repos.auth->CreatePasswordReset(tx, reset));
      action_url = public_url_ + "/reset-password/" + token;
      body += "Choose your password here, then sign in:\n" + action_url +
              "\n\nThe link works once and expires on " + DateText(reset.expires_at) + ".";
    } else {
      action_url = public_url_ + "/reseller";
      body += "Sign in with your Seatwise account and open the reseller console:\n" + action_url;
    }
    Email mail;
    mail.event_key = "reseller_staff_added:" + reseller.id + ":" + user.id + ":" +
                     std::to_string(core::ToUnixMillis(now));
    mail.template_name = "reseller_staff_added";
    mail.to = &user;
    mail.subject = "You can now manage " + reseller.name + "'s customers";
    mail.body = std::move(body);
    mail.action_url = std::move(action_url);
    mail.payload_json =
        "{\"reseller_id\":" + JsonQuote(reseller.id) + ",\"user_id\":" + JsonQuote(user.id) + "}";
    SW_ASSIGN_OR_RETURN(bool queued, EnqueueEmail(tx, deps_, mail));
    (void)queued;

    AuditRecord done = record;
    done.actor_role = std::string(core::RoleName(authz.role));
    done.after_json = StaffJson(user, user.reseller_id);
    done.detail = user.email + " added as staff of " + reseller.name +
                  (added.created ? " (new user)" : " (existing user)");
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    added.user = WithoutSecrets(std::move(user));
    return added;
  });
}

Result<void> ResellerService::RemoveStaff(const Caller& caller, const std::string& reseller_id,
                                          const std::string& user_id) {
  AuditRecord record;
  record.action = "reseller.staff_removed";
  record.target_type = "reseller";
  record.target_id = reseller_id;
  auto removed = RunAudited<bool>(deps_, caller, record, [&](store::Tx& tx) -> Result<bool> {
    SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeOperator(tx, deps_, caller));
    SW_ASSIGN_OR_RETURN(core::Reseller reseller,
                        deps_.repos.accounts->GetReseller(tx, reseller_id));
    const core::Error not_staff = core::MakeError(
        ErrorCode::kNotFound, "user " + user_id + " is not staff of " + reseller.name);
    auto found = deps_.repos.users->Get(tx, user_id);
    if (!found.ok()) {
      return found.error().code == ErrorCode::kNotFound ? not_staff : found.error();
    }
    core::User user = std::move(found).value();
    if (user.reseller_id != reseller.id) return not_staff;
    const std::string before = StaffJson(user, user.reseller_id);
    // Sessions and tokens build the caller from the user row on every request, so the
    // reseller's customers are out of reach from the next request on.
    user.reseller_id.reset();
    user.updated_at = deps_.clock.Now();
    SW_RETURN_IF_ERROR(deps_.repos.users->Update(tx, user));
    AuditRecord done = record;
    done.actor_role = std::string(core::RoleName(authz.role));
    done.before_json = before;
    done.after_json = StaffJson(user, std::nullopt);
    done.detail = user.email + " removed from the staff of " + reseller.name;
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    return true;
  });
  if (!removed.ok()) return removed.error();
  return core::Ok();
}

}  // namespace seatwise::service
