#pragma once
// RFC 4180 CSV writing for exports (devices, reports): CRLF line ends, a field quoted when it
// holds a comma, a quote or a line break, quotes doubled inside. Text that a spreadsheet
// would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a
// leading single quote, so an asset name like "=HYPERLINK(...)" stays text when opened.

#include <string>
#include <string_view>
#include <vector>

namespace seatwise::service {

// One field, neutralised and quoted as needed.
std::string CsvCell(std::string_view value);

// Builds a CSV document row by row.
class CsvWriter {
 public:
  // Appends one record and its CRLF.
  CsvWriter& Row(const std::vector<std::string>& fields);
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

}  // namespace seatwise::service
