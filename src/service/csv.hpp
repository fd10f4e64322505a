#pragma once
// RFC 4180 CSV reading for uploads (bulk user import): quoted fields with doubled quotes,
// commas and line breaks inside quotes, CRLF or LF line ends, an optional UTF-8 byte order
// mark. Empty lines are skipped. The text must be valid UTF-8.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace seatwise::service {

// One record and the line of the file where it starts (1-based).
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// Bounds that keep a hostile upload from costing more than the file itself: parsing stops
// at the first record past `max_records` (kInvalidArgument, kTooManyRecords in the message)
// and at a record with more than `max_fields` fields.
struct CsvLimits {
  std::size_t max_records = static_cast<std::size_t>(-1);
  std::size_t max_fields = 1'000;
};

// Every non-empty record of `text`, in order. kInvalidArgument naming the line for an
// unterminated quoted field, text after a closing quote, a quote inside an unquoted field,
// bytes that are not UTF-8, or a file past `limits`.
core::Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, const CsvLimits& limits = {});

// The start of the message of a file with more records than CsvLimits::max_records.
inline constexpr std::string_view kTooManyRecords = "the file has more than ";

// A header row followed by data rows, with the columns a caller asked for located by name.
struct CsvTable {
  std::vector<int> columns;        // index of each requested column in the header
  std::vector<CsvRecord> records;  // data rows (the header excluded)
};

// Parses `text` and finds `required` columns in its header row (names compared
// case-insensitively, surrounding blanks ignored, any order, extra columns allowed).
// kInvalidArgument for an empty file, a missing or repeated column, or a malformed file.
// At most `max_rows` data rows are read: the parse stops at the next one.
core::Result<CsvTable> ParseCsvWithHeader(std::string_view text,
                                          const std::vector<std::string>& required,
                                          std::size_t max_rows = static_cast<std::size_t>(-1) - 1);

// The field at `column` of `record`, or "" when the record is shorter.
std::string_view CsvField(const CsvRecord& record, int column);

}  // namespace seatwise::service
