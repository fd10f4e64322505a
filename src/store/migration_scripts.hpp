#pragma once
// The numbered schema migrations of each backend, embedded into the binary at build time from
// src/store/migrations/<backend>/NNNN_name.sql.

#include <span>
#include <string_view>

#include "store/database.hpp"

namespace seatwise::store {

struct MigrationScript {
  int version = 0;
  std::string_view name;
  std::string_view sql;
};

// Every migration of `backend`, in ascending version order.
std::span<const MigrationScript> MigrationScripts(Backend backend);

}  // namespace seatwise::store
