// Serial activation over real HTTP on both backends: Contoso Design's Framewise serial
// contract (110001234568, 4 seats) activates computers with its serial number and product key,
// refreshes and deactivates them with the device credential, refuses a wrong key generically,
// and answers "sign-in required" once a reseller moves the contract to sign-in.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class SerialActivationHttpTest : public DemoServerTest {
 protected:
  struct SerialLicense {
    std::string contract_id;
    std::string serial_number;
    std::string product_key;
  };

  // Finds the FRM serial subscription through the contract, as its Contract Manager ann sees it.
  SerialLicense FindFramewise() {
    const Credential& ann = server_->Person(DemoEmail("ann"));
    HttpReply list = server_->Call("GET", "/api/v1/contracts", ann);
    EXPECT_EQ(list.status, 200) << list.Describe();
    if (list.status != 200) return {};
    const boost::json::value contracts = list.Json();
    for (const auto& item : contracts.at("items").as_array()) {
      if (item.at("number") != "110001234568") continue;
      const std::string id(item.at("id").as_string());
      HttpReply contract = server_->Call("GET", "/api/v1/contracts/" + id, ann);
      EXPECT_EQ(contract.status, 200) << contract.Describe();
      if (contract.status != 200) return {};
      const boost::json::value detail = contract.Json();
      for (const auto& sub : detail.at("products").as_array()) {
        if (sub.at("code") != "FRM") continue;
        EXPECT_EQ(sub.at("activation"), "serial_number");
        EXPECT_EQ(sub.at("seats").as_int64(), 4);
        return {id, std::string(sub.at("serial_number").as_string()),
                std::string(sub.at("product_key").as_string())};
      }
    }
    ADD_FAILURE() << "no FRM subscription on contract 110001234568: " << list.body;
    return {};
  }

  HttpReply Activate(const SerialLicense& license, char fingerprint,
                     const std::string& product_key = "") {
    return Send(server_->port(), "POST", "/api/v1/client/serial-activations",
                {{"Content-Type", "application/json"}},
                boost::json::serialize(boost::json::object{
                    {"serial_number", license.serial_number},
                    {"product_key", product_key.empty() ? license.product_key : product_key},
                    {"product", "FRM"},
                    {"fingerprint", std::string(64, fingerprint)},
                    {"asset_name", std::string("cad-") + fingerprint},
                    {"os", "Windows 11"},
                    {"app_version", "2026.1"}}));
  }

  HttpReply WithDevice(const std::string& method, const std::string& target,
                       const std::string& credential, const std::string& body = "") {
    Headers headers{{"Authorization", "Bearer " + credential}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return Send(server_->port(), method, target, headers, body);
  }

  HttpReply Refresh(const std::string& credential, const std::string& activation_id) {
    return WithDevice(
        "POST", "/api/v1/client/serial-activations/refresh", credential,
        boost::json::serialize(boost::json::object{{"activation_id", activation_id}}));
  }
};

TEST_P(SerialActivationHttpTest, ActivatesRefreshesDeactivatesAndAsksForSignInAfterMigration) {
  const SerialLicense frm = FindFramewise();
  ASSERT_FALSE(frm.serial_number.empty());

  HttpReply wrong = Activate(frm, 'a', frm.product_key + "X");
  EXPECT_EQ(wrong.status, 404) << wrong.Describe();
  EXPECT_NE(wrong.body.find("serial number and product key do not match a license"),
            std::string::npos)
      << wrong.body;

  HttpReply first = Activate(frm, 'a');
  ASSERT_EQ(first.status, 201) << first.Describe();
  const boost::json::value granted = first.Json();
  const std::string activation_id(granted.at("activation_id").as_string());
  const std::string credential(granted.at("device_credential").as_string());
  EXPECT_EQ(credential.rfind("swm_", 0), 0u);
  EXPECT_FALSE(std::string(granted.at("token").as_string()).empty());
  EXPECT_TRUE(granted.at("reauth_at").is_string());
  EXPECT_TRUE(granted.at("grace_until").is_string());

  // The other three seats fill; a fifth computer is refused with how to free one.
  for (char c : {'b', 'c', 'd'}) {
    HttpReply more = Activate(frm, c);
    ASSERT_EQ(more.status, 201) << more.Describe();
  }
  HttpReply fifth = Activate(frm, 'e');
  EXPECT_EQ(fifth.status, 409) << fifth.Describe();
  EXPECT_NE(fifth.body.find("all 4 activations of this serial number are in use"),
            std::string::npos)
      << fifth.body;

  HttpReply renewed = Refresh(credential, activation_id);
  ASSERT_EQ(renewed.status, 200) << renewed.Describe();
  EXPECT_EQ(renewed.Json().at("activation_id").as_string(), activation_id);
  EXPECT_FALSE(renewed.Json().as_object().contains("device_credential"));

  HttpReply no_credential = Send(
      server_->port(), "POST", "/api/v1/client/serial-activations/refresh",
      {{"Content-Type", "application/json"}}, R"({"activation_id":")" + activation_id + R"("})");
  EXPECT_EQ(no_credential.status, 401) << no_credential.Describe();

  // Deactivating frees the seat at once.
  HttpReply freed =
      WithDevice("DELETE", "/api/v1/client/serial-activations/" + activation_id, credential);
  EXPECT_EQ(freed.status, 204) << freed.Describe();
  HttpReply fifth_again = Activate(frm, 'e');
  ASSERT_EQ(fifth_again.status, 201) << fifth_again.Describe();
  const boost::json::value e = fifth_again.Json();

  // The reseller moves the contract to sign-in: the next refresh asks for sign-in.
  const Credential& rafael = server_->Person(DemoEmail("rafael"));
  HttpReply migrated = server_->Call(
      "POST", "/api/v1/contracts/" + frm.contract_id + "/migrate-to-sign-in", rafael, "{}");
  ASSERT_EQ(migrated.status, 200) << migrated.Describe();
  HttpReply after = Refresh(std::string(e.at("device_credential").as_string()),
                            std::string(e.at("activation_id").as_string()));
  EXPECT_EQ(after.status, 409) << after.Describe();
  EXPECT_NE(after.body.find("sign-in required: this license moved to sign-in on"),
            std::string::npos)
      << after.body;
  HttpReply new_computer = Activate(frm, 'f');
  EXPECT_EQ(new_computer.status, 409) << new_computer.Describe();
  EXPECT_NE(new_computer.body.find("sign-in required"), std::string::npos) << new_computer.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, SerialActivationHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
