#include "store/repositories.hpp"

namespace seatwise::store {

Repositories MakeRepositories(core::Random& random) {
  Repositories r;
  r.accounts = NewSqlAccountRepository(random);
  r.users = NewSqlUserRepository(random);
  r.catalog = NewSqlCatalogRepository(random);
  r.contracts = NewSqlContractRepository(random);
  r.assignments = NewSqlAssignmentRepository(random);
  r.devices = NewSqlDeviceRepository(random);
  r.activations = NewSqlActivationRepository(random);
  r.leases = NewSqlLeaseRepository(random);
  r.usage = NewSqlUsageRepository(random);
  r.auth = NewSqlAuthRepository(random);
  r.outbox = NewSqlOutboxRepository(random);
  r.audit = NewSqlAuditRepository(random);
  r.webhooks = NewSqlWebhookRepository(random);
  r.signing_keys = NewSqlSigningKeyRepository();
  r.jobs = NewSqlJobRepository();
  r.personal_data = NewSqlPersonalDataRepository();
  return r;
}

}  // namespace seatwise::store
