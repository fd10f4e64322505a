#pragma once
// The append-only audit log. There is no update or delete.

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

struct AuditFilter {
  std::optional<std::string> team_id;
  std::optional<std::string> actor_id;
  std::optional<std::string> action;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<core::TimePoint> from;  // at >= from
  std::optional<core::TimePoint> to;    // at < to
  std::optional<core::AuditOutcome> outcome;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;

  // Appends an entry; returns it with its id and seq.
  virtual Result<core::AuditEntry> Append(Tx& tx, core::AuditEntry entry) = 0;
  // Newest first; the cursor is the seq of the last entry seen.
  virtual Result<Page<core::AuditEntry>> List(Tx& tx, const AuditFilter& filter,
                                              const PageRequest& page) = 0;
  // GDPR erasure: blanks the IP addresses recorded for the actor; the entries stay.
  virtual Result<int> AnonymiseActor(Tx& tx, const std::string& actor_id) = 0;
};

}  // namespace seatwise::store
