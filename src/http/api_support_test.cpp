#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/api.hpp"

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

}  // namespace
}  // namespace seatwise::http
