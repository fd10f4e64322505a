#include "service/csv.hpp"

#include <gtest/gtest.h>

#include <string>

namespace seatwise::service {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> MustParse(std::string_view text) {
  auto parsed = ParseCsv(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? *parsed : std::vector<CsvRecord>{};
}

TEST(CsvTest, ReadsQuotedFieldsWithCommasDoubledQuotesAndLineBreaks) {
  auto records = MustParse("a,b,c\n\"Smith, Jr.\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nx,,\"\"\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields, (Fields{"Smith, Jr.", "say \"hi\"", "two\r\nlines"}));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].fields, (Fields{"x", "", ""}));
  EXPECT_EQ(records[2].line, 4);  // the quoted line break counts as a line
}

TEST(CsvTest, StripsTheByteOrderMarkAndAcceptsCrlfAndLastLineWithoutBreak) {
  auto records = MustParse("\xEF\xBB\xBFname,email\r\nAnn,ann@x.example\r\nBo,bo@x.example");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (Fields{"name", "email"}));
  EXPECT_EQ(records[2].fields, (Fields{"Bo", "bo@x.example"}));
}

TEST(CsvTest, SkipsEmptyLines) {
  auto records = MustParse("a\n\n\r\nb\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"b"}));
  EXPECT_EQ(records[1].line, 4);
}

TEST(CsvTest, UnterminatedQuoteNamesTheLineWhereItOpened) {
  auto parsed = ParseCsv("a,b\nc,\"open\nstill open\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(parsed.error().message.find("line 2"), std::string::npos) << parsed.error().message;
}

TEST(CsvTest, RefusesStrayQuotesAndTextAfterAClosingQuote) {
  auto stray = ParseCsv("a,b\nx,y\"z\n");
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.error().message.find("line 2"), std::string::npos);
  auto after = ParseCsv("a\n\"q\"x\n");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("line 2"), std::string::npos);
}

TEST(CsvTest, RefusesTextThatIsNotUtf8) {
  auto parsed = ParseCsv("a\n\xE9t\xE9\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("line 2"), std::string::npos);
  EXPECT_TRUE(ParseCsv("a\n\xC3\xA9t\xC3\xA9\n").ok());
}

TEST(CsvTest, HeaderColumnsInAnyOrderAndCase) {
  auto table = ParseCsvWithHeader(" Email ,LAST_NAME,extra,First_Name\nann@x.example,Lee,?,Ann\n",
                                  {"first_name", "last_name", "email"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ(table->columns, (std::vector<int>{3, 1, 0}));
  ASSERT_EQ(table->records.size(), 1u);
  EXPECT_EQ(CsvField(table->records[0], table->columns[0]), "Ann");
  EXPECT_EQ(CsvField(table->records[0], 7), "");
}

TEST(CsvTest, MissingHeaderColumnOrEmptyFileIsAClearError) {
  auto missing = ParseCsvWithHeader("first_name,email\nAnn,a@x.example\n",
                                    {"first_name", "last_name", "email"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("last_name"), std::string::npos);
  auto empty = ParseCsvWithHeader("\xEF\xBB\xBF\r\n", {"email"});
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
}

}  // namespace
}  // namespace seatwise::service
