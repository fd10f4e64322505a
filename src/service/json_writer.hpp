#pragma once
// A small streaming JSON builder for documents services hand out whole (GDPR export, audit
// before/after states). Keeps JSON libraries out of service/; the caller nests correctly.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace seatwise::service {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The name of the next member of the current object.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // RFC 3339 UTC with milliseconds, e.g. "2026-01-01T00:00:00.000Z".
  JsonWriter& Time(core::TimePoint value);

  const std::string& str() const { return out_; }

 private:
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_;  // per open container: no member written yet
  bool after_key_ = false;
};

// `value` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view value);

// RFC 3339 UTC with milliseconds.
std::string FormatTime(core::TimePoint value);

}  // namespace seatwise::service
