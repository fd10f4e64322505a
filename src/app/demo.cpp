#include "app/demo.hpp"

#include <chrono>
#include <iomanip>

#include "service/demo_seed.hpp"
#include "store/repositories.hpp"

namespace seatwise::app {

core::Result<void> PrepareDemo(store::Database& database, const core::Clock& clock,
                               core::Random& random, const EventLog& log, std::ostream& out,
                               const service::DemoOptions& options) {
  store::Repositories repos = store::MakeRepositories(random);
  // How long seeding takes is measured on the steady clock (a measurement, not a rule).
  const auto started = std::chrono::steady_clock::now();
  SW_ASSIGN_OR_RETURN(service::DemoSummary summary,
                      service::SeedDemo(database, repos, clock, random, options));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  if (summary.seeded) {
    log.Write(EventLevel::kInfo, "demo_seeded",
              {{"contracts", std::int64_t{summary.contracts}},
               {"subscriptions", std::int64_t{summary.subscriptions}},
               {"users", std::int64_t{summary.users}},
               {"usage_events", std::int64_t{summary.usage_events}},
               {"devices", std::int64_t{summary.devices}},
               {"leases", std::int64_t{summary.leases}},
               {"audit_entries", std::int64_t{summary.audit_entries}},
               {"ms", std::int64_t{ms}}});
    out << "Demo data seeded in " << std::fixed << std::setprecision(1)
        << static_cast<double>(ms) / 1000.0 << " s: " << summary.contracts << " contracts, "
        << summary.subscriptions << " subscriptions, " << summary.users << " people";
    if (options.activity) {
      out << "; twelve months of activity: " << summary.usage_events << " usage events, "
          << summary.devices << " devices, " << summary.leases << " network leases ("
          << summary.lease_denials << " refused), " << summary.credit_entries
          << " cloud-credit entries, " << summary.webhook_deliveries << " webhook deliveries, "
          << summary.audit_entries << " audit entries";
    }
    out << ".\n";
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
