#include "app/logging.hpp"

#include "service/json_writer.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <ctime>
#include <memory>

namespace seatwise::app {
namespace {

spdlog::level::level_enum SpdlogLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::string_view LevelName(EventLevel level) {
  switch (level) {
    case EventLevel::kInfo:
      return "info";
    case EventLevel::kWarn:
      return "warn";
    case EventLevel::kError:
      return "error";
  }
  return "info";
}

// RFC 3339 UTC with milliseconds.
std::string Timestamp(core::TimePoint t) {
  std::int64_t ms = core::ToUnixMillis(t);
  auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ms % 1000);
}

}  // namespace

void ConfigureLogging(const LogConfig& config) {
  auto logger = std::make_shared<spdlog::logger>("seatwise",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern(config.format == LogFormat::kJson ? "%v" : "%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(SpdlogLevel(config.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

std::string JsonString(std::string_view text) { return service::JsonQuote(text); }

std::string EventLog::Format(EventLevel level, std::string_view event,
                             std::initializer_list<LogField> fields) const {
  std::string line;
  if (format_ == LogFormat::kJson) {
    line = fmt::format(R"({{"ts":"{}","level":"{}","event":{})", Timestamp(clock_.Now()),
                       LevelName(level), JsonString(event));
    for (const auto& field : fields) {
      line += "," + JsonString(field.key) + ":";
      if (const auto* s = std::get_if<std::string_view>(&field.value)) {
        line += JsonString(*s);
      } else {
        line += std::to_string(std::get<std::int64_t>(field.value));
      }
    }
    line += "}";
  } else {
    line = std::string(event);
    for (const auto& field : fields) {
      line += " " + std::string(field.key) + "=";
      if (const auto* s = std::get_if<std::string_view>(&field.value)) {
        line += s->find(' ') == std::string_view::npos ? std::string(*s) : JsonString(*s);
      } else {
        line += std::to_string(std::get<std::int64_t>(field.value));
      }
    }
  }
  return line;
}

void EventLog::Write(EventLevel level, std::string_view event,
                     std::initializer_list<LogField> fields) const {
  std::string line = Format(level, event, fields);
  switch (level) {
    case EventLevel::kInfo:
      spdlog::info("{}", line);
      break;
    case EventLevel::kWarn:
      spdlog::warn("{}", line);
      break;
    case EventLevel::kError:
      spdlog::error("{}", line);
      break;
  }
}

}  // namespace seatwise::app
