#pragma once
// Roles and the permission matrix of DOMAIN.md, as data. Services consult it; handlers never
// decide permissions on their own.

#include <array>
#include <optional>
#include <string_view>

namespace seatwise::core {

enum class Role {
  kOperator,             // the publisher, whole instance
  kReseller,             // its own customers
  kContractManager,      // one per contract
  kPrimaryAdmin,         // exactly one per team
  kSecondaryAdmin,       // any number per team
  kSoftwareCoordinator,  // at most one per serial-number contract
  kUser,                 // own data
};
inline constexpr std::size_t kRoleCount = 7;

// Storage and API name of a role: "operator", "reseller", "contract_manager",
// "primary_admin", "secondary_admin", "software_coordinator", "user".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

enum class Capability {
  kReportOwnUsage,
  kReportTeamUsage,
  kManageUsers,  // invite, remove, assign, unassign
  kManageDevices,
  kBillingAndOrders,
  kManageSecondaryAdmins,
  kChangeContractManagerOrPrimaryAdmin,
  kChangeSoftwareCoordinator,
  kCreateOrders,   // and renew contracts
  kManageCatalog,  // products, groups, collections, services: the publisher only
};
inline constexpr std::size_t kCapabilityCount = 10;

// How far a granted capability reaches for a role.
enum class Grant {
  kDenied,
  kEverything,             // the whole instance, or the whole team for team roles
  kOwnCustomers,           // reseller: accounts it sells to
  kOwnContracts,           // CM or SC: the contracts naming them
  kIfAlsoContractManager,  // PA: only where the same person is the contract's CM
};

// The matrix: one row per capability, one column per role (in Role order).
Grant GrantFor(Role role, Capability capability);

}  // namespace seatwise::core
