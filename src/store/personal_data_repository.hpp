#pragma once
// GDPR support: every stored row that names one person, read table by table for the data
// export, and the free text clients reported beside a user id, blanked on erasure. Secrets and
// their hashes are never selected.

#include <memory>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace seatwise::store {

// The rows of one table (or one view of it) that concern the person, with column names.
struct PersonalDataSet {
  std::string name;  // "memberships", "leases", "audit_entries", ...
  std::vector<std::string> columns;
  Rows rows;
};

class PersonalDataRepository {
 public:
  virtual ~PersonalDataRepository() = default;

  // Memberships, contracts where CM or SC, assignments, devices they last used, activations,
  // leases, usage events, daily usage, credit entries, invitations, sessions, API tokens,
  // OAuth grants, password resets and audit entries they caused, oldest first per set.
  virtual Result<std::vector<PersonalDataSet>> Collect(Tx& tx, const std::string& user_id) = 0;

  // Blanks the OS user names and host names leases recorded for the user; returns the rows
  // changed. Idempotent.
  virtual Result<int> AnonymiseUserTraces(Tx& tx, const std::string& user_id) = 0;
};

std::unique_ptr<PersonalDataRepository> NewSqlPersonalDataRepository();

}  // namespace seatwise::store
