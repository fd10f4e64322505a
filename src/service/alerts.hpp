#pragma once
// Time-driven alerts, run by the scheduled jobs as the system. Each use case is idempotent:
// running it again for the same instant, on this node or another, changes nothing.
//
// Inactive-user alerts (weekly). A seat is *inactive* when all of these hold at `now`:
//   - it is an active assignment of a single-user sign-in subscription of a product or
//     collection (serial seats are tied to computers, not people, and are not covered),
//     on a contract in force (active, expiring or renewed, started, product term not ended);
//   - it was assigned at least kInactiveAfter (30 days) before `now`;
//   - the daily usage rollup has no row for that subscription and person on a UTC day
//     starting at or after the day of `now` - 30 days. This is how the seat-usage report
//     counts "used" (a person who opened the product); activations and check-ins alone do
//     not count, since the desktop client refreshes them without the product being opened.
// One summary per team and admin (the Primary Admin and every Secondary Admin with an active
// membership) and ISO week, under the outbox event key
// "inactive-users:<team id>:<YYYY-Www>:<admin user id>"; none when no seat is inactive.
// Software Coordinators get none: they coordinate serial contracts, which have no inactive
// seats in the sense above.
//
// Invitation expiry (hourly). Open invitations past their expiry are marked expired, audited
// (invitation.expired), announced by the webhook event invitation.expired, and their sender
// is e-mailed while still an active member of the team. Resending still works afterwards.
//
// Device staleness (daily). Out of date stays computed when devices are read; this only
// announces, with the webhook event device.out_of_date, each device that went more than
// 30 days without a check-in (counted from its registration when it never checked in),
// once per stale period: a later check-in starts a new period.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

// A seat unused for this long, assigned at least this long ago, is inactive.
inline constexpr std::chrono::days kInactiveAfter{30};

// "2026-W01": the ISO 8601 week (weeks start on Monday; week 1 holds the year's first
// Thursday) of `t` in UTC.
std::string IsoWeek(core::TimePoint t);

// "inactive-users:<team id>:<YYYY-Www>:<admin user id>"
std::string InactiveUsersKey(const std::string& team_id, core::TimePoint now,
                             const std::string& admin_id);

// One inactive seat of a team.
struct InactiveSeat {
  core::User user;
  std::string subscription_id;
  std::string product_name;  // the product's, or the collection's for a collection seat
  core::TimePoint assigned_at{};
  std::optional<core::TimePoint> last_used;  // the last UTC day with usage; none: never
};

class AlertService {
 public:
  // `base_url` is the portal's public address, for links in e-mails.
  AlertService(const Deps& deps, std::string base_url)
      : deps_(deps), base_url_(std::move(base_url)) {}

  // The team's inactive seats at `now` (see above), by person name, e-mail and product.
  core::Result<std::vector<InactiveSeat>> ListInactiveSeats(const std::string& team_id,
                                                            core::TimePoint now);

  // Queues this week's summary to each admin of every team with inactive seats, once per
  // team, admin and ISO week, with an audit entry each (team.inactive_users_alert). One
  // transaction per summary. Returns how many summaries were queued.
  core::Result<int> SendInactiveUserAlerts(core::TimePoint now);

  // Marks every open invitation past its expiry; one transaction per invitation. Returns how
  // many were marked.
  core::Result<int> ExpireInvitations(core::TimePoint now);

  // Announces devices that became out of date; one transaction per device. Returns how many
  // were announced.
  core::Result<int> AnnounceStaleDevices(core::TimePoint now);

 private:
  Deps deps_;
  std::string base_url_;
};

}  // namespace seatwise::service
