#include "service/users.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/csv.hpp"
#include "service/identity.hpp"
#include "service/identity_reach.hpp"
#include "service/json_writer.hpp"
#include "service/roles.hpp"
#include "service/tokens.hpp"
#include "service/webhooks.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::MembershipStatus;
using core::Result;

constexpr std::size_t kEmailMax = 254;
constexpr std::size_t kLocalPartMax = 64;
constexpr std::size_t kNameMax = 100;

std::string_view Trim(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "25001" → "25,001"
std::string Thousands(std::int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Why `email` is not a deliverable address, or "" when it looks like one: one "@", a local
// part of printable characters, a domain of dot-separated labels of letters, digits and
// hyphens (or UTF-8 for internationalised names) with at least one dot.
std::string EmailProblem(std::string_view email) {
  if (email.empty()) return "is required";
  if (email.size() > kEmailMax) return "must be at most 254 characters";
  const auto at = email.rfind('@');
  if (at == std::string_view::npos || email.find('@') != at) {
    return "must be one e-mail address, like name@example.com";
  }
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty() || local.size() > kLocalPartMax) {
    return "must have 1 to 64 characters before the @";
  }
  for (char ch : local) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsControl(c) || c == ' ' ||
        std::string_view("\"(),:;<>[\\]").find(ch) != std::string_view::npos) {
      return "has a character that is not allowed before the @";
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return "must not start, end or repeat dots before the @";
  }
  if (domain.empty() || domain.find('.') == std::string_view::npos) {
    return "must have a domain with a dot after the @, like example.com";
  }
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return "has an invalid domain after the @";
    }
    for (char ch : label) {
      const auto c = static_cast<unsigned char>(ch);
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c >= 0x80;
      if (!ok) return "has an invalid domain after the @";
    }
    start = dot + 1;
  }
  return "";
}

std::string NameProblem(std::string_view name) {
  if (name.empty()) return "is required";
  if (CodePoints(name) > kNameMax) return "must be at most 100 characters";
  for (char ch : name) {
    if (IsControl(static_cast<unsigned char>(ch))) return "must not contain control characters";
    if (ch == '<' || ch == '>') return "must not contain < or >";
  }
  return "";
}

std::string MembershipJson(const core::Membership& m) {
  return "{\"team_id\":" + JsonQuote(m.team_id) + ",\"user_id\":" + JsonQuote(m.user_id) +
         ",\"role\":" + JsonQuote(std::string(core::EnumName(m.role))) +
         ",\"status\":" + JsonQuote(std::string(core::EnumName(m.status))) + "}";
}

}  // namespace

store::TeamMember AsTeamSeesIt(store::TeamMember member) {
  core::User& user = member.user;
  const core::Membership& membership = member.membership;
  if (membership.status == MembershipStatus::kInvited) {
    // Pending: what the inviter typed, and nothing of an account the person may already have.
    core::User typed;
    typed.id = user.id;
    typed.email = user.email;
    typed.first_name = membership.invited_first_name.value_or("");
    typed.last_name = membership.invited_last_name.value_or("");
    typed.status = core::UserStatus::kInvited;
    typed.created_at = typed.updated_at = membership.created_at;
    user = std::move(typed);
    return member;
  }
  user.password_hash.reset();
  user.totp_secret.reset();
  user.is_operator = false;
  user.reseller_id.reset();
  return member;
}

namespace {

// The caller may manage every user of the team; a contract-scoped grant is not enough.
Result<Authorization> AuthorizeWholeTeam(store::Tx& tx, const Deps& deps, const Caller& caller,
                                         const std::string& team_id) {
  SW_ASSIGN_OR_RETURN(
      Authorization authz,
      Authorize(tx, deps, caller.principal, core::Capability::kManageUsers, {team_id, {}, {}}));
  if (authz.grant != core::Grant::kEverything && authz.grant != core::Grant::kOwnCustomers) {
    return core::MakeError(ErrorCode::kPermissionDenied,
                           "only the team's Primary Admin or a Secondary Admin may manage its "
                           "users; a Software Coordinator manages their contract's users in "
                           "classic user management");
  }
  return authz;
}

// The caller may add people to the team: a team admin, or a Software Coordinator of one of
// the team's contracts — "Software Coordinators … manage users and installs" of their
// contract, so they add the people they then give access to in classic user management.
Result<Authorization> AuthorizeAddPeople(store::Tx& tx, const Deps& deps, const Caller& caller,
                                         const std::string& team_id) {
  SW_ASSIGN_OR_RETURN(
      Authorization authz,
      Authorize(tx, deps, caller.principal, core::Capability::kManageUsers, {team_id, {}, {}}));
  if (authz.grant == core::Grant::kOwnContracts && !authz.contract_ids.empty()) return authz;
  if (authz.grant != core::Grant::kEverything && authz.grant != core::Grant::kOwnCustomers) {
    return core::MakeError(ErrorCode::kPermissionDenied,
                           "only the team's Primary Admin, a Secondary Admin or a contract's "
                           "Software Coordinator may add people to the team");
  }
  return authz;
}

struct Added {
  InviteOutcome outcome = InviteOutcome::kInvited;
  store::TeamMember member;
};

// Makes the person a pending member of the team and e-mails the invitation, unless they
// already are a member. Whether the e-mail already had an account changes nothing the
// inviter sees: the team knows only what was typed until the person accepts. Runs inside
// the caller's write transaction.
Result<Added> AddToTeam(store::Tx& tx, const Deps& deps, IdentityService& identity,
                        const core::Team& team, const std::optional<std::string>& inviter,
                        const InviteRequest& request) {
  const auto now = deps.clock.Now();
  SW_ASSIGN_OR_RETURN(auto existing, deps.repos.users->FindByEmail(tx, request.email));
  Added added;
  core::User user;
  if (existing) {
    user = std::move(*existing);
  } else {
    core::User fresh;
    fresh.email = request.email;
    fresh.first_name = request.first_name;
    fresh.last_name = request.last_name;
    fresh.status = core::UserStatus::kInvited;
    fresh.created_at = fresh.updated_at = now;
    SW_ASSIGN_OR_RETURN(user, deps.repos.users->Create(tx, std::move(fresh)));
  }
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, team.id, user.id));
  if (membership && membership->status != MembershipStatus::kRemoved) {
    added.outcome = InviteOutcome::kAlreadyMember;
    added.member = AsTeamSeesIt({std::move(user), std::move(*membership)});
    return added;
  }
  if (membership) {
    // A leaver coming back: the old membership row is history made current again.
    membership->role = core::TeamRole::kUser;
    membership->status = MembershipStatus::kInvited;
    membership->invited_by = inviter;
    membership->accepted_at.reset();
    membership->removed_at.reset();
    membership->updated_at = now;
    membership->invited_first_name = request.first_name;
    membership->invited_last_name = request.last_name;
    SW_RETURN_IF_ERROR(deps.repos.users->UpdateMembership(tx, *membership));
  } else {
    membership = core::Membership{team.id,
                                  user.id,
                                  core::TeamRole::kUser,
                                  MembershipStatus::kInvited,
                                  inviter,
                                  now,
                                  std::nullopt,
                                  std::nullopt,
                                  now,
                                  request.first_name,
                                  request.last_name};
    SW_RETURN_IF_ERROR(deps.repos.users->AddMembership(tx, *membership));
  }
  SW_ASSIGN_OR_RETURN(std::string token,
                      identity.CreateInvitationToken(tx, team.id, user.id, inviter));
  (void)token;  // only the e-mail carries it
  SW_RETURN_IF_ERROR(EnqueueWebhookEvent(
      tx, deps, team.id, "user.invited",
      "{\"user_id\":" + JsonQuote(user.id) + ",\"email\":" + JsonQuote(request.email) + "}"));
  added.outcome = InviteOutcome::kInvited;
  added.member = AsTeamSeesIt({std::move(user), std::move(*membership)});
  return added;
}

std::optional<std::string> InviterOf(const Caller& caller) {
  if (caller.principal.user_id.empty()) return std::nullopt;
  return caller.principal.user_id;
}

}  // namespace

std::string_view InviteOutcomeName(InviteOutcome outcome) {
  switch (outcome) {
    case InviteOutcome::kInvited:
      return "invited";
    case InviteOutcome::kAlreadyMember:
      return "already_member";
    case InviteOutcome::kInvalidEmail:
      return "invalid_email";
    case InviteOutcome::kMissingField:
      return "missing_field";
    case InviteOutcome::kInvalidField:
      return "invalid_field";
    case InviteOutcome::kDuplicateInFile:
      return "duplicate_in_file";
  }
  return "invalid_field";
}

std::vector<core::FieldError> ValidateNames(std::string& first_name, std::string& last_name) {
  first_name = std::string(Trim(first_name));
  last_name = std::string(Trim(last_name));
  std::vector<core::FieldError> errors;
  if (auto p = NameProblem(first_name); !p.empty()) errors.push_back({"first_name", p});
  if (auto p = NameProblem(last_name); !p.empty()) errors.push_back({"last_name", p});
  return errors;
}

std::vector<core::FieldError> ValidateInvite(InviteRequest& request) {
  request.email = std::string(Trim(request.email));
  std::vector<core::FieldError> errors = ValidateNames(request.first_name, request.last_name);
  if (auto p = EmailProblem(request.email); !p.empty()) errors.push_back({"email", p});
  return errors;
}

Result<store::TeamMember> UserService::InviteUser(const Caller& caller, const std::string& team_id,
                                                  const InviteRequest& request) {
  InviteRequest person = request;
  auto errors = ValidateInvite(person);
  AuditRecord record;
  record.action = "user.invite";
  record.target_type = "user";
  record.target_id = person.email;
  record.team_id = team_id;
  return RunAudited<store::TeamMember>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<store::TeamMember> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->LockTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeAddPeople(tx, deps_, caller, team_id));
        if (!errors.empty()) {
          core::Error error =
              core::MakeError(ErrorCode::kInvalidArgument, "the person to invite is invalid");
          error.fields = errors;
          return error;
        }
        SW_ASSIGN_OR_RETURN(Added added,
                            AddToTeam(tx, deps_, identity_, team, InviterOf(caller), person));
        if (added.outcome == InviteOutcome::kAlreadyMember) {
          return core::MakeError(ErrorCode::kAlreadyExists,
                                 added.member.user.email + " is already a member of this team");
        }
        AuditRecord done = record;
        done.target_id = added.member.user.id;
        done.account_id = team.account_id;
        done.actor_role = std::string(core::RoleName(authz.role));
        done.after_json = MembershipJson(added.member.membership);
        done.detail = added.member.user.email + " invited (" +
                      std::string(InviteOutcomeName(added.outcome)) + ")";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return std::move(added.member);
      });
}

Result<ImportResult> UserService::ImportUsers(const Caller& caller, const std::string& team_id,
                                              std::string_view csv_text) {
  AuditRecord record;
  record.action = "user.import";
  record.target_type = "team";
  record.target_id = team_id;
  record.team_id = team_id;
  // Refuse strangers before reading their file.
  SW_RETURN_IF_ERROR(RunAudited<bool>(deps_, caller, record, [&](store::Tx& tx) -> Result<bool> {
    SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, team_id));
    (void)team;
    SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeAddPeople(tx, deps_, caller, team_id));
    (void)authz;
    return true;
  }));

  // The parse stops at row 25,001: a file past the limit costs no more than the limit.
  auto parsed = ParseCsvWithHeader(csv_text, {"first_name", "last_name", "email"},
                                   static_cast<std::size_t>(kMaxImportRows));
  if (!parsed.ok() && parsed.error().message.starts_with(kTooManyRecords)) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           "the file has more than " + Thousands(kMaxImportRows) +
                               " rows; the limit is " + Thousands(kMaxImportRows) + " — split it");
  }
  SW_ASSIGN_OR_RETURN(CsvTable table, std::move(parsed));

  ImportResult result;
  result.rows.resize(table.records.size());
  std::vector<std::pair<std::size_t, InviteRequest>> valid;  // row index, person
  std::map<std::string, int> first_row_of;                   // lower-case e-mail → row
  for (std::size_t i = 0; i < table.records.size(); ++i) {
    const CsvRecord& record_i = table.records[i];
    ImportRow& row = result.rows[i];
    row.row = static_cast<int>(i) + 1;
    row.line = record_i.line;
    InviteRequest person{std::string(CsvField(record_i, table.columns[0])),
                         std::string(CsvField(record_i, table.columns[1])),
                         std::string(CsvField(record_i, table.columns[2]))};
    auto errors = ValidateInvite(person);
    row.email = person.email;
    if (!errors.empty()) {
      const auto& first = errors.front();
      const bool missing = first.message == "is required";
      row.outcome = first.field == "email" && !missing ? InviteOutcome::kInvalidEmail
                    : missing                          ? InviteOutcome::kMissingField
                                                       : InviteOutcome::kInvalidField;
      row.message = first.field + " " + first.message;
      ++result.summary.invalid;
      continue;
    }
    auto [it, fresh] = first_row_of.emplace(Lower(person.email), row.row);
    if (!fresh) {
      row.outcome = InviteOutcome::kDuplicateInFile;
      row.message = "the same e-mail as row " + std::to_string(it->second);
      ++result.summary.invalid;
      continue;
    }
    valid.emplace_back(i, std::move(person));
  }

  const std::optional<std::string> inviter = InviterOf(caller);
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(valid.size(), start + kImportChunkRows);
    const bool last = end == valid.size();
    auto chunk = RunAudited<bool>(deps_, caller, record, [&](store::Tx& tx) -> Result<bool> {
      SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->LockTeam(tx, team_id));
      SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeAddPeople(tx, deps_, caller, team_id));
      ImportSummary counts;
      // Each person invited gets their own audit entry in the transaction that invites them,
      // so an import stopped half-way (even by kill -9) leaves an entry for every committed row.
      AuditRecord invited = record;
      invited.action = "user.invite";
      invited.target_type = "user";
      invited.account_id = team.account_id;
      invited.actor_role = std::string(core::RoleName(authz.role));
      for (std::size_t k = start; k < end; ++k) {
        auto& [index, person] = valid[k];
        ImportRow& row = result.rows[index];
        SW_ASSIGN_OR_RETURN(Added added, AddToTeam(tx, deps_, identity_, team, inviter, person));
        row.outcome = added.outcome;
        row.user_id = added.member.user.id;
        if (added.outcome != InviteOutcome::kInvited) {
          row.message = added.member.user.email + " is already a member of this team";
          continue;
        }
        row.message = "invited; the invitation e-mail is on its way";
        AuditRecord entry = invited;
        entry.target_id = added.member.user.id;
        entry.after_json = MembershipJson(added.member.membership);
        entry.detail =
            added.member.user.email + " invited (CSV import, row " + std::to_string(row.row) + ")";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, entry));
      }
      if (last) {
        // The summary is counted from every row, so it is exact for the whole file.
        for (const ImportRow& row : result.rows) {
          counts.invited += row.outcome == InviteOutcome::kInvited;
          counts.already_member += row.outcome == InviteOutcome::kAlreadyMember;
        }
        counts.invalid = result.summary.invalid;
        AuditRecord done = record;
        done.account_id = team.account_id;
        done.actor_role = std::string(core::RoleName(authz.role));
        JsonWriter json;
        json.BeginObject()
            .Key("rows")
            .Int(static_cast<std::int64_t>(result.rows.size()))
            .Key("invited")
            .Int(counts.invited)
            .Key("already_member")
            .Int(counts.already_member)
            .Key("invalid")
            .Int(counts.invalid)
            .EndObject();
        done.after_json = json.str();
        done.detail = "imported " + std::to_string(result.rows.size()) +
                      " rows: " + std::to_string(counts.invited) + " invited, " +
                      std::to_string(counts.already_member) + " already members, " +
                      std::to_string(counts.invalid) + " invalid";
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        result.summary = counts;
      }
      return true;
    });
    if (!chunk.ok()) return chunk.error();
    if (last) break;
    start = end;
  }
  return result;
}

Result<store::Page<store::TeamMember>> UserService::ListUsers(const Caller& caller,
                                                              const std::string& team_id,
                                                              const UserQuery& query) {
  auto page = deps_.db.Transact<store::Page<store::TeamMember>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<store::Page<store::TeamMember>> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, team_id));
        (void)team;
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeWholeTeam(tx, deps_, caller, team_id));
        (void)authz;
        store::MemberFilter filter;
        filter.status = query.status;
        filter.role = query.role;
        filter.search = query.search;
        filter.include_removed = query.status == MembershipStatus::kRemoved;
        SW_ASSIGN_OR_RETURN(auto members, deps_.repos.users->ListTeamMembers(
                                              tx, team_id, filter, {query.after, query.limit}));
        const auto now = deps_.clock.Now();
        for (auto& member : members.items) {
          member = AsTeamSeesIt(std::move(member));
          if (member.membership.status != MembershipStatus::kInvited) continue;
          // Pending: is the latest invitation to this team still open, or did it expire?
          SW_ASSIGN_OR_RETURN(auto invitations,
                              deps_.repos.auth->ListInvitations(tx, member.user.id));
          std::optional<core::Invitation> latest;
          for (auto& invitation : invitations) {
            if (invitation.team_id == team_id) latest = std::move(invitation);  // oldest first
          }
          if (latest && !latest->accepted_at && !latest->revoked_at &&
              (latest->expired_at || latest->expires_at <= now)) {
            member.invitation_expired_at = latest->expires_at;
          }
        }
        return members;
      });
  if (!page.ok() && page.error().code == ErrorCode::kPermissionDenied) {
    AuditRecord record;
    record.action = "user.list";
    record.target_type = "team";
    record.target_id = team_id;
    record.team_id = team_id;
    AuditDenied(deps_, caller, record, page.error());
  }
  return page;
}

Result<store::TeamMember> UserService::ResendInvitation(const Caller& caller,
                                                        const std::string& team_id,
                                                        const std::string& user_id) {
  AuditRecord record;
  record.action = "user.invitation_resend";
  record.target_type = "user";
  record.target_id = user_id;
  record.team_id = team_id;
  return RunAudited<store::TeamMember>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<store::TeamMember> {
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->LockTeam(tx, team_id));
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeWholeTeam(tx, deps_, caller, team_id));
        SW_ASSIGN_OR_RETURN(auto membership,
                            deps_.repos.users->GetMembership(tx, team_id, user_id));
        if (!membership || membership->status == MembershipStatus::kRemoved) {
          return core::MakeError(ErrorCode::kNotFound,
                                 "user " + user_id + " is not a member of this team");
        }
        SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, user_id));
        if (membership->status != MembershipStatus::kInvited) {
          return core::MakeError(ErrorCode::kConflict,
                                 user.email + " already accepted the invitation to this team");
        }
        SW_ASSIGN_OR_RETURN(std::string token,
                            identity_.ResendInvitation(tx, team_id, user_id, InviterOf(caller)));
        (void)token;
        AuditRecord done = record;
        done.account_id = team.account_id;
        done.actor_role = std::string(core::RoleName(authz.role));
        done.detail = "invitation sent again to " + user.email;
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        return AsTeamSeesIt(store::TeamMember{std::move(user), std::move(*membership)});
      });
}

Result<Removal> UserService::RemoveUser(const Caller& caller, const std::string& team_id,
                                        const std::string& user_id) {
  AuditRecord record;
  record.action = "user.remove";
  record.target_type = "user";
  record.target_id = user_id;
  record.team_id = team_id;
  return RunAudited<Removal>(deps_, caller, record, [&](store::Tx& tx) -> Result<Removal> {
    SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->LockTeam(tx, team_id));
    SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeWholeTeam(tx, deps_, caller, team_id));
    SW_ASSIGN_OR_RETURN(auto membership, deps_.repos.users->GetMembership(tx, team_id, user_id));
    if (!membership) {
      return core::MakeError(ErrorCode::kNotFound,
                             "user " + user_id + " is not a member of this team");
    }
    SW_ASSIGN_OR_RETURN(core::User user, deps_.repos.users->Get(tx, user_id));
    if (membership->status == MembershipStatus::kRemoved) {
      return core::MakeError(ErrorCode::kConflict,
                             user.email + " was already removed from this team");
    }
    SW_RETURN_IF_ERROR(EnsureNotPrimaryAdmin(tx, deps_, team_id, user_id));
    const auto now = deps_.clock.Now();
    const std::string before = MembershipJson(*membership);
    Removal removal;

    SW_ASSIGN_OR_RETURN(auto freed, deps_.repos.assignments->UnassignAllInTeam(
                                        tx, user_id, team_id, InviterOf(caller), now));
    removal.seats_freed = static_cast<int>(freed.size());

    SW_ASSIGN_OR_RETURN(auto subscriptions,
                        deps_.repos.contracts->ListTeamSubscriptions(tx, team_id));
    std::vector<std::string> subscription_ids;
    for (const auto& sub : subscriptions) subscription_ids.push_back(sub.id);
    // An empty list would mean every subscription of the instance: skip it instead.
    if (!subscription_ids.empty()) {
      SW_ASSIGN_OR_RETURN(
          removal.activations_revoked,
          deps_.repos.activations->RevokeForUser(tx, user_id, subscription_ids,
                                                 core::RevocationReason::kUserRemoved, now));
    }
    for (const auto& sub : subscriptions) {
      if (sub.access != core::Access::kMultiUser) continue;
      SW_ASSIGN_OR_RETURN(auto leases, deps_.repos.leases->ListHeld(tx, sub.id, now));
      for (const auto& lease : leases) {
        if (lease.user_id != user_id) continue;
        SW_ASSIGN_OR_RETURN(bool released, deps_.repos.leases->Release(tx, lease.id, now));
        removal.leases_released += released ? 1 : 0;
      }
    }

    membership->status = MembershipStatus::kRemoved;
    membership->removed_at = now;
    membership->updated_at = now;
    SW_RETURN_IF_ERROR(deps_.repos.users->UpdateMembership(tx, *membership));

    // An open invitation to this team stops working with the membership.
    SW_ASSIGN_OR_RETURN(int withdrawn,
                        deps_.repos.auth->RevokeInvitations(tx, team_id, user_id, now));
    (void)withdrawn;
    // Sessions and tokens are the person's, not the team's: they end only when nothing is
    // left that they could be used for (no team, no contract role, no staff role).
    SW_ASSIGN_OR_RETURN(Relations relations, RelationsOf(tx, deps_, user));
    if (!relations.any()) {
      SW_ASSIGN_OR_RETURN(int sessions, SignOutEverywhere(tx, deps_, user_id));
      SW_ASSIGN_OR_RETURN(int tokens, deps_.repos.auth->RevokeUserApiTokens(tx, user_id, now));
      (void)sessions;
      (void)tokens;
      removal.signed_out = true;
    }

    AuditRecord done = record;
    done.account_id = team.account_id;
    done.actor_role = std::string(core::RoleName(authz.role));
    done.before_json = before;
    JsonWriter after;
    after.BeginObject()
        .Key("status")
        .String("removed")
        .Key("seats_freed")
        .Int(removal.seats_freed)
        .Key("activations_revoked")
        .Int(removal.activations_revoked)
        .Key("leases_released")
        .Int(removal.leases_released)
        .Key("signed_out")
        .Bool(removal.signed_out)
        .EndObject();
    done.after_json = after.str();
    done.detail = user.email + " removed: " + std::to_string(removal.seats_freed) +
                  " seats freed, " + std::to_string(removal.activations_revoked) +
                  " activations revoked, " + std::to_string(removal.leases_released) +
                  " leases released";
    SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
    removal.membership = std::move(*membership);
    return removal;
  });
}

}  // namespace seatwise::service
