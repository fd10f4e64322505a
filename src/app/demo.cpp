#include "app/demo.hpp"

#include <iomanip>

#include "service/demo_seed.hpp"
#include "store/repositories.hpp"

namespace seatwise::app {

core::Result<void> PrepareDemo(store::Database& database, const core::Clock& clock,
                               core::Random& random, const EventLog& log, std::ostream& out) {
  store::Repositories repos = store::MakeRepositories(random);
  SW_ASSIGN_OR_RETURN(service::DemoSummary summary,
                      service::SeedDemo(database, repos, clock, random));
  if (summary.seeded) {
    log.Write(EventLevel::kInfo, "demo_seeded",
              {{"contracts", std::int64_t{summary.contracts}},
               {"subscriptions", std::int64_t{summary.subscriptions}},
               {"users", std::int64_t{summary.users}}});
    out << "Demo data seeded: " << summary.contracts << " contracts, " << summary.subscriptions
        << " subscriptions, " << summary.users << " people.\n";
  } else {
    out << "The database already holds data; the demo seed left it as it was.\n";
  }
  out << "Demo sign-in (password for everyone: " << summary.password << "):\n";
  for (const service::DemoLogin& login : summary.logins) {
    out << "  " << std::left << std::setw(34) << login.email << " " << login.roles << "\n";
  }
  out.flush();
  return core::Ok();
}

}  // namespace seatwise::app
