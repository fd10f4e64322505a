#pragma once
// The people of a team as its admins manage them: invite one, import many from a CSV file,
// list, resend an invitation, remove a leaver. One identity per e-mail across the instance:
// inviting an e-mail that already has an account makes that person a pending member, who
// accepts or declines; until then the team sees only what the inviter typed, and whether
// the account existed is never told.
//
// Who may: the team's Primary and Secondary Admins and operators (whole-team grant of
// kManageUsers). A Software Coordinator's grant reaches only their contract, and a team
// membership is not scoped by contract, so Software Coordinators are refused here; they
// manage their contract's users through classic user management.

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

// The most data rows one import may hold.
inline constexpr int kMaxImportRows = 25'000;
// Rows written per transaction, so a large import never holds the write lock for long.
inline constexpr int kImportChunkRows = 500;

struct InviteRequest {
  std::string first_name;
  std::string last_name;
  std::string email;
};

// What happened to one person of an invitation or one row of an import.
enum class InviteOutcome {
  kInvited,        // invited to the team (whether or not the e-mail had an account)
  kAlreadyMember,  // nothing changed
  kInvalidEmail,
  kMissingField,
  kInvalidField,  // a name too long or with control characters
  kDuplicateInFile,
};
std::string_view InviteOutcomeName(InviteOutcome outcome);

struct ImportRow {
  int row = 0;   // data row, 1-based (the header is not counted)
  int line = 0;  // line of the file where the row starts
  std::string email;
  InviteOutcome outcome = InviteOutcome::kInvited;
  std::string message;
  std::optional<std::string> user_id;  // for invited, added and already-member rows
};

struct ImportSummary {
  int invited = 0;
  int already_member = 0;
  int invalid = 0;  // invalid e-mail, missing or invalid field, duplicate in file
};

struct ImportResult {
  ImportSummary summary;
  std::vector<ImportRow> rows;
};

struct UserQuery {
  std::string search;
  std::optional<core::TeamRole> role;
  std::optional<core::MembershipStatus> status;  // default: invited and active
  std::string after;
  int limit = 50;
};

// What removing a leaver freed.
struct Removal {
  core::Membership membership;  // now removed
  int seats_freed = 0;
  int activations_revoked = 0;
  int leases_released = 0;
  bool signed_out = false;  // no relation left at all: sessions and every token revoked
};

class UserService {
 public:
  UserService(const Deps& deps, IdentityService& identity) : deps_(deps), identity_(identity) {}

  // Invites one person; the member is pending until they accept the e-mailed invitation.
  // kInvalidArgument (field errors) for a bad e-mail or name; kAlreadyExists when already a
  // member of the team.
  core::Result<store::TeamMember> InviteUser(const Caller& caller, const std::string& team_id,
                                             const InviteRequest& request);

  // Imports a CSV file with the columns first_name, last_name, email (header row, any order).
  // Every row gets its own outcome; bad rows never stop good ones, and importing the same
  // file again changes nothing. kInvalidArgument for a malformed file or more than
  // kMaxImportRows rows (nothing imported then).
  core::Result<ImportResult> ImportUsers(const Caller& caller, const std::string& team_id,
                                         std::string_view csv_text);

  core::Result<store::Page<store::TeamMember>> ListUsers(const Caller& caller,
                                                         const std::string& team_id,
                                                         const UserQuery& query);

  // Sends a new invitation e-mail; the old link stops working. kConflict unless pending.
  core::Result<store::TeamMember> ResendInvitation(const Caller& caller, const std::string& team_id,
                                                   const std::string& user_id);

  // A leaver, in one transaction: every seat of the team's contracts unassigned, their
  // activations revoked and leases released on the team's subscriptions, open invitations
  // to the team withdrawn, the membership removed; sessions, OAuth and API tokens revoked
  // only when the person has no relation left at all (RelationsOf).
  // kConflict for the Primary Admin or an already removed member.
  core::Result<Removal> RemoveUser(const Caller& caller, const std::string& team_id,
                                   const std::string& user_id);

 private:
  Deps deps_;
  IdentityService& identity_;
};

// A member as the team's admins may see them: for a pending member only what the inviter
// typed (e-mail and names), never the person's account; otherwise the account without
// secrets or staff flags.
store::TeamMember AsTeamSeesIt(store::TeamMember member);

// Field errors for a person's names (trimmed in place): present, at most 100 characters,
// without control characters (CR, LF, ...) or markup (< and >). Empty when valid. Every
// place a name is typed (invitation, CSV import, accepting, own settings) judges it here.
std::vector<core::FieldError> ValidateNames(std::string& first_name, std::string& last_name);

// Field errors for a person to invite (trimmed in place): the names as ValidateNames, e-mail
// syntax and length. Empty when valid.
std::vector<core::FieldError> ValidateInvite(InviteRequest& request);

}  // namespace seatwise::service
