#pragma once
// Computers the desktop software runs on, per team.

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

struct DeviceFilter {
  std::optional<core::TimePoint> checked_in_before;  // e.g. out of date: now - 30 days
  std::optional<core::TimePoint> checked_in_since;
  std::optional<std::string> last_user_id;
};

class DeviceRepository {
 public:
  virtual ~DeviceRepository() = default;

  // Registers the device in its team, or returns the one with the same fingerprint hash
  // (then `device`'s other fields are ignored). Safe under concurrent registrations.
  virtual Result<core::Device> Register(Tx& tx, core::Device device) = 0;
  virtual Result<core::Device> Get(Tx& tx, const std::string& id) = 0;
  virtual Result<std::optional<core::Device>> FindByFingerprint(
      Tx& tx, const std::string& team_id, const std::string& fingerprint_hash) = 0;
  // Records a check-in: time, user (if signed in) and the client's version and OS.
  virtual Result<void> CheckIn(Tx& tx, const std::string& id,
                               const std::optional<std::string>& user_id,
                               const std::string& app_version, const std::string& os,
                               core::TimePoint now) = 0;
  // Stores the hash of the device's credential, replacing any earlier one (which then stops
  // working).
  virtual Result<void> SetCredential(Tx& tx, const std::string& id,
                                     const std::string& credential_hash, core::TimePoint now) = 0;
  // As SetCredential, for a credential issued to a signed-in member enrolling the computer.
  virtual Result<void> SetMemberCredential(Tx& tx, const std::string& id,
                                           const std::string& credential_hash,
                                           const std::string& user_id, core::TimePoint now) = 0;
  // Whether the device has a credential, and which member it was issued to (none for one of
  // a serial activation).
  struct CredentialHolder {
    bool issued = false;
    std::optional<std::string> user_id;
  };
  virtual Result<CredentialHolder> GetCredentialHolder(Tx& tx, const std::string& id) = 0;
  // The device whose current credential has this hash, if any.
  virtual Result<std::optional<core::Device>> FindByCredential(
      Tx& tx, const std::string& credential_hash) = 0;
  // Writes the admin-editable fields: asset name, description, default accesses.
  virtual Result<void> UpdateDetails(Tx& tx, const core::Device& device, core::TimePoint now) = 0;
  // A team's devices ordered by id; the cursor is the id.
  virtual Result<Page<core::Device>> ListByTeam(Tx& tx, const std::string& team_id,
                                                const DeviceFilter& filter,
                                                const PageRequest& page) = 0;

  // Staleness announcements (the device_staleness job). A device's last-seen time is its last
  // check-in, or its registration when it never checked in. Lists up to `limit` devices of
  // every team last seen before `last_seen_before` and not yet announced for that last-seen
  // time, ordered by id.
  virtual Result<std::vector<core::Device>> ListStaleUnannounced(Tx& tx,
                                                                 core::TimePoint last_seen_before,
                                                                 int limit) = 0;
  // Records the announcement of the stale period that began at `last_seen`; true only the first
  // time, and only while `last_seen` is still the device's last-seen time (a check-in since
  // makes it false).
  virtual Result<bool> MarkStaleAnnounced(Tx& tx, const std::string& id,
                                          core::TimePoint last_seen) = 0;
};

}  // namespace seatwise::store
