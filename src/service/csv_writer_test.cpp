#include "service/csv_writer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "service/csv.hpp"

namespace seatwise::service {
namespace {

TEST(CsvWriterTest, QuotesOnlyFieldsThatNeedIt) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
}

TEST(CsvWriterTest, NeutralisesFormulaPrefixes) {
  EXPECT_EQ(CsvCell("=1+1"), "'=1+1");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-2"), "'-2");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\tx"), "'\tx");
  EXPECT_EQ(CsvCell("=A1,B1"), "\"'=A1,B1\"");
  EXPECT_EQ(CsvCell("a=b"), "a=b");
}

TEST(CsvWriterTest, WhatItWritesParsesBackToTheSameFields) {
  const std::vector<std::string> header{"name", "note"};
  const std::vector<std::string> row{"Smith, \"Jr.\"", "line one\r\nline two"};
  const std::vector<std::string> utf8{"Zoë’s Mac", ""};
  CsvWriter writer;
  writer.Row(header).Row(row).Row(utf8);
  auto parsed = ParseCsv(writer.str());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].fields, header);
  EXPECT_EQ((*parsed)[1].fields, row);
  EXPECT_EQ((*parsed)[2].fields, utf8);
}

}  // namespace
}  // namespace seatwise::service
