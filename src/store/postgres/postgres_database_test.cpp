#include "store/postgres/postgres_database.hpp"

#include <gtest/gtest.h>

namespace seatwise::store::postgres {
namespace {

struct Case {
  std::string sql;
  std::string numbered;
  int placeholders;
  bool several;
};

TEST(NumberPlaceholdersTest, NumbersOnlyRealPlaceholders) {
  const std::vector<Case> cases = {
      {"SELECT 1", "SELECT 1", 0, false},
      {"SELECT ? , ?", "SELECT $1 , $2", 2, false},
      {"SELECT 'a?b', ?", "SELECT 'a?b', $1", 1, false},
      {"SELECT 'it''s?', ?", "SELECT 'it''s?', $1", 1, false},
      {"SELECT E'\\'?', ?", "SELECT E'\\'?', $1", 1, false},
      {"SELECT \"odd?\"\"name\" FROM t WHERE a = ?", "SELECT \"odd?\"\"name\" FROM t WHERE a = $1",
       1, false},
      {"SELECT ? -- what?\n, ?", "SELECT $1 -- what?\n, $2", 2, false},
      {"SELECT ? /* a /* nested? */ comment? */ , ?",
       "SELECT $1 /* a /* nested? */ comment? */ , $2", 2, false},
      {"SELECT $$ ? $$, $tag$ '? $tag$, ?", "SELECT $$ ? $$, $tag$ '? $tag$, $1", 1, false},
      {"SELECT a$b, ? FROM t", "SELECT a$b, $1 FROM t", 1, false},
      {"INSERT INTO t VALUES (?);", "INSERT INTO t VALUES ($1);", 1, false},
      {"SELECT 1; -- trailing?\n", "SELECT 1; -- trailing?\n", 0, false},
      {"CREATE TABLE a (x int); CREATE TABLE b (y int)",
       "CREATE TABLE a (x int); CREATE TABLE b (y int)", 0, true},
      {"SELECT 'x;y'", "SELECT 'x;y'", 0, false},
  };
  for (const Case& c : cases) {
    NumberedSql out = NumberPlaceholders(c.sql);
    EXPECT_EQ(out.text, c.numbered) << c.sql;
    EXPECT_EQ(out.placeholders, c.placeholders) << c.sql;
    EXPECT_EQ(out.several_statements, c.several) << c.sql;
  }
}

}  // namespace
}  // namespace seatwise::store::postgres
