#include "service/csv.hpp"

#include <cstddef>
#include <cstdint>

namespace seatwise::service {
namespace {

using core::ErrorCode;

core::Error Malformed(int line, const std::string& what) {
  return core::MakeError(ErrorCode::kInvalidArgument,
                         "the CSV file is malformed at line " + std::to_string(line) + ": " + what);
}

// The line (1-based) of the first byte of `text` that is not well-formed UTF-8, or 0.
int FirstInvalidUtf8Line(std::string_view text) {
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<std::uint8_t>(text[i]);
    if (byte == '\n') ++line;
    std::size_t length = 0;
    std::uint32_t min = 0;
    if (byte < 0x80) {
      length = 1;
    } else if ((byte & 0xE0) == 0xC0) {
      length = 2;
      min = 0x80;
    } else if ((byte & 0xF0) == 0xE0) {
      length = 3;
      min = 0x800;
    } else if ((byte & 0xF8) == 0xF0) {
      length = 4;
      min = 0x10000;
    } else {
      return line;
    }
    if (i + length > text.size()) return line;
    std::uint32_t code = length == 1 ? byte : byte & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) return line;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (code < min || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return line;
    i += length;
  }
  return 0;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

core::Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, const CsvLimits& limits) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  if (int bad = FirstInvalidUtf8Line(text); bad != 0) {
    return Malformed(bad, "the file is not UTF-8 text; save it as \"CSV UTF-8\"");
  }

  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  int line = 1;
  record.line = 1;
  bool field_quoted = false;    // the current field started with a quote
  bool field_has_text = false;  // the current field has any content
  std::size_t i = 0;

  auto end_field = [&] {
    record.fields.push_back(std::move(field));
    field.clear();
    field_quoted = false;
    field_has_text = false;
  };
  // Ends a record at a line break or the end of the text; a blank line yields nothing.
  auto end_record = [&] {
    const bool blank = record.fields.empty() && field.empty() && !field_quoted;
    if (!blank) {
      end_field();
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
  };

  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      if (field_has_text || field_quoted) {
        return Malformed(line,
                         "a quote inside an unquoted field; put the whole field in "
                         "quotes and double the quotes inside it");
      }
      const int opened_at = line;
      field_quoted = true;
      ++i;
      while (true) {
        if (i >= text.size()) {
          return Malformed(opened_at, "a quoted field is never closed");
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field += text[i];
        ++i;
      }
      // After a closing quote only a separator, a line end or the end of the text may follow.
      if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') &&
          !(text[i] == '\r' && i + 1 == text.size())) {
        return Malformed(line, "text after the closing quote of a field");
      }
      field_has_text = true;
      continue;
    }
    if (c == ',') {
      if (record.fields.size() + 1 >= limits.max_fields) {
        return Malformed(line, "a row has more than " + std::to_string(limits.max_fields) +
                                   " fields; the file needs only a few columns");
      }
      end_field();
      ++i;
      continue;
    }
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] == '\n')) {
      ++i;
      continue;
    }
    if (c == '\n') {
      end_record();
      if (records.size() > limits.max_records) {
        return core::MakeError(
            ErrorCode::kInvalidArgument,
            std::string(kTooManyRecords) + std::to_string(limits.max_records) + " rows");
      }
      ++line;
      record.line = line;
      ++i;
      continue;
    }
    field += c;
    field_has_text = true;
    ++i;
  }
  end_record();
  if (records.size() > limits.max_records) {
    return core::MakeError(
        ErrorCode::kInvalidArgument,
        std::string(kTooManyRecords) + std::to_string(limits.max_records) + " rows");
  }
  return records;
}

core::Result<CsvTable> ParseCsvWithHeader(std::string_view text,
                                          const std::vector<std::string>& required,
                                          std::size_t max_rows) {
  CsvLimits limits;
  limits.max_records = max_rows + 1;  // and the header row
  limits.max_fields = 32;             // a table of a few named columns, with room for extras
  SW_ASSIGN_OR_RETURN(std::vector<CsvRecord> records, ParseCsv(text, limits));
  if (records.empty()) {
    return core::MakeError(ErrorCode::kInvalidArgument,
                           "the CSV file is empty; the first row must name the columns");
  }
  const CsvRecord& header = records.front();
  CsvTable table;
  std::vector<std::string> missing;
  for (const std::string& name : required) {
    const std::string wanted = Lower(name);
    int found = -1;
    for (std::size_t k = 0; k < header.fields.size(); ++k) {
      if (Lower(TrimBlanks(header.fields[k])) != wanted) continue;
      if (found >= 0) {
        return core::MakeError(ErrorCode::kInvalidArgument,
                               "the header row names the column " + name + " twice");
      }
      found = static_cast<int>(k);
    }
    if (found < 0) missing.push_back(name);
    table.columns.push_back(found);
  }
  if (!missing.empty()) {
    std::string names;
    for (const auto& name : missing) names += (names.empty() ? "" : ", ") + name;
    std::string all;
    for (const auto& name : required) all += (all.empty() ? "" : ",") + name;
    return core::MakeError(ErrorCode::kInvalidArgument,
                           "the header row (line " + std::to_string(header.line) +
                               ") lacks the column(s) " + names + "; it must name " + all);
  }
  table.records.assign(std::make_move_iterator(records.begin() + 1),
                       std::make_move_iterator(records.end()));
  return table;
}

std::string_view CsvField(const CsvRecord& record, int column) {
  if (column < 0 || static_cast<std::size_t>(column) >= record.fields.size()) return {};
  return record.fields[static_cast<std::size_t>(column)];
}

}  // namespace seatwise::service
