#pragma once
// Resellers, customer accounts and their teams.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

// A computer registered to a team, as a move between teams sees it.
struct TeamDevice {
  std::string id;
  std::string asset_name;
  std::string fingerprint_hash;
};

// A contract a device uses now: a live activation or a held lease on one of its subscriptions.
struct DeviceUse {
  std::string device_id;
  std::string contract_id;
};

// An active assignment of one of a team's subscriptions.
struct TeamHolder {
  std::string contract_id;
  std::string subscription_id;
  std::string user_id;
};

class AccountRepository {
 public:
  virtual ~AccountRepository() = default;

  // Create* fill an empty id and return the stored object.
  virtual Result<core::Reseller> CreateReseller(Tx& tx, core::Reseller reseller) = 0;
  virtual Result<core::Reseller> GetReseller(Tx& tx, const std::string& id) = 0;
  virtual Result<Page<core::Reseller>> ListResellers(Tx& tx, const PageRequest& page) = 0;
  // Resellers by name (case-insensitive), then id; a non-empty `search` keeps those whose
  // name or contact e-mail contains it (case-insensitive). The cursor is a reseller id.
  virtual Result<Page<core::Reseller>> SearchResellers(Tx& tx, const std::string& search,
                                                       const PageRequest& page) = 0;
  // The reseller with this name in any letter case.
  virtual Result<std::optional<core::Reseller>> FindResellerByName(Tx& tx,
                                                                   const std::string& name) = 0;
  // Writes name, contact_email and updated_at; kNotFound for an unknown id.
  virtual Result<void> UpdateReseller(Tx& tx, const core::Reseller& reseller) = 0;
  // How many accounts the reseller sells to.
  virtual Result<std::int64_t> CountCustomers(Tx& tx, const std::string& reseller_id) = 0;
  // Up to `limit` of the reseller's accounts by name (case-insensitive), then id.
  virtual Result<std::vector<core::Account>> ListCustomersByName(Tx& tx,
                                                                 const std::string& reseller_id,
                                                                 int limit) = 0;

  virtual Result<core::Account> CreateAccount(Tx& tx, core::Account account) = 0;
  virtual Result<core::Account> GetAccount(Tx& tx, const std::string& id) = 0;
  // Every account, or a reseller's customers when `reseller_id` is set.
  virtual Result<Page<core::Account>> ListAccounts(Tx& tx,
                                                   const std::optional<std::string>& reseller_id,
                                                   const PageRequest& page) = 0;
  virtual Result<void> UpdateCompanyInfo(Tx& tx, const std::string& account_id,
                                         const core::CompanyInfo& company, core::TimePoint now) = 0;

  virtual Result<core::Team> CreateTeam(Tx& tx, core::Team team) = 0;
  virtual Result<core::Team> GetTeam(Tx& tx, const std::string& id) = 0;
  // Locks the team row until the transaction ends: serialises changes of who holds the
  // team's roles (one Primary Admin per team).
  virtual Result<core::Team> LockTeam(Tx& tx, const std::string& id) = 0;
  virtual Result<std::vector<core::Team>> ListTeams(Tx& tx, const std::string& account_id) = 0;
  virtual Result<void> RenameTeam(Tx& tx, const std::string& team_id, const std::string& name,
                                  core::TimePoint now) = 0;

  // Moving between teams of one account (service/teams.hpp). Every list is ordered by id.
  virtual Result<std::vector<TeamDevice>> ListTeamDevices(Tx& tx, const std::string& team_id) = 0;
  virtual Result<std::vector<DeviceUse>> ListDeviceUse(Tx& tx, const std::string& team_id,
                                                       core::TimePoint now) = 0;
  virtual Result<std::vector<TeamHolder>> ListTeamHolders(Tx& tx, const std::string& team_id) = 0;
  // The contract (its subscriptions follow it) and its usage rollups go to `team_id`.
  virtual Result<void> MoveContract(Tx& tx, const std::string& contract_id,
                                    const std::string& team_id, core::TimePoint now) = 0;
  virtual Result<void> MoveDevice(Tx& tx, const std::string& device_id, const std::string& team_id,
                                  core::TimePoint now) = 0;
  // The user's open invitations to `from` become invitations to `to`.
  virtual Result<void> MoveInvitations(Tx& tx, const std::string& from, const std::string& to,
                                       const std::string& user_id) = 0;
  // Every webhook endpoint of `from` goes to `to`; returns how many.
  virtual Result<std::int64_t> MoveWebhooks(Tx& tx, const std::string& from,
                                            const std::string& to) = 0;
  virtual Result<std::int64_t> CountWebhooks(Tx& tx, const std::string& team_id) = 0;
  // Deletes an emptied team: its memberships and invitations go with it; kConflict while a
  // contract, device or usage rollup still names it.
  virtual Result<void> DeleteTeam(Tx& tx, const std::string& team_id) = 0;
};

}  // namespace seatwise::store
