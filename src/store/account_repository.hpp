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
};

}  // namespace seatwise::store
