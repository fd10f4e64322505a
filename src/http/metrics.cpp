#include "http/metrics.hpp"

#include <fmt/format.h>

namespace seatwise::http {
namespace {

constexpr std::array<int, 36> kKnownStatuses = {
    200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406, 408,
    409, 410, 411, 412, 413, 414, 415, 416, 422, 428, 429, 431, 500, 501, 502, 503, 504, 505};

constexpr std::array<Method, 7> kMethods = {Method::kGet,    Method::kHead,  Method::kPost,
                                            Method::kPut,    Method::kPatch, Method::kDelete,
                                            Method::kOptions};

int StatusSlot(int status) {
  for (std::size_t i = 0; i < kKnownStatuses.size(); ++i) {
    if (kKnownStatuses[i] == status) return static_cast<int>(i);
  }
  return -1;
}

std::string EscapeLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Metrics::Metrics(core::TimePoint process_start) : process_start_(process_start) {
  static_assert(kKnownStatuses.size() <= kStatusSlots);
}

void Metrics::RegisterRoutes(const std::vector<Route>& routes) {
  histograms_.clear();
  route_counters_.clear();
  unmatched_counters_.clear();
  auto histogram_for = [this](const std::string& name) {
    for (auto& h : histograms_) {
      if (h->route == name) return h.get();
    }
    histograms_.push_back(std::make_unique<Histogram>());
    histograms_.back()->route = name;
    return histograms_.back().get();
  };
  for (const Route& route : routes) {
    auto counters = std::make_unique<Counters>();
    counters->route = route.name;
    counters->method = std::string(MethodName(route.method));
    counters->histogram = histogram_for(route.name);
    route_counters_.push_back(std::move(counters));
  }
  Histogram* unmatched = histogram_for("unmatched");
  for (Method method : kMethods) {
    auto counters = std::make_unique<Counters>();
    counters->route = "unmatched";
    counters->method = std::string(MethodName(method));
    counters->histogram = unmatched;
    unmatched_counters_.push_back(std::move(counters));
  }
  auto other = std::make_unique<Counters>();
  other->route = "unmatched";
  other->method = "OTHER";
  other->histogram = unmatched;
  unmatched_counters_.push_back(std::move(other));
}

Metrics::Counters& Metrics::CountersFor(std::optional<std::size_t> route,
                                        std::optional<Method> method) {
  if (route && *route < route_counters_.size()) {
    Counters& counters = *route_counters_[*route];
    // A HEAD answered by a GET route is counted as the GET route's traffic.
    return counters;
  }
  if (!method) return *unmatched_counters_.back();
  return *unmatched_counters_[static_cast<std::size_t>(*method)];
}

void Metrics::RecordRequest(std::optional<std::size_t> route, std::optional<Method> method,
                            int status, std::chrono::nanoseconds duration) {
  if (unmatched_counters_.empty()) return;  // not registered yet: a defect, but harmless
  Counters& counters = CountersFor(route, method);
  int slot = StatusSlot(status);
  if (slot >= 0) {
    counters.by_status[static_cast<std::size_t>(slot)].fetch_add(1, std::memory_order_relaxed);
  } else {
    std::lock_guard lock(rare_mutex_);
    ++rare_statuses_[{&counters, status}];
  }
  Histogram& h = *counters.histogram;
  double seconds = std::chrono::duration<double>(duration).count();
  std::size_t bucket = 0;
  while (bucket < kBucketBounds.size() && seconds > kBucketBounds[bucket]) ++bucket;
  h.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  h.sum_ns.fetch_add(static_cast<std::uint64_t>(duration.count() < 0 ? 0 : duration.count()),
                     std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
}

std::int64_t Metrics::ConnectionOpened() { return ++open_connections_; }
std::int64_t Metrics::ConnectionClosed() { return --open_connections_; }
std::int64_t Metrics::open_connections() const { return open_connections_.load(); }

std::string Metrics::Render(const store::PoolStats& pool) const {
  std::string out;
  auto append = [&out](std::string_view text) { out.append(text); };

  append("# HELP seatwise_http_requests_total HTTP requests answered.\n");
  append("# TYPE seatwise_http_requests_total counter\n");
  auto render_counters = [&](const Counters& c) {
    for (std::size_t i = 0; i < kKnownStatuses.size(); ++i) {
      std::uint64_t n = c.by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += fmt::format(
          "seatwise_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
          EscapeLabel(c.route), c.method, kKnownStatuses[i], n);
    }
  };
  for (const auto& c : route_counters_) render_counters(*c);
  for (const auto& c : unmatched_counters_) render_counters(*c);
  {
    std::lock_guard lock(rare_mutex_);
    for (const auto& [key, n] : rare_statuses_) {
      out += fmt::format(
          "seatwise_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
          EscapeLabel(key.first->route), key.first->method, key.second, n);
    }
  }

  append(
      "# HELP seatwise_http_request_duration_seconds Time from request head to response sent.\n");
  append("# TYPE seatwise_http_request_duration_seconds histogram\n");
  for (const auto& h : histograms_) {
    std::string route = EscapeLabel(h->route);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBucketBounds.size(); ++i) {
      cumulative += h->buckets[i].load(std::memory_order_relaxed);
      out += fmt::format(
          "seatwise_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
          kBucketBounds[i], cumulative);
    }
    cumulative += h->buckets.back().load(std::memory_order_relaxed);
    out += fmt::format(
        "seatwise_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
        cumulative);
    out += fmt::format("seatwise_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route,
                       static_cast<double>(h->sum_ns.load(std::memory_order_relaxed)) / 1e9);
    // _count equals the +Inf bucket, as the format requires.
    out += fmt::format("seatwise_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       cumulative);
  }

  append("# HELP seatwise_http_open_connections Client connections currently open.\n");
  append("# TYPE seatwise_http_open_connections gauge\n");
  out += fmt::format("seatwise_http_open_connections {}\n", open_connections());

  append("# HELP seatwise_db_pool_connections Database connections by state.\n");
  append("# TYPE seatwise_db_pool_connections gauge\n");
  out += fmt::format("seatwise_db_pool_connections{{state=\"in_use\"}} {}\n", pool.in_use);
  out += fmt::format("seatwise_db_pool_connections{{state=\"idle\"}} {}\n",
                     pool.size > pool.in_use ? pool.size - pool.in_use : 0);
  append("# HELP seatwise_db_pool_waits_total Connection checkouts that had to wait.\n");
  append("# TYPE seatwise_db_pool_waits_total counter\n");
  out += fmt::format("seatwise_db_pool_waits_total {}\n", pool.waits);

  append("# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n");
  append("# TYPE process_start_time_seconds gauge\n");
  out += fmt::format("process_start_time_seconds {}\n",
                     static_cast<double>(core::ToUnixMillis(process_start_)) / 1000.0);
  return out;
}

}  // namespace seatwise::http
