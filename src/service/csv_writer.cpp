#include "service/csv_writer.hpp"

namespace seatwise::service {

std::string CsvCell(std::string_view value) {
  std::string text;
  text.reserve(value.size() + 3);
  if (!value.empty() &&
      std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos) {
    text += '\'';
  }
  text += value;
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char ch : text) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  quoted += '"';
  return quoted;
}

CsvWriter& CsvWriter::Row(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out_ += ',';
    out_ += CsvCell(fields[i]);
  }
  out_ += "\r\n";
  return *this;
}

}  // namespace seatwise::service
