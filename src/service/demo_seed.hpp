#pragma once
// The demo instance: a publisher, a reseller with one customer of two teams (and a second
// reseller with a one-team customer, for cross-customer checks), a catalog with
// a product group, an Industry Collection and services, contracts of every kind of seat, and
// a dozen people covering every role. Used by `seatwise demo` and `seatwise serve --demo`.
//
// With its activity (the default), the demo is a living instance: twelve months of usage
// before the clock's now, devices online, offline and out of date, a floating-seat pool with
// daily peaks, refusals and a borrowed seat, cloud-credit consumption, a renewal notice already
// sent, a pending invitation, a webhook endpoint with delivered and failed attempts (recorded,
// never sent) and an audit trail. Everything made up is drawn from a fixed seed and placed
// relative to the clock, so two seeds at the same instant hold the same data whatever ids the
// injected Random gives.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "store/database.hpp"
#include "store/repositories.hpp"

namespace seatwise::service {

// One person of the demo and the roles they hold, for the sign-in table printed at start.
struct DemoLogin {
  std::string email;
  std::string name;
  std::string roles;  // e.g. "Contract Manager, Primary Admin (Contoso Design)"
};

struct DemoSummary {
  bool seeded = false;   // false when the database already had data and was left alone
  std::string password;  // every demo person signs in with it
  std::vector<DemoLogin> logins;
  int contracts = 0;
  int subscriptions = 0;
  int users = 0;
  // The activity seeded (all zero without it).
  int usage_events = 0;
  int devices = 0;
  int leases = 0;
  int lease_denials = 0;
  int credit_entries = 0;
  int audit_entries = 0;
  int webhook_deliveries = 0;
};

struct DemoOptions {
  // False: only the organisation, catalog, contracts, people and seats (the known starting
  // point the integration tests build on).
  bool activity = true;
  // Seals the demo webhook endpoint's signing secret, as the instance's webhooks do.
  std::array<std::uint8_t, 32> sealing_key{};
};

// Seeds the demo into a migrated database, unless it already holds an account (then nothing
// is written and `seeded` is false). The organisation and its activity up to the renewal
// notice commit in one transaction, the notice in the renewal job's own, the rest in a third.
core::Result<DemoSummary> SeedDemo(store::Database& database, store::Repositories& repos,
                                   const core::Clock& clock, core::Random& random,
                                   const DemoOptions& options = {});

// The password of every demo person.
inline constexpr std::string_view kDemoPassword = "seatwise-demo";

}  // namespace seatwise::service
