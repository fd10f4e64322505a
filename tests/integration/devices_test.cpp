// The devices page over real HTTP on both backends: computers registered by the desktop
// software, listed and filtered by the Primary Admin, renamed, exported as CSV and read
// back; a plain user refused.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <string>

#include "fakes/test_databases.hpp"
#include "service/csv.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class DevicesHttpTest : public DemoServerTest {
 protected:
  // Registers a computer as `who`; its id, or "" with a failure.
  std::string Register(const Credential& who, char fingerprint, const std::string& asset_name,
                       const std::string& os) {
    const std::string body =
        boost::json::serialize(boost::json::object{{"fingerprint", std::string(64, fingerprint)},
                                                   {"asset_name", asset_name},
                                                   {"os", os},
                                                   {"app_version", "2026.2"}});
    HttpReply reply = server_->Call("POST", "/api/v1/client/devices", who, body);
    EXPECT_EQ(reply.status, 201) << reply.Describe();
    if (reply.status != 201) return "";
    return std::string(reply.Json().at("device_id").as_string());
  }

  static std::vector<std::string> Names(const HttpReply& reply) {
    std::vector<std::string> names;
    const boost::json::value body = reply.Json();
    if (!body.is_object()) return names;
    for (const auto& item : body.at("items").as_array()) {
      names.emplace_back(item.at("asset_name").as_string());
    }
    return names;
  }
};

TEST_P(DevicesHttpTest, AdminListsRenamesAndExportsTheTeamsComputers) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const Credential& dev = server_->Person(DemoEmail("dev"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  const std::string formula = Register(eve, 'e', "=SUM(1,2)", "Windows 11 Pro");
  const std::string quoted = Register(dev, 'd', "Dev's \"Mac\", 2nd floor", "macOS 14");
  const std::string linux_box = Register(ann, 'a', "render-01", "Ubuntu 24.04");
  ASSERT_FALSE(formula.empty() || quoted.empty() || linux_box.empty());
  const std::string devices = "/api/v1/teams/" + team + "/devices";

  HttpReply listed = server_->Call("GET", devices + "?sort=-asset_name", ann);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  EXPECT_EQ(Names(listed),
            (std::vector<std::string>{"render-01", "Dev's \"Mac\", 2nd floor", "=SUM(1,2)"}));
  const boost::json::value first = listed.Json().at("items").at(0);
  EXPECT_EQ(first.at("status"), "online");
  EXPECT_EQ(first.at("os"), "Ubuntu 24.04");
  EXPECT_EQ(first.at("last_user").at("email").as_string(), DemoEmail("ann"));
  EXPECT_TRUE(first.at("products").as_array().empty());

  HttpReply searched = server_->Call("GET", devices + "?search=" + DemoEmail("eve"), ann);
  ASSERT_EQ(searched.status, 200) << searched.Describe();
  EXPECT_EQ(Names(searched), std::vector<std::string>{"=SUM(1,2)"});
  HttpReply paged = server_->Call("GET", devices + "?limit=2", ann);
  ASSERT_EQ(paged.status, 200) << paged.Describe();
  ASSERT_TRUE(paged.Json().at("next_after").is_string()) << paged.Describe();
  HttpReply rest = server_->Call(
      "GET", devices + "?limit=2&after=" + std::string(paged.Json().at("next_after").as_string()),
      ann);
  ASSERT_EQ(rest.status, 200) << rest.Describe();
  EXPECT_EQ(Names(rest), std::vector<std::string>{"render-01"});
  EXPECT_TRUE(rest.Json().at("next_after").is_null());
  EXPECT_EQ(server_->Call("GET", devices + "?status=asleep", ann).status, 400);
  EXPECT_EQ(server_->Call("GET", devices + "?sort=fingerprint", ann).status, 400);

  HttpReply renamed = server_->Call(
      "PATCH", devices + "/" + linux_box, ann,
      R"({"asset_name":"Render node 1","description":"Rack B","default_update_access":false})");
  ASSERT_EQ(renamed.status, 200) << renamed.Describe();
  EXPECT_EQ(renamed.Json().at("asset_name"), "Render node 1");
  EXPECT_EQ(renamed.Json().at("default_update_access"), false);
  EXPECT_EQ(server_->Call("PATCH", devices + "/" + linux_box, ann, R"({"asset_name":""})").status,
            400);
  HttpReply details = server_->Call("GET", devices + "/" + linux_box, ann);
  ASSERT_EQ(details.status, 200) << details.Describe();
  EXPECT_EQ(details.Json().at("description"), "Rack B");
  EXPECT_TRUE(details.Json().at("activations").is_array());

  HttpReply exported = server_->Call("GET", devices + "?format=csv", ann);
  ASSERT_EQ(exported.status, 200) << exported.Describe();
  EXPECT_EQ(exported.Header("Content-Type"), "text/csv; charset=utf-8");
  const std::string disposition = exported.Header("Content-Disposition");
  const std::string prefix = "attachment; filename=\"devices-" + team + "-";
  EXPECT_TRUE(disposition.starts_with(prefix)) << disposition;
  EXPECT_EQ(disposition.size(), prefix.size() + std::string("2026-01-01.csv\"").size())
      << disposition;
  auto table = service::ParseCsvWithHeader(
      exported.body, {"device_id", "asset_name", "os", "status", "last_user_email", "description"});
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_EQ(table->records.size(), 3u);
  std::map<std::string, const service::CsvRecord*> by_id;
  for (const auto& record : table->records) {
    by_id[std::string(service::CsvField(record, table->columns[0]))] = &record;
  }
  ASSERT_EQ(by_id.size(), 3u);
  const auto& cols = table->columns;
  EXPECT_EQ(service::CsvField(*by_id.at(formula), cols[1]), "'=SUM(1,2)");
  EXPECT_EQ(service::CsvField(*by_id.at(formula), cols[4]), DemoEmail("eve"));
  EXPECT_EQ(service::CsvField(*by_id.at(quoted), cols[1]), "Dev's \"Mac\", 2nd floor");
  EXPECT_EQ(service::CsvField(*by_id.at(linux_box), cols[1]), "Render node 1");
  EXPECT_EQ(service::CsvField(*by_id.at(linux_box), cols[3]), "online");
  EXPECT_EQ(service::CsvField(*by_id.at(linux_box), cols[5]), "Rack B");

  // Accept: text/csv asks for the same export; filters apply to it.
  Headers accept_csv = ann.HeadersFor();
  accept_csv.emplace_back("Accept", "text/csv");
  HttpReply mac_only = Send(server_->port(), "GET", devices + "?os=macos", accept_csv);
  ASSERT_EQ(mac_only.status, 200) << mac_only.Describe();
  auto mac_table = service::ParseCsvWithHeader(mac_only.body, {"device_id"});
  ASSERT_TRUE(mac_table.ok()) << mac_table.error().message;
  ASSERT_EQ(mac_table->records.size(), 1u);
  EXPECT_EQ(service::CsvField(mac_table->records[0], mac_table->columns[0]), quoted);

  EXPECT_EQ(server_->Call("GET", devices, eve).status, 403);
  EXPECT_EQ(server_->Call("GET", devices + "?format=csv", eve).status, 403);
  EXPECT_EQ(server_->Call("PATCH", devices + "/" + formula, eve, R"({"asset_name":"mine"})").status,
            403);
}

INSTANTIATE_TEST_SUITE_P(Backends, DevicesHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
