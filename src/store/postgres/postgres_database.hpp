#pragma once
// The scale-out backend: a pool of libpq connections to one PostgreSQL database.

#include <memory>
#include <string>
#include <string_view>

#include "store/database.hpp"

namespace seatwise::store::postgres {

// Opens a pool for a postgresql:// or postgres:// URL (handed to libpq as is). Connects
// once so an unreachable server fails here with kUnavailable.
Result<std::unique_ptr<Database>> OpenPostgresDatabase(const DatabaseOptions& options);

// Portable SQL rewritten for PostgreSQL: each `?` becomes $1..$n, in order. Quoted strings
// ('...', E'...', $tag$...$tag$), quoted identifiers and comments are copied untouched.
struct NumberedSql {
  std::string text;
  int placeholders = 0;
  bool several_statements = false;  // a `;` is followed by another statement
};
NumberedSql NumberPlaceholders(std::string_view sql);

}  // namespace seatwise::store::postgres
