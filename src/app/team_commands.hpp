#pragma once
// Customer-administration subcommands over the API with the stored token: users (list,
// invite, import, remove), products, assign and unassign, contracts (list, renew, migrate).
// Teams are named by id or by name; people by user id or e-mail.

#include <optional>
#include <string>
#include <vector>

#include "app/admin_commands.hpp"

namespace seatwise::app {

struct UserListOptions {
  std::string team;
  std::string search;
  std::string role;
  std::string status;
};

int UsersList(const AdminIo& io, const UserListOptions& options);
int UsersInvite(const AdminIo& io, const std::string& team, const std::string& email,
                const std::string& first_name, const std::string& last_name);
// `file` "-" reads the CSV from standard input.
int UsersImport(const AdminIo& io, const std::string& team, const std::string& file);
int UsersRemove(const AdminIo& io, const std::string& team, const std::string& user);

int ProductsList(const AdminIo& io, const std::string& team);
// Several people to one subscription (by product), or one person to several (by user).
int Assign(const AdminIo& io, const std::string& team,
           const std::vector<std::string>& subscriptions, const std::vector<std::string>& users);
int Unassign(const AdminIo& io, const std::string& team, const std::string& subscription,
             const std::vector<std::string>& users);

int ContractsList(const AdminIo& io);
int ContractRenew(const AdminIo& io, const std::string& contract, std::optional<int> months);
int ContractMigrate(const AdminIo& io, const std::string& contract, bool dry_run);

// "a b&c" → "a%20b%26c": unreserved characters kept, everything else percent-encoded.
std::string PercentEncode(std::string_view text);

}  // namespace seatwise::app
