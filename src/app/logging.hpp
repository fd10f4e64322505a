#pragma once
// Start-up and lifecycle events as one line each on spdlog's default logger, which the
// server shares for its access log.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

#include "app/config.hpp"
#include "core/clock.hpp"

namespace seatwise::app {

// Makes spdlog's default logger write to stderr, the message only (pattern "%v") for
// JSON, with time and level for text, at the configured level.
void ConfigureLogging(const LogConfig& config);

// One named value of an event.
struct LogField {
  std::string_view key;
  std::variant<std::string_view, std::int64_t> value;
};

enum class EventLevel { kInfo, kWarn, kError };

// Writes lifecycle events ("listening", "migrated") in the configured format:
// {"ts":"...","level":"info","event":"listening","address":"127.0.0.1","port":8080}
class EventLog {
 public:
  EventLog(LogFormat format, const core::Clock& clock) : format_(format), clock_(clock) {}

  void Write(EventLevel level, std::string_view event,
             std::initializer_list<LogField> fields = {}) const;
  // The line Write() would log; exposed for tests.
  std::string Format(EventLevel level, std::string_view event,
                     std::initializer_list<LogField> fields) const;

 private:
  LogFormat format_;
  const core::Clock& clock_;
};

// `text` as a JSON string literal, quotes included; also a valid TOML basic string, which
// the effective-configuration printout relies on.
std::string JsonString(std::string_view text);

}  // namespace seatwise::app
