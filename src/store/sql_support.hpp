#pragma once
// Helpers shared by the sql_*_repository.cpp files: value conversions between domain types
// and driver values, id generation and page assembly. Internal to store/.

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/model.hpp"
#include "core/random.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store::sql {

inline Value Ms(core::TimePoint t) { return core::ToUnixMillis(t); }
inline Value OptMs(const std::optional<core::TimePoint>& t) {
  if (!t) return nullptr;
  return core::ToUnixMillis(*t);
}
inline Value OptText(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return *s;
}
inline Value Bool(bool b) { return std::int64_t{b ? 1 : 0}; }
inline Value Int(std::int64_t v) { return v; }
template <typename E>
Value Enum(E e) {
  return std::string(core::EnumName(e));
}
template <typename E>
Value OptEnum(const std::optional<E>& e) {
  if (!e) return nullptr;
  return std::string(core::EnumName(*e));
}

inline core::TimePoint TimeAt(const Row& row, std::size_t i) {
  return core::FromUnixMillis(row.Int(i));
}
inline std::optional<core::TimePoint> OptTimeAt(const Row& row, std::size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return core::FromUnixMillis(row.Int(i));
}
inline int IntAt(const Row& row, std::size_t i) { return static_cast<int>(row.Int(i)); }
// Stored enum names are guarded by CHECK constraints, so an unknown one cannot occur.
template <typename E>
E EnumAt(const Row& row, std::size_t i) {
  return core::ParseEnum<E>(row.Text(i)).value_or(E{});
}
template <typename E>
std::optional<E> OptEnumAt(const Row& row, std::size_t i) {
  if (row.IsNull(i)) return std::nullopt;
  return core::ParseEnum<E>(row.Text(i));
}

// Uses the caller's id when given (demo data, imports), else draws a new one.
inline void EnsureId(std::string& id, core::Random& random, std::string_view prefix) {
  if (id.empty()) id = core::NewId(random, prefix);
}

inline std::int64_t ClampLimit(int limit) { return std::clamp(limit, 1, kMaxPageSize); }

// Turns up to limit+1 fetched rows into a page whose cursor is the last item's key.
template <typename T, typename KeyFn>
Page<T> MakePage(std::vector<T> items, std::int64_t limit, KeyFn key) {
  Page<T> page;
  if (static_cast<std::int64_t>(items.size()) > limit) {
    items.resize(static_cast<std::size_t>(limit));
    page.next_after = key(items.back());
  }
  page.items = std::move(items);
  return page;
}

// Maps every row with `from_row`.
template <typename T, typename FromRow>
std::vector<T> MapRows(const Rows& rows, FromRow from_row) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& row : rows) out.push_back(from_row(row));
  return out;
}

// kNotFound naming `what` when a statement that must change one row changed none.
inline Result<void> ExpectChanged(Result<std::int64_t> changed, std::string_view what) {
  if (!changed.ok()) return std::move(changed).error();
  if (*changed == 0) {
    return core::MakeError(ErrorCode::kNotFound, std::string(what) + " not found");
  }
  return core::Ok();
}

// "<unix ms>:<id>" cursors order by time, then id.
inline std::string TimeCursor(core::TimePoint at, const std::string& id) {
  return std::to_string(core::ToUnixMillis(at)) + ":" + id;
}

inline Result<std::pair<std::int64_t, std::string>> ParseTimeCursor(const std::string& cursor) {
  if (cursor.empty()) return std::pair<std::int64_t, std::string>{INT64_MIN, ""};
  const auto colon = cursor.find(':');
  std::int64_t ms = 0;
  if (colon != std::string::npos) {
    auto [ptr, ec] = std::from_chars(cursor.data(), cursor.data() + colon, ms);
    if (ec == std::errc() && ptr == cursor.data() + colon) {
      return std::pair<std::int64_t, std::string>{ms, cursor.substr(colon + 1)};
    }
  }
  return core::MakeError(ErrorCode::kInvalidArgument, "malformed page cursor");
}

// `sql` followed by the backend's row-lock suffix.
inline std::string WithLock(std::string_view sql, Backend backend) {
  std::string out(sql);
  out += ForUpdate(backend);
  return out;
}

}  // namespace seatwise::store::sql
