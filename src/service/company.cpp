#include "service/company.hpp"

#include <algorithm>

#include "service/json_writer.hpp"

namespace seatwise::service {

std::string Trimmed(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

bool HasControl(std::string_view text, bool allow_newlines) {
  return std::any_of(text.begin(), text.end(), [&](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) return false;
    return c < 0x20 || c == 0x7F;
  });
}

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::optional<std::string> CompanyTextProblem(std::string_view value, std::size_t length) {
  if (length > kCompanyFieldMax) return "must be at most 200 characters";
  if (HasControl(value)) return "must not contain control characters";
  return std::nullopt;
}

bool NormalizeCountry(std::string& country) {
  country = Trimmed(country);
  for (char& c : country) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return country.size() == 2 &&
         std::all_of(country.begin(), country.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string CompanyJson(const core::CompanyInfo& c) {
  JsonWriter json;
  WriteCompanyJson(json, c);
  return json.str();
}

void WriteCompanyJson(JsonWriter& json, const core::CompanyInfo& c) {
  json.BeginObject()
      .Key("name")
      .String(c.name)
      .Key("address_line1")
      .String(c.address_line1)
      .Key("address_line2")
      .String(c.address_line2)
      .Key("city")
      .String(c.city)
      .Key("postal_code")
      .String(c.postal_code)
      .Key("region")
      .String(c.region)
      .Key("country")
      .String(c.country)
      .EndObject();
}

}  // namespace seatwise::service
