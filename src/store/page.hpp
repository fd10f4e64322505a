#pragma once
// Cursor pagination shared by every listing: ask for `limit` items after a cursor; the page
// says where the next one starts.

#include <string>
#include <vector>

namespace seatwise::store {

struct PageRequest {
  std::string after;  // cursor of the last item already seen; empty for the first page
  int limit = 50;     // clamped to [1, kMaxPageSize]
};

inline constexpr int kMaxPageSize = 1000;

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_after;  // empty on the last page
};

}  // namespace seatwise::store
