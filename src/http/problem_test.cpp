#include "http/problem.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "http/metrics.hpp"

namespace seatwise::http {
namespace {

using core::ErrorCode;
using ::testing::HasSubstr;
using ::testing::Not;

struct Expected {
  ErrorCode code;
  int status;
  std::string_view slug;
};

// The whole table, written out: changing a status is an API change and must show here.
constexpr Expected kTable[] = {
    {ErrorCode::kInvalidArgument, 400, "invalid-argument"},
    {ErrorCode::kNotFound, 404, "not-found"},
    {ErrorCode::kAlreadyExists, 409, "already-exists"},
    {ErrorCode::kConflict, 409, "conflict"},
    {ErrorCode::kSeatLimitReached, 409, "seat-limit-reached"},
    {ErrorCode::kFailedPrecondition, 409, "failed-precondition"},
    {ErrorCode::kUnauthenticated, 401, "unauthenticated"},
    {ErrorCode::kPermissionDenied, 403, "permission-denied"},
    {ErrorCode::kRateLimited, 429, "rate-limited"},
    {ErrorCode::kPayloadTooLarge, 413, "payload-too-large"},
    {ErrorCode::kUnsupportedMediaType, 415, "unsupported-media-type"},
    {ErrorCode::kMethodNotAllowed, 405, "method-not-allowed"},
    {ErrorCode::kUnavailable, 503, "unavailable"},
    {ErrorCode::kInternal, 500, "internal"},
};

TEST(ProblemTest, MapsEveryErrorCode) {
  static_assert(std::size(kTable) == static_cast<std::size_t>(ErrorCode::kInternal) + 1);
  for (const Expected& row : kTable) {
    SCOPED_TRACE(core::ErrorCodeName(row.code));
    const ProblemKind& kind = ProblemFor(row.code);
    EXPECT_EQ(kind.status, row.status);
    EXPECT_EQ(kind.slug, row.slug);
    EXPECT_FALSE(kind.title.empty());

    Response response =
        ProblemResponse(core::MakeError(row.code, "what happened"), "/api/v1/things", "req-1");
    EXPECT_EQ(response.status, row.status);
    EXPECT_EQ(response.content_type, "application/problem+json");
    auto body = boost::json::parse(response.body).as_object();
    EXPECT_EQ(body.at("type").as_string(),
              "https://seatwise.dev/problems/" + std::string(row.slug));
    EXPECT_EQ(body.at("status").as_int64(), row.status);
    EXPECT_EQ(body.at("instance").as_string(), "/api/v1/things");
    EXPECT_EQ(body.at("request_id").as_string(), "req-1");
  }
}

TEST(ProblemTest, CarriesDetailAndFieldErrors) {
  core::Error error{ErrorCode::kInvalidArgument,
                    "2 fields are invalid",
                    {{"email", "is not an email address"}, {"rows[3].seats", "must be >= 1"}}};
  Response response = ProblemResponse(error, "/api/v1/users", "r");
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("detail").as_string(), "2 fields are invalid");
  auto& fields = body.at("errors").as_array();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[1].at("field").as_string(), "rows[3].seats");
  EXPECT_EQ(fields[1].at("message").as_string(), "must be >= 1");
}

TEST(ProblemTest, InternalErrorsDoNotLeakTheirMessage) {
  Response response = ProblemResponse(
      core::MakeError(ErrorCode::kInternal, "sqlite: disk I/O error at /var/lib/x.db"), "/x", "r");
  EXPECT_EQ(response.status, 500);
  EXPECT_THAT(response.body, Not(HasSubstr("sqlite")));
  EXPECT_THAT(response.body, HasSubstr("request id"));
}

TEST(ProblemTest, ConcealedRefusalLooksLikeAMissingObject) {
  core::Error refusal =
      core::MakeError(ErrorCode::kPermissionDenied, "you are not a member of team team_123");
  refusal.conceal_existence = true;
  Response concealed = ProblemResponse(refusal, "/api/v1/teams/team_123/audit", "r");
  Response missing = ProblemResponse(
      core::MakeError(ErrorCode::kNotFound, "no resource at /api/v1/teams/team_123/audit"),
      "/api/v1/teams/team_123/audit", "r");
  EXPECT_EQ(concealed.status, 404);
  EXPECT_EQ(concealed.body, missing.body);
  EXPECT_THAT(concealed.body, Not(HasSubstr("member")));
}

TEST(ProblemTest, SetsRetryAfterWhenAsked) {
  Response response = ProblemResponse(core::MakeError(ErrorCode::kRateLimited, "slow down"), "/x",
                                      "r", ProblemOptions{std::chrono::seconds(30)});
  EXPECT_EQ(response.status, 429);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Retry-After");
  EXPECT_EQ(response.headers[0].second, "30");
}

TEST(MetricsTest, RendersCountersHistogramAndPool) {
  Router router;
  router.Add(Method::kGet, "/a", "a_get", [](const Request&) { return Response{}; });
  Metrics metrics(core::FromUnixMillis(1'767'225'600'500));
  metrics.RegisterRoutes(router.routes());
  metrics.RecordRequest(0, Method::kGet, 200, std::chrono::microseconds(300));
  metrics.RecordRequest(0, Method::kGet, 200, std::chrono::milliseconds(20));
  metrics.RecordRequest(0, Method::kGet, 299, std::chrono::milliseconds(20));
  metrics.RecordRequest(std::nullopt, std::nullopt, 405, std::chrono::milliseconds(1));
  metrics.ConnectionOpened();

  std::string text = metrics.Render(store::PoolStats{5, 2, 9});
  EXPECT_THAT(text, HasSubstr("seatwise_http_requests_total{route=\"a_get\",method=\"GET\","
                              "status=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_requests_total{route=\"a_get\",method=\"GET\","
                              "status=\"299\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_requests_total{route=\"unmatched\","
                              "method=\"OTHER\",status=\"405\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_request_duration_seconds_bucket{route=\"a_get\","
                              "le=\"0.0005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_request_duration_seconds_bucket{route=\"a_get\","
                              "le=\"0.025\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_request_duration_seconds_bucket{route=\"a_get\","
                              "le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_request_duration_seconds_count{route=\"a_get\"} 3\n"));
  EXPECT_THAT(text,
              HasSubstr("seatwise_http_request_duration_seconds_sum{route=\"a_get\"} 0.0403\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_http_open_connections 1\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_db_pool_connections{state=\"in_use\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_db_pool_connections{state=\"idle\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("seatwise_db_pool_waits_total 9\n"));
  EXPECT_THAT(text, HasSubstr("process_start_time_seconds 1767225600.5\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE seatwise_http_request_duration_seconds histogram\n"));
}

}  // namespace
}  // namespace seatwise::http
