#include "app/team_commands.hpp"

#include <gtest/gtest.h>

namespace seatwise::app {
namespace {

TEST(PercentEncodeTest, KeepsUnreservedCharactersAndEncodesTheRest) {
  EXPECT_EQ(PercentEncode("Ann-ann_1.x~"), "Ann-ann_1.x~");
  EXPECT_EQ(PercentEncode("ann+test@contoso.example"), "ann%2Btest%40contoso.example");
  EXPECT_EQ(PercentEncode("a b&c=d/e?"), "a%20b%26c%3Dd%2Fe%3F");
  EXPECT_EQ(PercentEncode("Zoë"), "Zo%C3%AB");
  EXPECT_EQ(PercentEncode(""), "");
}

}  // namespace
}  // namespace seatwise::app
