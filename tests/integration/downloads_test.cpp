// Downloads and updates over real HTTP on both backends against the demo: a user sees the
// products she holds and the team's network (floating) products, the Primary Admin every product of
// the team, an operator's new update comes first, only operators may add releases, bad input names
// its fields, and a serial subscription shows its serial number and product key.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <vector>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class DownloadsHttpTest : public DemoServerTest {
 protected:
  // The product codes of the caller's downloads in `team`, in the order given.
  std::vector<std::string> DownloadCodes(const std::string& team, const Credential& who,
                                         boost::json::value* listing = nullptr) {
    std::vector<std::string> out;
    HttpReply listed = server_->Call("GET", "/api/v1/teams/" + team + "/downloads", who);
    EXPECT_EQ(listed.status, 200) << listed.Describe();
    if (listed.status != 200) return out;
    const boost::json::value json = listed.Json();
    for (const auto& item : json.at("items").as_array()) {
      out.emplace_back(item.at("product").at("code").as_string());
    }
    if (listing != nullptr) *listing = json;
    return out;
  }

  static std::string Update(const std::string& version, const std::string& released_at) {
    return boost::json::serialize(boost::json::object{
        {"version", version},
        {"kind", "update"},
        {"title", "Draftline " + version + " Update"},
        {"released_at", released_at},
        {"download_url", "https://downloads.seatwise.example/DRL/" + version + "/DRL_Update.exe"},
        {"sha256", "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"},
        {"size_bytes", 5'368'709'120},
        {"notes", "Fixes a crash when plotting."}});
  }
};

TEST_P(DownloadsHttpTest, AUserSeesTheProductsSheHoldsAndTheFloatingOnesWithTheirReleases) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const std::string team = TeamId(eve);
  ASSERT_FALSE(team.empty());
  boost::json::value listing;
  ASSERT_THAT(DownloadCodes(team, eve, &listing), ElementsAre("DRL", "STR"));
  const auto& item = listing.at("items").at(0);
  EXPECT_EQ(item.at("product").at("name"), "Draftline");
  EXPECT_EQ(item.at("product").at("release_name"), "2027");
  const auto& via = item.at("via").as_array();
  ASSERT_EQ(via.size(), 1u);
  EXPECT_EQ(via[0].at("contract_number"), "110001234567");
  EXPECT_EQ(via[0].at("activation"), "sign_in");
  EXPECT_EQ(via[0].at("access"), "single_user");
  EXPECT_EQ(via[0].at("model"), "term");
  const auto& releases = item.at("releases").as_array();
  ASSERT_GE(releases.size(), 2u);
  const auto& oldest = releases.back();
  EXPECT_EQ(oldest.at("version"), "2027");
  EXPECT_EQ(oldest.at("kind"), "release");
  EXPECT_EQ(oldest.at("product_code"), "DRL");
  EXPECT_EQ(oldest.at("released_at"), "2026-04-01T00:00:00.000Z");
  EXPECT_EQ(oldest.at("sha256").as_string().size(), 64u);
  EXPECT_GT(oldest.at("size_bytes").as_int64(), 0);

  // Another team of the same customer is not hers.
  const Credential& kim = server_->Person(DemoEmail("kim"));
  const std::string plant = TeamId(kim, "Contoso Plant");
  ASSERT_FALSE(plant.empty());
  EXPECT_EQ(server_->Call("GET", "/api/v1/teams/" + plant + "/downloads", eve).status, 404);
}

TEST_P(DownloadsHttpTest, ThePrimaryAdminSeesEveryProductOfHerTeam) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  // Sign-in Draftline, the AEC Collection's products, serial Formwork, network Structa and
  // perpetual Civilis, by name; the Cloud Rendering service has nothing to download.
  EXPECT_THAT(DownloadCodes(team, ann), ElementsAre("CIV", "DRL", "DRA", "FRM", "STR"));
}

TEST_P(DownloadsHttpTest, AnOperatorsNewUpdateIsTheFirstAUserSees) {
  const Credential& op = server_->Person("operator@seatwise.example");
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const std::string team = TeamId(eve);
  HttpReply created = server_->Call("POST", "/api/v1/catalog/products/DRL/releases", op,
                                    Update("2027.2", "2027-01-15T09:00:00Z"));
  ASSERT_EQ(created.status, 201) << created.Describe();
  const boost::json::value release = created.Json();
  EXPECT_EQ(release.at("sha256"),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  EXPECT_EQ(release.at("size_bytes").as_int64(), 5'368'709'120);
  const std::string id(release.at("id").as_string());

  boost::json::value listing;
  ASSERT_THAT(DownloadCodes(team, eve, &listing), ElementsAre("DRL", "STR"));
  const auto& first = listing.at("items").at(0).at("releases").at(0);
  EXPECT_EQ(first.at("version"), "2027.2");
  EXPECT_EQ(first.at("notes"), "Fixes a crash when plotting.");

  HttpReply catalog = server_->Call("GET", "/api/v1/catalog/products/DRL/releases", eve);
  ASSERT_EQ(catalog.status, 200) << catalog.Describe();
  EXPECT_EQ(std::string(catalog.Json().at("items").at(0).at("id").as_string()), id);

  HttpReply twice = server_->Call("POST", "/api/v1/catalog/products/DRL/releases", op,
                                  Update("2027.2", "2027-01-16T09:00:00Z"));
  EXPECT_EQ(twice.status, 409) << twice.Describe();

  EXPECT_EQ(server_->Call("DELETE", "/api/v1/catalog/products/DRL/releases/" + id, eve).status,
            403);
  EXPECT_EQ(server_->Call("DELETE", "/api/v1/catalog/products/DRL/releases/" + id, op).status, 204);
  ASSERT_THAT(DownloadCodes(team, eve, &listing), ElementsAre("DRL", "STR"));
  EXPECT_NE(listing.at("items").at(0).at("releases").at(0).at("version"), "2027.2");
}

TEST_P(DownloadsHttpTest, OnlyOperatorsAddReleasesAndBadInputNamesTheFields) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  HttpReply refused = server_->Call("POST", "/api/v1/catalog/products/DRL/releases", eve,
                                    Update("2027.9", "2027-02-01T00:00:00Z"));
  EXPECT_EQ(refused.status, 403) << refused.Describe();

  const Credential& op = server_->Person("operator@seatwise.example");
  HttpReply bad = server_->Call(
      "POST", "/api/v1/catalog/products/DRL/releases", op,
      R"({"version":"2027 beta","kind":"hotfix","title":"T","released_at":"yesterday",)"
      R"("download_url":"http://downloads.example/x.exe","sha256":"abc","size_bytes":0})");
  ASSERT_EQ(bad.status, 400) << bad.Describe();
  std::vector<std::string> fields;
  const boost::json::value problem = bad.Json();
  for (const auto& e : problem.at("errors").as_array()) {
    fields.emplace_back(e.at("field").as_string());
  }
  EXPECT_THAT(fields, UnorderedElementsAre("version", "kind", "released_at", "download_url",
                                           "sha256", "size_bytes"));

  EXPECT_EQ(server_
                ->Call("POST", "/api/v1/catalog/products/NOPE/releases", op,
                       Update("1", "2027-02-01T00:00:00Z"))
                .status,
            404);
}

TEST_P(DownloadsHttpTest, TheProductListShowsTheSerialNumberAndProductKey) {
  const Credential& dev = server_->Person(DemoEmail("dev"));
  const std::string team = TeamId(dev);
  HttpReply listed = server_->Call("GET", "/api/v1/teams/" + team + "/products", dev);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  bool seen = false;
  const boost::json::value products = listed.Json();
  for (const auto& item : products.at("items").as_array()) {
    if (item.at("item").at("code") != "FRM") continue;
    seen = true;
    EXPECT_TRUE(item.at("serial_number").is_string());
    EXPECT_EQ(item.at("product_key"), "507R1");
  }
  EXPECT_TRUE(seen) << listed.Describe();

  // The Software Coordinator downloads their serial contract's product (and, as a member,
  // the team's floating Structa).
  EXPECT_THAT(DownloadCodes(team, dev), ElementsAre("FRM", "STR"));
}

TEST_P(DownloadsHttpTest, ACatalogImportAddsReleasesOnce) {
  const Credential& op = server_->Person("operator@seatwise.example");
  const std::string file =
      R"({"products":[{"code":"IMP","name":"Imported","release":"2027",)"
      R"("releases":[{"version":"2027","kind":"release","title":"Imported 2027",)"
      R"("released_at":"2027-04-01T00:00:00Z",)"
      R"("download_url":"https://downloads.seatwise.example/IMP/2027/setup.exe",)"
      R"("sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",)"
      R"("size_bytes":1000}]}]})";
  HttpReply first = server_->Call("POST", "/api/v1/catalog/import", op, file);
  ASSERT_EQ(first.status, 200) << first.Describe();
  EXPECT_EQ(first.Json().at("created").as_int64(), 2);  // the product and its release
  HttpReply second = server_->Call("POST", "/api/v1/catalog/import", op, file);
  ASSERT_EQ(second.status, 200) << second.Describe();
  EXPECT_EQ(second.Json().at("created").as_int64(), 0);
  HttpReply listed = server_->Call("GET", "/api/v1/catalog/products/IMP/releases", op);
  ASSERT_EQ(listed.status, 200) << listed.Describe();
  EXPECT_EQ(listed.Json().at("items").as_array().size(), 1u);

  HttpReply bad = server_->Call(
      "POST", "/api/v1/catalog/import", op,
      R"({"products":[{"code":"IMP","name":"Imported","releases":[{"version":"x","size_bytes":"1"}]}]})");
  ASSERT_EQ(bad.status, 400) << bad.Describe();
  const boost::json::value problem = bad.Json();
  std::vector<std::string> fields;
  for (const auto& e : problem.at("errors").as_array()) {
    fields.emplace_back(e.at("field").as_string());
  }
  EXPECT_THAT(fields, ::testing::Contains("products[0].releases[0].size_bytes"));
  EXPECT_THAT(fields, ::testing::Contains("products[0].releases[0].kind"));
}

INSTANTIATE_TEST_SUITE_P(Backends, DownloadsHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
