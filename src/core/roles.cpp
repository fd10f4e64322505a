#include "core/roles.hpp"

namespace seatwise::core {
namespace {

constexpr std::array<std::string_view, kRoleCount> kRoleNames = {
    "operator",      "reseller",        "contract_manager",
    "primary_admin", "secondary_admin", "software_coordinator",
    "user"};

using G = Grant;
constexpr G D = G::kDenied;
constexpr G E = G::kEverything;
constexpr G R = G::kOwnCustomers;
constexpr G O = G::kOwnContracts;
constexpr G C = G::kIfAlsoContractManager;

// Columns: Operator, Reseller, CM, PA, SA, SC, User — the table of DOMAIN.md.
constexpr std::array<std::array<G, kRoleCount>, kCapabilityCount> kMatrix = {{
    /* report own usage    */ {E, D, E, E, E, E, E},
    /* report team usage   */ {E, D, E, E, E, O, D},
    /* manage users        */ {E, D, D, E, E, O, D},
    /* manage devices      */ {E, D, D, E, E, O, D},
    /* billing & orders    */ {E, R, O, C, D, D, D},
    /* secondary admins    */ {D, D, D, E, E, D, D},
    /* change CM / PA      */ {E, R, E, D, D, D, D},
    /* change SC           */ {E, R, E, D, D, D, D},
    /* create orders       */ {E, R, D, D, D, D, D},
    /* manage catalog      */ {E, D, D, D, D, D, D},
}};

}  // namespace

std::string_view RoleName(Role role) { return kRoleNames[static_cast<std::size_t>(role)]; }

std::optional<Role> ParseRole(std::string_view name) {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

Grant GrantFor(Role role, Capability capability) {
  return kMatrix[static_cast<std::size_t>(capability)][static_cast<std::size_t>(role)];
}

}  // namespace seatwise::core
