#pragma once
// The teams of a customer account: creating and renaming them, and moving people, contracts
// and devices between two teams of one account — a merge (everything, after which the
// emptied team is deleted) or a split (a part, often into a team created by the same move).
// "If you want your “teams” merged into a single team, or to split a single team into
// multiple teams, this can be done by creating a ticket" — here the publisher's operators and
// the customer's reseller do it themselves (capability kCreateOrders).
//
// The unit that moves is a whole contract: its subscriptions, their assignments, activations
// and leases follow it, and so do its usage rollups. A dry run answers exactly what the same
// request would do and writes nothing; the real move runs in one transaction, audits both
// teams with before and after, and e-mails the admins of both teams. Exactly one Primary
// Admin per team holds before and after.

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

inline constexpr std::size_t kTeamNameMax = 200;
// Ids one move may name per kind.
inline constexpr std::size_t kMoveListMax = 1000;

struct NewTeam {
  std::string name;
  // The new team's Primary Admin: an invited or active member of another team of the account.
  std::string primary_admin_id;
};

struct MoveRequest {
  std::optional<std::string> to_team_id;     // an existing team of the same account, or
  std::optional<std::string> new_team_name;  // a team created by this move (a split)
  // With new_team_name: who becomes its Primary Admin; one of the people moving.
  std::optional<std::string> new_team_primary_admin_id;
  // When the source's Primary Admin moves and the source stays: a member who stays and
  // becomes its Primary Admin.
  std::optional<std::string> source_primary_admin_id;
  std::vector<std::string> people;     // user ids
  std::vector<std::string> contracts;  // contract ids
  std::vector<std::string> devices;    // device ids
  bool all = false;                    // a merge: everything moves, the source is deleted
  bool dry_run = false;
};

struct MovedPerson {
  std::string user_id;
  std::string email;
  std::string name;
  core::MembershipStatus status = core::MembershipStatus::kActive;
  core::TeamRole role_before = core::TeamRole::kUser;  // in the source team
  core::TeamRole role_after = core::TeamRole::kUser;   // in the target team
  // Seats held on contracts that stay in the source: ended with the move, like a leaver's.
  int seats_ended = 0;
};

struct MovedSubscription {
  std::string id;
  int seats = 0;
  int assigned = 0;
};

struct MovedContract {
  std::string id;
  std::string number;
  std::vector<MovedSubscription> subscriptions;
  int assignments = 0;
};

struct MovedDevice {
  std::string id;
  std::string asset_name;
  // "named" (asked for), "all" (a merge), or "contracts" (it only uses moved contracts).
  std::string reason;
};

// Someone the move changes without being asked to: a holder of a seat of a moved contract who
// was not a member of the target (joins it as a user so the assignment stays valid), a person
// already in the target with another role, a Primary Admin who becomes a Secondary Admin.
struct MoveNote {
  std::string kind;  // "joins_target", "already_member", "primary_admin_demoted",
                     // "source_primary_admin", "seats_ended"
  std::string user_id;
  std::string message;
};

struct TeamMove {
  bool dry_run = false;
  bool merge = false;  // everything moved; the source team is deleted
  core::Team from;
  core::Team to;  // for a dry run of a split, the team as it would be created (no id)
  bool to_created = false;
  std::vector<MovedPerson> people;
  std::vector<MovedContract> contracts;
  std::vector<MovedDevice> devices;
  std::vector<MoveNote> notes;
  int webhooks_moved = 0;
  std::optional<std::string> from_primary_admin_id;  // after the move; none when deleted
  std::optional<std::string> to_primary_admin_id;
  std::vector<std::string> notified;  // e-mail addresses of the admins told
};

// What a team holds, as the merge and split dialog offers it.
struct TeamContents {
  core::Team team;
  struct Member {
    std::string user_id;
    std::string email;
    std::string name;
    core::TeamRole role = core::TeamRole::kUser;
    core::MembershipStatus status = core::MembershipStatus::kActive;
  };
  struct Contract {
    std::string id;
    std::string number;
    int subscriptions = 0;
    int assignments = 0;
  };
  std::vector<Member> members;
  std::vector<Contract> contracts;
  std::vector<MovedDevice> devices;  // reason empty
};

class TeamService {
 public:
  TeamService(const Deps& deps, std::string public_url)
      : deps_(deps), public_url_(std::move(public_url)) {}

  // A new team in the account with its Primary Admin; audited.
  core::Result<core::Team> CreateTeam(const Caller& caller, const std::string& account_id,
                                      const NewTeam& request);
  // The team's members, contracts and devices (operators and the account's reseller).
  core::Result<TeamContents> Contents(const Caller& caller, const std::string& team_id);
  // Audited with the old and new name.
  core::Result<core::Team> RenameTeam(const Caller& caller, const std::string& team_id,
                                      const std::string& name);
  // Moves what `request` names from `from_team_id` (see the file comment). kInvalidArgument
  // with field errors for ids that are not in the source; kFailedPrecondition for a target in
  // another account; kConflict when a Primary Admin would be missing or a device is already
  // registered in the target.
  core::Result<TeamMove> Move(const Caller& caller, const std::string& from_team_id,
                              const MoveRequest& request);

 private:
  Deps deps_;
  std::string public_url_;
};

}  // namespace seatwise::service
