#pragma once
// Every repository, built once by the composition root and shared by the services. Each
// method takes the caller's Tx, so one service call composes several in one transaction.
// One SQL implementation serves both backends.

#include <memory>

#include "core/random.hpp"
#include "store/account_repository.hpp"
#include "store/activation_repository.hpp"
#include "store/assignment_repository.hpp"
#include "store/audit_repository.hpp"
#include "store/auth_repository.hpp"
#include "store/catalog_repository.hpp"
#include "store/contract_repository.hpp"
#include "store/device_repository.hpp"
#include "store/job_repository.hpp"
#include "store/lease_repository.hpp"
#include "store/outbox_repository.hpp"
#include "store/personal_data_repository.hpp"
#include "store/signing_key_repository.hpp"
#include "store/usage_repository.hpp"
#include "store/user_repository.hpp"
#include "store/webhook_repository.hpp"

namespace seatwise::store {

struct Repositories {
  std::unique_ptr<AccountRepository> accounts;
  std::unique_ptr<UserRepository> users;
  std::unique_ptr<CatalogRepository> catalog;
  std::unique_ptr<ContractRepository> contracts;
  std::unique_ptr<AssignmentRepository> assignments;
  std::unique_ptr<DeviceRepository> devices;
  std::unique_ptr<ActivationRepository> activations;
  std::unique_ptr<LeaseRepository> leases;
  std::unique_ptr<UsageRepository> usage;
  std::unique_ptr<AuthRepository> auth;
  std::unique_ptr<OutboxRepository> outbox;
  std::unique_ptr<AuditRepository> audit;
  std::unique_ptr<WebhookRepository> webhooks;
  std::unique_ptr<SigningKeyRepository> signing_keys;
  std::unique_ptr<JobRepository> jobs;
  std::unique_ptr<PersonalDataRepository> personal_data;
};

// The SQL repositories. `random` draws the ids of objects created without one; it must
// outlive the repositories.
Repositories MakeRepositories(core::Random& random);

std::unique_ptr<AccountRepository> NewSqlAccountRepository(core::Random& random);
std::unique_ptr<UserRepository> NewSqlUserRepository(core::Random& random);
std::unique_ptr<CatalogRepository> NewSqlCatalogRepository(core::Random& random);
std::unique_ptr<ContractRepository> NewSqlContractRepository(core::Random& random);
std::unique_ptr<AssignmentRepository> NewSqlAssignmentRepository(core::Random& random);
std::unique_ptr<DeviceRepository> NewSqlDeviceRepository(core::Random& random);
std::unique_ptr<ActivationRepository> NewSqlActivationRepository(core::Random& random);
std::unique_ptr<LeaseRepository> NewSqlLeaseRepository(core::Random& random);
std::unique_ptr<UsageRepository> NewSqlUsageRepository(core::Random& random);
std::unique_ptr<AuthRepository> NewSqlAuthRepository(core::Random& random);
std::unique_ptr<OutboxRepository> NewSqlOutboxRepository(core::Random& random);
std::unique_ptr<AuditRepository> NewSqlAuditRepository(core::Random& random);
std::unique_ptr<WebhookRepository> NewSqlWebhookRepository(core::Random& random);
std::unique_ptr<SigningKeyRepository> NewSqlSigningKeyRepository();
std::unique_ptr<JobRepository> NewSqlJobRepository();

}  // namespace seatwise::store
