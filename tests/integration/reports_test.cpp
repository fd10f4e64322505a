// The seat-usage and cloud-credit reports over real HTTP on both backends: Eve and Gia send
// DraftLine sessions through the client usage upload, `seatwise jobs run-once` rolls them
// up in the server's database, and the Primary Admin reads both people (JSON and CSV) while
// Eve reads only herself; the cloud-credit and network-license reports answer at each level.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "service/csv.hpp"
#include "service/json_writer.hpp"
#include "store/repositories.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

std::string MinutesAgo(int minutes) {
  const auto at = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() -
                                                       std::chrono::minutes(minutes));
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&at));
  return text;
}

class ReportsHttpTest : public DemoServerTest {
 protected:
  // The test rolls usage up itself with `jobs run-once`.
  std::vector<std::string> ServerEnvironment() const override {
    return {"SEATWISE_JOBS_ENABLED=false"};
  }

  // A computer of the Design team and the id of its DRL subscription, straight from the
  // server's database.
  void Prepare(const std::string& team_id) {
    auto db = server_->OpenDatabase();
    ASSERT_TRUE(db.ok()) << db.error().message;
    seatwise::testing::FakeRandom random(77);
    store::Repositories repos = store::MakeRepositories(random);
    auto done =
        (*db)->Transact<bool>(store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<bool> {
          core::Device d;
          d.team_id = team_id;
          d.fingerprint_hash = "reports-fingerprint";
          d.asset_name = "reports-ws";
          d.os = "Windows 11";
          d.app_version = "2026.1";
          d.registered_at = d.updated_at = std::chrono::time_point_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now());
          SW_ASSIGN_OR_RETURN(d, repos.devices->Register(tx, d));
          device_id_ = d.id;
          SW_ASSIGN_OR_RETURN(auto drl, repos.catalog->FindProductByCode(tx, "DRL"));
          if (!drl) return core::MakeError(core::ErrorCode::kNotFound, "no DRL product");
          SW_ASSIGN_OR_RETURN(auto subs, repos.contracts->ListTeamSubscriptions(tx, team_id));
          for (const auto& s : subs) {
            if (s.product_id == drl->id) drl_subscription_ = s.id;
          }
          return true;
        });
    ASSERT_TRUE(done.ok()) << done.error().message;
    ASSERT_FALSE(drl_subscription_.empty());
  }

  void Upload(const Credential& who, const std::string& prefix, int minutes) {
    boost::json::array events{boost::json::object{{"id", prefix + "-start"},
                                                  {"kind", "start"},
                                                  {"product", "DRL"},
                                                  {"subscription_id", drl_subscription_},
                                                  {"at", MinutesAgo(minutes + 1)}},
                              boost::json::object{{"id", prefix + "-stop"},
                                                  {"kind", "stop"},
                                                  {"product", "DRL"},
                                                  {"subscription_id", drl_subscription_},
                                                  {"at", MinutesAgo(1)},
                                                  {"duration_seconds", minutes * 60}}};
    HttpReply reply = server_->Call(
        "POST", "/api/v1/client/usage", who,
        boost::json::serialize(boost::json::object{{"device_id", device_id_}, {"events", events}}));
    ASSERT_EQ(reply.status, 200) << reply.Describe();
    ASSERT_EQ(reply.Json().at("accepted").as_int64(), 2) << reply.Describe();
  }

  std::string device_id_;
  std::string drl_subscription_;
};

TEST_P(ReportsHttpTest, UploadedSessionsRolledUpByTheJobShowInTheSeatUsageReport) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const Credential& gia = server_->Person(DemoEmail("gia"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  Prepare(team);
  Upload(eve, "eve-1", 30);  // 1800 s
  Upload(gia, "gia-1", 15);  // 900 s

  const std::string target = "/api/v1/teams/" + team + "/reports/seat-usage?range=3m";
  // Before the rollup the report has nothing to show.
  HttpReply before = server_->Call("GET", target, ann);
  ASSERT_EQ(before.status, 200) << before.Describe();
  EXPECT_EQ(before.Json().at("totals").at("users").as_int64(), 0);

  CliRun run = RunSeatwise({"jobs", "run-once", "--database", server_->database_url(), "--set",
                            "auth.secret_key_file=" + server_->temp_path() + "/secret.key"},
                           server_->temp_path());
  ASSERT_EQ(run.code, 0) << run.out << run.err;

  HttpReply admin = server_->Call("GET", target, ann);
  ASSERT_EQ(admin.status, 200) << admin.Describe();
  auto report = admin.Json();
  EXPECT_EQ(report.at("scope"), "team");
  EXPECT_EQ(report.at("range").at("name"), "3m");
  EXPECT_EQ(report.at("totals").at("users").as_int64(), 2);
  EXPECT_EQ(report.at("totals").at("products").as_int64(), 1);
  // Design's single-user seats in force: DRL 10 + AEC 3 + FRM 4 + CIV 2 (RND is a service).
  EXPECT_EQ(report.at("totals").at("single_user_seats").as_int64(), 19);
  const auto& items = report.at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << admin.body;
  // DraftLine is in the product group "DRL-TS": the group is the row, its product the drill-down.
  EXPECT_EQ(items[0].at("kind"), "product_group");
  EXPECT_EQ(items[0].at("code"), "DRL-TS");
  EXPECT_EQ(items[0].at("sessions").as_int64(), 2);
  EXPECT_EQ(items[0].at("seconds").as_int64(), 2700);
  EXPECT_EQ(items[0].at("users").as_int64(), 2);
  const std::string group(items[0].at("id").as_string());
  HttpReply drill = server_->Call("GET", target + "&group=" + group, ann);
  ASSERT_EQ(drill.status, 200) << drill.Describe();
  auto drilled = drill.Json();
  const auto& products = drilled.at("items").as_array();
  ASSERT_EQ(products.size(), 1u) << drill.body;
  EXPECT_EQ(products[0].at("kind"), "product");
  EXPECT_EQ(products[0].at("code"), "DRL");
  EXPECT_EQ(products[0].at("seconds").as_int64(), 2700);

  HttpReply csv = server_->Call("GET", target + "&by=user&format=csv", ann);
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  EXPECT_NE(csv.Header("Content-Type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv.Header("Content-Disposition").find("seat-usage-"), std::string::npos);
  auto table = service::ParseCsvWithHeader(csv.body, {"email", "sessions", "hours"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  std::set<std::string> emails;
  for (const auto& record : table->records) {
    emails.insert(record.fields[static_cast<std::size_t>(table->columns[0])]);
  }
  EXPECT_EQ(emails, (std::set<std::string>{DemoEmail("eve"), DemoEmail("gia")}));

  HttpReply own = server_->Call("GET", target + "&by=user", eve);
  ASSERT_EQ(own.status, 200) << own.Describe();
  auto own_report = own.Json();
  EXPECT_EQ(own_report.at("scope"), "self");
  EXPECT_EQ(own_report.at("totals").at("users").as_int64(), 1);
  const auto& mine = own_report.at("items").as_array();
  ASSERT_EQ(mine.size(), 1u) << own.body;
  EXPECT_EQ(std::string(mine[0].at("email").as_string()), DemoEmail("eve"));
  EXPECT_EQ(mine[0].at("seconds").as_int64(), 1800);

  HttpReply bad = server_->Call("GET", target + "&by=device", ann);
  EXPECT_EQ(bad.status, 400) << bad.Describe();
}

// Issue 15, point 10: "A session recorded with `seatwise-client usage start` / `usage stop`
// shows its real length in the seat-usage report (today 0.00 h)": a start and, in a later
// upload, its stop without any duration -- as the client sends them -- count the time
// between them; a stop without a start is kept, reported back and counts nothing.
TEST_P(ReportsHttpTest, AStartAndAStopWithoutADurationShowTheSessionsLengthInTheReport) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const Credential& gia = server_->Person(DemoEmail("gia"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  Prepare(team);
  auto roll_up = [&] {
    // At the present instant but outside the schedule, so the second run rolls up again
    // although a minute has not passed.
    CliRun run =
        RunSeatwise({"jobs", "run-once", "--at", service::FormatTime(core::SystemClock().Now()),
                     "--database", server_->database_url(), "--set",
                     "auth.secret_key_file=" + server_->temp_path() + "/secret.key"},
                    server_->temp_path());
    EXPECT_EQ(run.code, 0) << run.out << run.err;
  };
  // The seconds of DRL the report counts for `who` (the demo may hold some already).
  auto seconds_of = [&](const Credential& who) -> std::int64_t {
    HttpReply own =
        server_->Call("GET", "/api/v1/teams/" + team + "/reports/seat-usage?range=3m&by=user", who);
    EXPECT_EQ(own.status, 200) << own.Describe();
    if (own.status != 200) return -1;
    const boost::json::value json = own.Json();
    const auto& items = json.at("items").as_array();
    return items.empty() ? 0 : items[0].at("seconds").as_int64();
  };
  roll_up();
  const std::int64_t eve_before = seconds_of(eve);
  const std::int64_t gia_before = seconds_of(gia);

  auto send = [&](const Credential& who, boost::json::object event) {
    event["product"] = "DRL";
    HttpReply reply =
        server_->Call("POST", "/api/v1/client/usage", who,
                      boost::json::serialize(boost::json::object{
                          {"device_id", device_id_}, {"events", boost::json::array{event}}}));
    EXPECT_EQ(reply.status, 200) << reply.Describe();
    return reply.status == 200 ? reply.Json() : boost::json::value{};
  };
  // Clear of the sessions other tests of this server upload (up to 31 minutes ago), which
  // would otherwise not be counted twice.
  send(eve, {{"id", "eve-start"}, {"kind", "start"}, {"at", MinutesAgo(100)}});
  auto stopped = send(eve, {{"id", "eve-stop"}, {"kind", "stop"}, {"at", MinutesAgo(55)}});
  ASSERT_TRUE(stopped.is_object());
  EXPECT_EQ(stopped.at("accepted").as_int64(), 1);
  EXPECT_TRUE(stopped.at("stops_without_start").as_array().empty()) << stopped;
  auto lonely = send(gia, {{"id", "gia-stop"}, {"kind", "stop"}, {"at", MinutesAgo(1)}});
  ASSERT_TRUE(lonely.is_object());
  EXPECT_EQ(lonely.at("stops_without_start"), boost::json::array{"gia-stop"});

  roll_up();
  EXPECT_EQ(seconds_of(eve) - eve_before, 45 * 60);
  EXPECT_EQ(seconds_of(gia), gia_before);
  HttpReply csv = server_->Call(
      "GET", "/api/v1/teams/" + team + "/reports/seat-usage?range=3m&by=user&format=csv", eve);
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  if (eve_before == 0) {
    EXPECT_NE(csv.body.find(",0.75,"), std::string::npos) << csv.body;  // hours
  }
}

TEST_P(ReportsHttpTest, EveryoneReadsTheCloudCreditReportAtTheirOwnLevel) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  const std::string target = "/api/v1/teams/" + team + "/reports/cloud-credits?range=this_month";

  HttpReply admin = server_->Call("GET", target, ann);
  ASSERT_EQ(admin.status, 200) << admin.Describe();
  auto credits = admin.Json();
  EXPECT_EQ(credits.at("scope"), "team");
  // Design's contracts: the sign-in one with 5,000 credits and the serial one with none.
  const auto& contracts = credits.at("contracts").as_array();
  ASSERT_GE(contracts.size(), 2u) << admin.body;
  bool found = false;
  for (const auto& c : contracts) {
    if (c.at("number") == "110001234567") {
      found = true;
      EXPECT_EQ(c.at("balance").as_int64(), 5000);
      EXPECT_EQ(c.at("used").as_int64(), 0);
    }
  }
  EXPECT_TRUE(found) << admin.body;

  HttpReply own = server_->Call("GET", target, eve);
  ASSERT_EQ(own.status, 200) << own.Describe();
  EXPECT_EQ(own.Json().at("scope"), "self");
  EXPECT_TRUE(own.Json().at("contracts").as_array().empty());

  HttpReply csv = server_->Call("GET", target + "&format=csv", ann);
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  auto table = service::ParseCsvWithHeader(csv.body, {"section", "contract_number", "balance"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_GE(table->records.size(), 2u);
}

TEST_P(ReportsHttpTest, AdminsReadTheNetworkLicenseReportAndUsersAreRefused) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  const std::string target = "/api/v1/teams/" + team + "/reports/network-licenses?range=12m";

  HttpReply admin = server_->Call("GET", target, ann);
  ASSERT_EQ(admin.status, 200) << admin.Describe();
  auto report = admin.Json();
  EXPECT_EQ(report.at("scope"), "team");
  bool found = false;
  for (const auto& pool : report.at("subscriptions").as_array()) {
    if (pool.at("product_code") == "STR") {
      found = true;
      EXPECT_EQ(pool.at("seats").as_int64(), 5);
    }
  }
  EXPECT_TRUE(found) << admin.body;
  HttpReply csv = server_->Call("GET", target + "&format=csv", ann);
  ASSERT_EQ(csv.status, 200) << csv.Describe();
  EXPECT_NE(csv.Header("Content-Disposition").find("network-licenses-"), std::string::npos);

  EXPECT_EQ(server_->Call("GET", target, eve).status, 403);
  EXPECT_EQ(
      server_->Call("GET", "/api/v1/teams/" + team + "/reports/network-licenses?range=2m", ann)
          .status,
      400);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportsHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
