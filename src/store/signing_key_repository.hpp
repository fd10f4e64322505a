#pragma once
// Ed25519 keys that sign entitlement tokens. One key signs at a time; retired keys are
// still published so tokens they signed keep verifying until they expire.

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"

namespace seatwise::store {

class SigningKeyRepository {
 public:
  virtual ~SigningKeyRepository() = default;

  // Stores an inactive key.
  virtual Result<void> Create(Tx& tx, const core::SigningKey& key) = 0;
  virtual Result<core::SigningKey> Get(Tx& tx, const std::string& kid) = 0;
  virtual Result<std::optional<core::SigningKey>> GetActive(Tx& tx) = 0;
  // Every key, oldest first (for the JWKS document).
  virtual Result<std::vector<core::SigningKey>> List(Tx& tx) = 0;
  // Makes `kid` the signing key; the previous one is retired at `now`.
  virtual Result<void> Activate(Tx& tx, const std::string& kid, core::TimePoint now) = 0;
  virtual Result<void> Retire(Tx& tx, const std::string& kid, core::TimePoint now) = 0;
};

}  // namespace seatwise::store
