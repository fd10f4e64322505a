#include <cstdio>
#include <ctime>

#include <boost/json/string.hpp>

#include "http/api.hpp"
#include "http/problem.hpp"
#include "store/page.hpp"

namespace seatwise::http {

Response ErrorResponse(const Request& request, const core::Error& error) {
  ProblemOptions options;
  if (error.retry_after_seconds > 0)
    options.retry_after = std::chrono::seconds(error.retry_after_seconds);
  return Problem(request, error, options);
}

std::string FormatTime(core::TimePoint t) {
  std::int64_t ms = core::ToUnixMillis(t);
  std::int64_t seconds = ms / 1000;
  std::int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  auto as_time = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&as_time, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

namespace {

// The page size a list request asks for in `limit` (1 to `max_limit`), or nullopt when it
// names none or a bad one; a bad one adds a field error to `errors`.
std::optional<int> PageLimit(const Request& request, std::vector<core::FieldError>& errors,
                             int max_limit) {
  auto text = request.Query("limit");
  if (!text) return std::nullopt;
  const bool digits = !text->empty() && text->size() <= 4 &&
                      text->find_first_not_of("0123456789") == std::string::npos;
  const int value = digits ? std::stoi(*text) : 0;
  if (value < 1 || value > max_limit) {
    errors.push_back({"limit", "must be an integer from 1 to " + std::to_string(max_limit)});
    return std::nullopt;
  }
  return value;
}

}  // namespace

boost::json::object PageJson(boost::json::array items, const std::string& next_after) {
  return boost::json::object{{"items", std::move(items)},
                             {"next_after", next_after.empty() ? boost::json::value(nullptr)
                                                               : boost::json::value(next_after)}};
}

void ReadPage(const Request& request, std::string& after, int& limit,
              std::vector<core::FieldError>& errors, int max_limit) {
  after = request.Query("after").value_or("");
  if (after.size() > 200) errors.push_back({"after", "must be at most 200 characters"});
  if (auto value = PageLimit(request, errors, max_limit)) limit = *value;
}

std::optional<core::TimePoint> ParseTime(std::string_view text) {
  auto digits = [&](std::size_t pos, std::size_t n) -> std::optional<int> {
    if (pos + n > text.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto year = digits(0, 4);
  auto month = digits(5, 2);
  auto day = digits(8, 2);
  auto hour = digits(11, 2);
  auto minute = digits(14, 2);
  auto second = digits(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text.size() < 20 ||
      text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t millis = 0;
  if (text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    int scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    auto oh = digits(pos + 1, 2);
    auto om = digits(pos + 4, 2);
    if (!oh || !om || pos + 3 >= text.size() || text[pos + 3] != ':' || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_seconds = (*oh * 3600 + *om * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second == 60 ? 59 : *second;
  std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_seconds;
  return core::FromUnixMillis(seconds * 1000 + millis);
}

boost::json::value OptionalTime(const std::optional<core::TimePoint>& t) {
  if (!t) return nullptr;
  return boost::json::string(FormatTime(*t));
}

boost::json::object UserJson(const core::User& user) {
  return boost::json::object{
      {"id", user.id},
      {"email", user.email},
      {"first_name", user.first_name},
      {"last_name", user.last_name},
      {"status", core::EnumName(user.status)},
      {"totp_enrolled", user.totp_enrolled},
      {"is_operator", user.is_operator},
      {"reseller_id",
       user.reseller_id ? boost::json::value(*user.reseller_id) : boost::json::value(nullptr)},
      {"last_sign_in_at", OptionalTime(user.last_sign_in_at)},
      {"created_at", FormatTime(user.created_at)},
  };
}

boost::json::object MembershipJson(const core::Membership& membership) {
  return boost::json::object{
      {"team_id", membership.team_id},
      {"user_id", membership.user_id},
      {"role", core::EnumName(membership.role)},
      {"status", core::EnumName(membership.status)},
      {"updated_at", FormatTime(membership.updated_at)},
  };
}

boost::json::object ContractJson(const core::Contract& contract) {
  return boost::json::object{
      {"id", contract.id},
      {"number", contract.number},
      {"account_id", contract.account_id},
      {"team_id", contract.team_id},
      {"contract_manager_id", contract.contract_manager_id},
      {"software_coordinator_id", contract.software_coordinator_id
                                      ? boost::json::value(*contract.software_coordinator_id)
                                      : boost::json::value(nullptr)},
      {"status", core::EnumName(contract.status)},
      {"ends_at", FormatTime(contract.ends_at)},
  };
}

core::Result<boost::json::object> JsonObjectBody(const Request& request, bool empty_ok) {
  if (empty_ok && request.body.empty()) return boost::json::object{};
  SW_ASSIGN_OR_RETURN(boost::json::value body, ParseJsonBody(request));
  if (!body.is_object()) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "the request body must be a JSON object");
  }
  return std::move(body.as_object());
}

core::Result<BodyFields> BodyFields::FromJson(const Request& request) {
  BodyFields fields;
  SW_ASSIGN_OR_RETURN(fields.object_, JsonObjectBody(request));
  return fields;
}

core::Result<BodyFields> BodyFields::FromJsonOrForm(const Request& request) {
  if (!IsFormRequest(request)) return FromJson(request);
  SW_ASSIGN_OR_RETURN(auto pairs, ParseForm(request.body));
  BodyFields fields;
  for (auto& [key, value] : pairs) {
    if (!fields.object_.contains(key)) fields.object_[key] = value;
  }
  return fields;
}

std::string BodyFields::RequiredString(std::string_view field, std::size_t max_length) {
  auto value = OptionalString(field, max_length);
  if (!value && !object_.contains(field)) {
    errors_.push_back({std::string(field), "is required"});
  }
  return value.value_or("");
}

std::optional<std::string> BodyFields::OptionalString(std::string_view field,
                                                      std::size_t max_length) {
  auto it = object_.find(field);
  if (it == object_.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string()) {
    errors_.push_back({std::string(field), "must be a string"});
    return std::nullopt;
  }
  std::string value(it->value().as_string());
  if (value.size() > max_length) {
    errors_.push_back(
        {std::string(field), "must be at most " + std::to_string(max_length) + " characters"});
    return std::nullopt;
  }
  return value;
}

std::optional<int> BodyFields::OptionalInt(std::string_view field, int min, int max) {
  auto it = object_.find(field);
  if (it == object_.end() || it->value().is_null()) return std::nullopt;
  std::optional<std::int64_t> number;
  if (it->value().is_int64()) number = it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() <= 1'000'000'000) {
    number = static_cast<std::int64_t>(it->value().as_uint64());
  }
  if (it->value().is_string()) {  // form bodies carry numbers as text
    const std::string text(it->value().as_string());
    if (!text.empty() && text.size() < 10 &&
        text.find_first_not_of("0123456789") == std::string::npos) {
      number = std::stoll(text);
    }
  }
  if (!number || *number < min || *number > max) {
    errors_.push_back({std::string(field), "must be an integer from " + std::to_string(min) +
                                               " to " + std::to_string(max)});
    return std::nullopt;
  }
  return static_cast<int>(*number);
}

std::optional<bool> BodyFields::OptionalBool(std::string_view field) {
  auto it = object_.find(field);
  if (it == object_.end() || it->value().is_null()) return std::nullopt;
  if (it->value().is_bool()) return it->value().as_bool();
  if (it->value().is_string()) {  // form bodies carry booleans as text
    if (it->value().as_string() == "true") return true;
    if (it->value().as_string() == "false") return false;
  }
  errors_.push_back({std::string(field), "must be true or false"});
  return std::nullopt;
}

bool BodyFields::IsNull(std::string_view field) const {
  auto it = object_.find(field);
  return it != object_.end() && it->value().is_null();
}

core::Result<void> BodyFields::Finish() const { return core::FieldsValid(errors_); }

}  // namespace seatwise::http
