#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <boost/json/serialize.hpp>

#include "http/api.hpp"
#include "http/router.hpp"

namespace seatwise::http {
namespace {

TEST(ParseTimeTest, ReadsRfc3339WithFractionsAndOffsets) {
  auto z = ParseTime("2026-01-02T03:04:05Z");
  ASSERT_TRUE(z);
  EXPECT_EQ(FormatTime(*z), "2026-01-02T03:04:05.000Z");
  auto frac = ParseTime("2026-01-02T03:04:05.25Z");
  ASSERT_TRUE(frac);
  EXPECT_EQ(FormatTime(*frac), "2026-01-02T03:04:05.250Z");
  auto offset = ParseTime("2026-01-02T05:04:05+02:00");
  ASSERT_TRUE(offset);
  EXPECT_EQ(*offset, *z);
  for (const char* bad : {"2026-01-02", "2026-13-02T03:04:05Z", "2026-01-02T03:04:05",
                          "2026-01-02T03:04:05Zjunk", "yesterday"}) {
    EXPECT_FALSE(ParseTime(bad)) << bad;
  }
}

// One reader for every list: `after` and `limit` with the same caps and the same messages.
TEST(ReadPageTest, ReadsTheCursorAndSizeAndNamesEachBadOne) {
  auto read = [](const std::string& target, int max_limit = store::kMaxPageSize) {
    Request request;
    EXPECT_TRUE(request.SetTarget(target)) << target;
    store::PageRequest page{"", 50};
    std::vector<core::FieldError> errors;
    ReadPage(request, page.after, page.limit, errors, max_limit);
    return std::make_pair(page, errors);
  };
  auto [plain, none] = read("/x");
  EXPECT_EQ(plain.after, "");
  EXPECT_EQ(plain.limit, 50);
  EXPECT_TRUE(none.empty());
  auto [given, fine] = read("/x?after=abc&limit=7");
  EXPECT_EQ(given.after, "abc");
  EXPECT_EQ(given.limit, 7);
  EXPECT_TRUE(fine.empty());
  const std::vector<std::string> bad_limits = {"0", "-1", "abc", "99999",
                                               std::to_string(store::kMaxPageSize + 1)};
  for (const std::string& bad : bad_limits) {
    auto [page, errors] = read("/x?limit=" + bad);
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].field, "limit");
    EXPECT_EQ(errors[0].message,
              "must be an integer from 1 to " + std::to_string(store::kMaxPageSize));
    EXPECT_EQ(page.limit, 50) << "a bad limit keeps the default";
  }
  auto [small, capped] = read("/x?limit=30", 20);
  ASSERT_EQ(capped.size(), 1u);
  EXPECT_EQ(capped[0].message, "must be an integer from 1 to 20");
  auto [long_cursor, too_long] = read("/x?after=" + std::string(201, 'a'));
  ASSERT_EQ(too_long.size(), 1u);
  EXPECT_EQ(too_long[0].field, "after");
}

// One shape for every list answer: the items and the next cursor, null on the last page.
TEST(PageJsonTest, WritesTheItemsAndTheNextCursorOrNull) {
  store::Page<std::string> page;
  page.items = {"a", "b"};
  page.next_after = "b";
  const boost::json::object more =
      PageJson(page, [](const std::string& s) { return boost::json::value(s); });
  EXPECT_EQ(boost::json::serialize(more), R"({"items":["a","b"],"next_after":"b"})");
  const boost::json::object last = PageJson(boost::json::array{}, "");
  EXPECT_EQ(boost::json::serialize(last), R"({"items":[],"next_after":null})");
}

}  // namespace
}  // namespace seatwise::http
