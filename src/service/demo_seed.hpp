#pragma once
// The demo instance: a publisher, a reseller with one customer of two teams (and a second
// reseller with a one-team customer, for cross-customer checks), a catalog with
// a product group, an Industry Collection and services, contracts of every kind of seat, and
// a dozen people covering every role. Used by `seatwise demo` and `seatwise serve --demo`.

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
};

// Seeds the demo into a migrated database in one transaction, unless it already holds an
// account (then nothing is written and `seeded` is false).
core::Result<DemoSummary> SeedDemo(store::Database& database, store::Repositories& repos,
                                   const core::Clock& clock, core::Random& random);

// The password of every demo person.
inline constexpr std::string_view kDemoPassword = "seatwise-demo";

}  // namespace seatwise::service
