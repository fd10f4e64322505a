#include "service/alerts.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "service/audit.hpp"
#include "service/devices.hpp"
#include "service/json_writer.hpp"
#include "service/mail.hpp"
#include "service/webhooks.hpp"

namespace seatwise::service {
namespace {

using core::Result;
using std::chrono::days;

// Rows read or written per batch by the invitation and device passes.
constexpr int kBatch = 500;

Caller SystemCaller(std::string_view job) {
  Caller caller;
  caller.principal.method = AuthMethod::kSystem;
  caller.meta.request_id = "job-" + std::string(job);
  return caller;
}

bool InForce(const core::Contract& contract, const core::Subscription& sub, core::TimePoint now) {
  const bool live = contract.status == core::ContractStatus::kActive ||
                    contract.status == core::ContractStatus::kExpiring ||
                    contract.status == core::ContractStatus::kRenewed;
  return live && contract.starts_at <= now && (!sub.ends_at || *sub.ends_at > now);
}

// Every team of the instance.
Result<std::vector<core::Team>> AllTeams(store::Tx& tx, const Deps& deps) {
  std::vector<core::Team> teams;
  store::PageRequest page{"", store::kMaxPageSize};
  while (true) {
    SW_ASSIGN_OR_RETURN(auto accounts, deps.repos.accounts->ListAccounts(tx, std::nullopt, page));
    for (const auto& account : accounts.items) {
      SW_ASSIGN_OR_RETURN(auto some, deps.repos.accounts->ListTeams(tx, account.id));
      for (auto& team : some) teams.push_back(std::move(team));
    }
    if (accounts.next_after.empty()) break;
    page.after = accounts.next_after;
  }
  return teams;
}

// The team's Primary Admin and Secondary Admins with an active membership.
Result<std::vector<core::User>> TeamAdmins(store::Tx& tx, const Deps& deps,
                                           const std::string& team_id) {
  std::vector<core::User> admins;
  for (auto role : {core::TeamRole::kPrimaryAdmin, core::TeamRole::kSecondaryAdmin}) {
    store::MemberFilter filter;
    filter.role = role;
    filter.status = core::MembershipStatus::kActive;
    store::PageRequest page{"", store::kMaxPageSize};
    while (true) {
      SW_ASSIGN_OR_RETURN(auto members,
                          deps.repos.users->ListTeamMembers(tx, team_id, filter, page));
      for (auto& m : members.items) admins.push_back(std::move(m.user));
      if (members.next_after.empty()) break;
      page.after = members.next_after;
    }
  }
  return admins;
}

Result<std::string> SeatName(store::Tx& tx, const Deps& deps, const core::Subscription& sub) {
  if (sub.product_id) {
    SW_ASSIGN_OR_RETURN(auto product, deps.repos.catalog->GetProduct(tx, *sub.product_id));
    return product.name;
  }
  SW_ASSIGN_OR_RETURN(auto collection, deps.repos.catalog->GetCollection(tx, *sub.collection_id));
  return collection.name;
}

std::string InactiveList(const std::vector<InactiveSeat>& seats) {
  std::string out;
  for (const auto& seat : seats) {
    out += "- " + PersonLabel(seat.user) + ": " + seat.product_name + ", assigned since " +
           DateText(seat.assigned_at) + ", last used " +
           (seat.last_used ? DateText(*seat.last_used) : std::string("never")) + "\n";
  }
  return out;
}

Result<bool> QueueInactiveSummary(store::Tx& tx, const Deps& deps, const Caller& caller,
                                  const core::Team& team, const core::User& admin,
                                  const std::vector<InactiveSeat>& seats, core::TimePoint now,
                                  const std::string& base_url) {
  const std::string key = InactiveUsersKey(team.id, now, admin.id);
  SW_ASSIGN_OR_RETURN(auto existing, deps.repos.outbox->FindByEventKey(tx, key));
  if (existing) return false;
  // The admin may have left or stepped down since the list was read.
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, team.id, admin.id));
  if (!membership || membership->status != core::MembershipStatus::kActive ||
      (membership->role != core::TeamRole::kPrimaryAdmin &&
       membership->role != core::TeamRole::kSecondaryAdmin)) {
    return false;
  }
  std::set<std::string> people;
  for (const auto& seat : seats) people.insert(seat.user.id);
  const std::size_t n = people.size();
  const std::string week = IsoWeek(now);
  Email email;
  email.event_key = key;
  email.template_name = "inactive_users";
  email.to = &admin;
  email.team_id = team.id;
  email.action_url = base_url + "/teams/" + team.id + "/by-product";
  email.subject = std::to_string(n) + (n == 1 ? " person" : " people") + " in " + team.name +
                  " did not use an assigned product in the last 30 days";
  email.body =
      "Review the seats on the By product page and unassign the ones no longer "
      "needed, so they can go to someone else:\n" +
      email.action_url + "\n\n" + "These seats of " + team.name +
      " were assigned more than 30 days ago and have not been used in the last 30 "
      "days (as of " +
      DateText(now) + "):\n" + InactiveList(seats);
  email.payload_json = "{\"team_id\":" + JsonQuote(team.id) + ",\"week\":" + JsonQuote(week) +
                       ",\"seats\":" + std::to_string(seats.size()) +
                       ",\"people\":" + std::to_string(n) + "}";
  SW_ASSIGN_OR_RETURN(bool fresh, EnqueueEmail(tx, deps, email));
  if (!fresh) return false;
  AuditRecord record;
  record.action = "team.inactive_users_alert";
  record.target_type = "team";
  record.target_id = team.id;
  record.team_id = team.id;
  record.account_id = team.account_id;
  record.actor_role = "system";
  record.after_json = email.payload_json;
  record.detail = "weekly summary of " + std::to_string(seats.size()) +
                  " inactive seat(s) for week " + week + " to " + admin.email;
  SW_RETURN_IF_ERROR(Audit(tx, deps, caller, record));
  return true;
}

}  // namespace

std::string IsoWeek(core::TimePoint t) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace)
  const sys_days day = floor<days>(t);
  const unsigned iso_day = weekday(day).iso_encoding();  // Monday 1 .. Sunday 7
  // The week belongs to the year of its Thursday.
  const sys_days thursday = day + days(4 - static_cast<int>(iso_day));
  const year_month_day ymd(thursday);
  const sys_days first = sys_days(ymd.year() / January / 1);
  const int week = static_cast<int>((thursday - first).count() / 7 + 1);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-W%02d", static_cast<int>(ymd.year()), week);
  return buffer;
}

std::string InactiveUsersKey(const std::string& team_id, core::TimePoint now,
                             const std::string& admin_id) {
  return "inactive-users:" + team_id + ":" + IsoWeek(now) + ":" + admin_id;
}

core::Result<std::vector<InactiveSeat>> AlertService::ListInactiveSeats(const std::string& team_id,
                                                                        core::TimePoint now) {
  return deps_.db.Transact<std::vector<InactiveSeat>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<InactiveSeat>> {
        const core::TimePoint assigned_before = now - kInactiveAfter;
        const core::TimePoint used_since = std::chrono::floor<days>(now - kInactiveAfter);
        SW_ASSIGN_OR_RETURN(auto subs, deps_.repos.contracts->ListTeamSubscriptions(tx, team_id));
        std::map<std::string, core::Contract> contracts;
        std::vector<InactiveSeat> seats;
        // Who used what since the cutoff, from the rollup the seat-usage report reads.
        store::UsageDailyQuery recent;
        recent.team_id = team_id;
        recent.from = used_since;
        recent.to = std::chrono::floor<days>(now) + days(1);
        SW_ASSIGN_OR_RETURN(auto used_rows, deps_.repos.usage->SummarizeDaily(tx, recent));
        std::set<std::pair<std::string, std::string>> used;  // subscription, user
        for (const auto& row : used_rows) used.emplace(row.subscription_id, row.user_id);

        for (const auto& sub : subs) {
          if (sub.access != core::Access::kSingleUser ||
              sub.activation != core::ActivationMethod::kSignIn || sub.service_id ||
              (!sub.product_id && !sub.collection_id)) {
            continue;
          }
          auto contract = contracts.find(sub.contract_id);
          if (contract == contracts.end()) {
            SW_ASSIGN_OR_RETURN(auto c, deps_.repos.contracts->GetContract(tx, sub.contract_id));
            contract = contracts.emplace(sub.contract_id, std::move(c)).first;
          }
          if (!InForce(contract->second, sub, now)) continue;
          std::optional<std::string> name;
          store::PageRequest page{"", store::kMaxPageSize};
          while (true) {
            SW_ASSIGN_OR_RETURN(auto assignments, deps_.repos.assignments->ListActiveBySubscription(
                                                      tx, sub.id, page));
            for (const auto& a : assignments.items) {
              if (a.assigned_at > assigned_before || used.contains({sub.id, a.user_id})) continue;
              if (!name) {
                SW_ASSIGN_OR_RETURN(name, SeatName(tx, deps_, sub));
              }
              InactiveSeat seat;
              SW_ASSIGN_OR_RETURN(seat.user, deps_.repos.users->Get(tx, a.user_id));
              seat.subscription_id = sub.id;
              seat.product_name = *name;
              seat.assigned_at = a.assigned_at;
              store::UsageDailyQuery before;
              before.team_id = team_id;
              before.from = core::FromUnixMillis(0);
              before.to = used_since;
              before.subscription_id = sub.id;
              before.user_id = a.user_id;
              SW_ASSIGN_OR_RETURN(auto earlier, deps_.repos.usage->SummarizeDaily(tx, before));
              for (const auto& row : earlier) {
                if (!seat.last_used || row.last_day > *seat.last_used)
                  seat.last_used = row.last_day;
              }
              seats.push_back(std::move(seat));
            }
            if (assignments.next_after.empty()) break;
            page.after = assignments.next_after;
          }
        }
        std::sort(seats.begin(), seats.end(), [](const InactiveSeat& a, const InactiveSeat& b) {
          return std::make_tuple(PersonName(a.user), a.user.email, a.product_name,
                                 a.subscription_id) < std::make_tuple(PersonName(b.user),
                                                                      b.user.email, b.product_name,
                                                                      b.subscription_id);
        });
        return seats;
      });
}

core::Result<int> AlertService::SendInactiveUserAlerts(core::TimePoint now) {
  SW_ASSIGN_OR_RETURN(
      auto teams, deps_.db.Transact<std::vector<core::Team>>(
                      store::TxMode::kRead, [&](store::Tx& tx) { return AllTeams(tx, deps_); }));
  const Caller caller = SystemCaller("inactive_user_alerts");
  int sent = 0;
  for (const auto& team : teams) {
    SW_ASSIGN_OR_RETURN(auto seats, ListInactiveSeats(team.id, now));
    if (seats.empty()) continue;
    SW_ASSIGN_OR_RETURN(auto admins, deps_.db.Transact<std::vector<core::User>>(
                                         store::TxMode::kRead, [&](store::Tx& tx) {
                                           return TeamAdmins(tx, deps_, team.id);
                                         }));
    for (const auto& admin : admins) {
      SW_ASSIGN_OR_RETURN(
          bool queued, deps_.db.Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) {
            return QueueInactiveSummary(tx, deps_, caller, team, admin, seats, now, base_url_);
          }));
      if (queued) ++sent;
    }
  }
  return sent;
}

core::Result<int> AlertService::ExpireInvitations(core::TimePoint now) {
  const Caller caller = SystemCaller("invitation_expiry");
  int marked = 0;
  while (true) {
    SW_ASSIGN_OR_RETURN(
        auto due,
        deps_.db.Transact<std::vector<core::Invitation>>(store::TxMode::kRead, [&](store::Tx& tx) {
          return deps_.repos.auth->ListInvitationsToExpire(tx, now, kBatch);
        }));
    int batch_marked = 0;
    for (const auto& invitation : due) {
      SW_ASSIGN_OR_RETURN(
          bool done,
          deps_.db.Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
            SW_ASSIGN_OR_RETURN(bool fresh,
                                deps_.repos.auth->MarkInvitationExpired(tx, invitation.id, now));
            if (!fresh) return false;  // accepted, revoked or marked meanwhile
            SW_ASSIGN_OR_RETURN(auto team, deps_.repos.accounts->GetTeam(tx, invitation.team_id));
            SW_ASSIGN_OR_RETURN(auto invitee, deps_.repos.users->Get(tx, invitation.user_id));
            const std::string expired_on = DateText(invitation.expires_at);
            const std::string payload = "{\"invitation_id\":" + JsonQuote(invitation.id) +
                                        ",\"user_id\":" + JsonQuote(invitee.id) +
                                        ",\"email\":" + JsonQuote(invitee.email) +
                                        ",\"expired_on\":" + JsonQuote(expired_on) + "}";
            AuditRecord record;
            record.action = "invitation.expired";
            record.target_type = "invitation";
            record.target_id = invitation.id;
            record.team_id = team.id;
            record.account_id = team.account_id;
            record.actor_role = "system";
            record.after_json = payload;
            record.detail = "the invitation of " + invitee.email + " to " + team.name +
                            " expired on " + expired_on + " without being accepted";
            SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, record));
            SW_RETURN_IF_ERROR(EnqueueWebhookEvent(tx, deps_, team.id, "invitation.expired",
                                                   payload, "invitation.expired:" + invitation.id));
            if (invitation.invited_by) {
              SW_ASSIGN_OR_RETURN(auto membership, deps_.repos.users->GetMembership(
                                                       tx, team.id, *invitation.invited_by));
              if (membership && membership->status == core::MembershipStatus::kActive) {
                SW_ASSIGN_OR_RETURN(auto inviter,
                                    deps_.repos.users->Get(tx, *invitation.invited_by));
                Email email;
                email.event_key = "invitation-expired:" + invitation.id;
                email.template_name = "invitation_expired";
                email.to = &inviter;
                email.team_id = team.id;
                email.action_url = base_url_ + "/teams/" + team.id + "/users";
                email.subject = "The invitation to " + invitee.email + " expired";
                email.body = "The invitation to " + PersonLabel(invitee) + " to join " + team.name +
                             " expired on " + expired_on +
                             " without being accepted. Resend it from Users:\n" + email.action_url;
                email.payload_json = payload;
                SW_RETURN_IF_ERROR(EnqueueEmail(tx, deps_, email));
              }
            }
            return true;
          }));
      if (done) ++batch_marked;
    }
    marked += batch_marked;
    // A short batch is the last; a batch of which nothing could be marked would repeat.
    if (static_cast<int>(due.size()) < kBatch || batch_marked == 0) break;
  }
  return marked;
}

core::Result<int> AlertService::AnnounceStaleDevices(core::TimePoint now) {
  const Caller caller = SystemCaller("device_staleness");
  const core::TimePoint last_seen_before = now - kOutOfDateAfter;
  int announced = 0;
  while (true) {
    SW_ASSIGN_OR_RETURN(
        auto stale,
        deps_.db.Transact<std::vector<core::Device>>(store::TxMode::kRead, [&](store::Tx& tx) {
          return deps_.repos.devices->ListStaleUnannounced(tx, last_seen_before, kBatch);
        }));
    int batch_announced = 0;
    for (const auto& device : stale) {
      const core::TimePoint last_seen = device.last_check_in_at.value_or(device.registered_at);
      SW_ASSIGN_OR_RETURN(
          bool done,
          deps_.db.Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
            SW_ASSIGN_OR_RETURN(bool fresh,
                                deps_.repos.devices->MarkStaleAnnounced(tx, device.id, last_seen));
            if (!fresh) return false;  // checked in or announced meanwhile
            const std::string key = "device.out_of_date:" + device.id + ":" +
                                    std::to_string(core::ToUnixMillis(last_seen));
            const std::string payload =
                "{\"device_id\":" + JsonQuote(device.id) +
                ",\"asset_name\":" + JsonQuote(device.asset_name) + ",\"last_check_in_at\":" +
                (device.last_check_in_at ? JsonQuote(DateText(*device.last_check_in_at))
                                         : std::string("null")) +
                ",\"days_without_check_in\":" +
                std::to_string(std::chrono::floor<days>(now - last_seen).count()) + "}";
            SW_RETURN_IF_ERROR(
                EnqueueWebhookEvent(tx, deps_, device.team_id, "device.out_of_date", payload, key));
            AuditRecord record;
            record.action = "device.out_of_date";
            record.target_type = "device";
            record.target_id = device.id;
            record.team_id = device.team_id;
            record.actor_role = "system";
            record.after_json = payload;
            record.detail = device.asset_name + " has not checked in since " + DateText(last_seen);
            SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, record));
            return true;
          }));
      if (done) ++batch_announced;
    }
    announced += batch_announced;
    if (static_cast<int>(stale.size()) < kBatch || batch_announced == 0) break;
  }
  return announced;
}

}  // namespace seatwise::service
