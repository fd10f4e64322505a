#include "store/database.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "store/postgres/postgres_database.hpp"
#include "store/sqlite/sqlite_database.hpp"

namespace seatwise::store {
namespace {

constexpr std::string_view kAllowedUrls =
    "use sqlite:///absolute/path.db, sqlite://relative/path.db, sqlite::memory: or "
    "postgresql://user[:password]@host[:port]/dbname";

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The part of a URL before "://" or ":", safe to echo: never holds a password.
std::string_view Scheme(std::string_view url) {
  std::size_t end = url.find(':');
  return end == std::string_view::npos ? std::string_view() : url.substr(0, end);
}

Error BadUrl(std::string_view why) {
  return core::MakeError(ErrorCode::kInvalidArgument,
                         fmt::format("invalid database URL: {}; {}", why, kAllowedUrls));
}

Result<std::unique_ptr<Database>> OpenSqliteFile(const DatabaseOptions& options,
                                                 std::string_view path) {
  if (path.empty()) return BadUrl("the SQLite URL names no file");
  std::filesystem::path file{std::string(path)};
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec) {
      return core::MakeError(ErrorCode::kUnavailable,
                             fmt::format("cannot create the database directory {}: {}",
                                         file.parent_path().string(), ec.message()));
    }
  }
  return sqlite::OpenSqliteDatabase(options, file.string());
}

}  // namespace

std::string_view BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return "sqlite";
    case Backend::kPostgres:
      return "postgresql";
  }
  return "unknown";
}

std::string_view ForUpdate(Backend backend) {
  return backend == Backend::kPostgres ? " FOR UPDATE" : "";
}

bool Row::IsNull(std::size_t i) const {
  return std::holds_alternative<std::nullptr_t>(values_.at(i));
}

// The accessors convert between representations because the backends disagree on some
// result types (PostgreSQL's SUM(bigint) is numeric, decoded as double; SQLite may hand
// back a number stored in a TEXT column).
std::int64_t Row::Int(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    std::from_chars(s->data(), s->data() + s->size(), out);
    return out;
  }
  return 0;
}

double Row::Real(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0.0;
}

std::string Row::Text(std::size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return "";
}

std::optional<std::int64_t> Row::OptInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

Result<Row> Tx::QueryOne(std::string_view sql, const Params& params, std::string_view what) {
  SW_ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  if (rows.empty()) {
    return core::MakeError(ErrorCode::kNotFound, fmt::format("{} not found", what));
  }
  return std::move(rows.front());
}

Result<std::optional<Row>> Tx::QueryOptional(std::string_view sql, const Params& params) {
  SW_ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Result<std::unique_ptr<Database>> OpenDatabase(const DatabaseOptions& options) {
  if (options.pool_size < 1) {
    return core::MakeError(
        ErrorCode::kInvalidArgument,
        fmt::format("database pool size must be at least 1 (got {})", options.pool_size));
  }
  std::string_view url = options.url;
  if (url.empty()) return BadUrl("it is empty");
  if (url == "sqlite::memory:") return sqlite::OpenSqliteDatabase(options, std::nullopt);
  // "sqlite:///abs" keeps its leading slash; "sqlite://rel" is relative to the working
  // directory.
  if (StartsWith(url, "sqlite://")) {
    return OpenSqliteFile(options, url.substr(std::string_view("sqlite://").size()));
  }
  if (StartsWith(url, "sqlite:")) return BadUrl("a SQLite URL starts with sqlite://");
  if (StartsWith(url, "postgresql://") || StartsWith(url, "postgres://")) {
    return postgres::OpenPostgresDatabase(options);
  }
  if (Scheme(url).empty()) return BadUrl("it has no scheme");
  return BadUrl(fmt::format("unsupported scheme \"{}\"", Scheme(url)));
}

}  // namespace seatwise::store
