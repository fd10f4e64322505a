#pragma once
// Company information of an account: the text checks and the JSON that new accounts, their
// changes and company change requests share. Each caller words its own rules on top.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/model.hpp"

namespace seatwise::service {

class JsonWriter;

// Longest company text field, in characters.
inline constexpr std::size_t kCompanyFieldMax = 200;

// Company fields to change; unset fields stay as they are.
struct CompanyPatch {
  std::optional<std::string> name;
  std::optional<std::string> address_line1;
  std::optional<std::string> address_line2;
  std::optional<std::string> city;
  std::optional<std::string> postal_code;
  std::optional<std::string> region;
  std::optional<std::string> country;  // ISO 3166-1 alpha-2
};

// `text` without leading and trailing spaces, tabs and line breaks.
std::string Trimmed(std::string_view text);

// True when `text` holds an ASCII control character; tabs and line breaks pass when
// `allow_newlines`.
bool HasControl(std::string_view text, bool allow_newlines = false);

// The number of UTF-8 code points in `text`.
std::size_t CodePoints(std::string_view text);

// Why a trimmed company text field of `length` characters (as the caller counts them) is
// refused, or nullopt when it is fine.
std::optional<std::string> CompanyTextProblem(std::string_view value, std::size_t length);

// Trims and upper-cases `country` in place; true when it is then two letters A-Z.
bool NormalizeCountry(std::string& country);

// The company information as a JSON object, for audit records and order details.
std::string CompanyJson(const core::CompanyInfo& company);
// The same object written as the next value of `json` (e.g. after a Key).
void WriteCompanyJson(JsonWriter& json, const core::CompanyInfo& company);

}  // namespace seatwise::service
