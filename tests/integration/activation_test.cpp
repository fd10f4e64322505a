// Sign-in activation over real HTTP on both backends: a user with a Draftline seat
// registers a computer and activates; the token verifies with the published JWKS; a second
// computer stops the first; a user without a seat is told why and who can help.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <optional>
#include <string>

#include "crypto/ed25519.hpp"
#include "crypto/jws.hpp"
#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

class ActivationHttpTest : public DemoServerTest {
 protected:
  // Registers a computer for `who`; its device id ("" with a failure).
  std::string RegisterDevice(const Credential& who, char fingerprint, int expected = 201) {
    const std::string body = boost::json::serialize(
        boost::json::object{{"fingerprint", std::string(64, fingerprint)},
                            {"asset_name", std::string("workstation-") + fingerprint},
                            {"os", "Linux 6.8"},
                            {"app_version", "2026.1"}});
    HttpReply reply = server_->Call("POST", "/api/v1/client/devices", who, body);
    EXPECT_EQ(reply.status, expected) << reply.Describe();
    if (reply.status != expected) return "";
    return std::string(reply.Json().at("device_id").as_string());
  }

  HttpReply Activate(const Credential& who, const std::string& device) {
    return server_->Call(
        "POST", "/api/v1/client/activations", who,
        boost::json::serialize(boost::json::object{{"product", "DRL"}, {"device_id", device}}));
  }

  HttpReply Refresh(const Credential& who, const std::string& token) {
    return server_->Call("POST", "/api/v1/client/activations/refresh", who,
                         boost::json::serialize(boost::json::object{{"token", token}}));
  }

  // Verifies a token with the keys of the server's JWKS document, as a client does.
  bool VerifiesWithPublishedKeys(const std::string& token) {
    HttpReply jwks = Send(server_->port(), "GET", "/.well-known/jwks.json");
    EXPECT_EQ(jwks.status, 200) << jwks.Describe();
    EXPECT_EQ(jwks.Header("Cache-Control"), "public, max-age=300");
    const boost::json::value keys = jwks.Json();
    auto lookup =
        [&](const std::string& kid) -> core::Result<std::optional<crypto::Ed25519PublicKey>> {
      for (const auto& key : keys.at("keys").as_array()) {
        if (key.at("kid").as_string() != kid) continue;
        EXPECT_EQ(key.at("kty"), "OKP");
        EXPECT_EQ(key.at("crv"), "Ed25519");
        auto bytes = crypto::Base64UrlDecode(std::string(key.at("x").as_string()));
        crypto::Ed25519PublicKey x{};
        if (!bytes.ok() || bytes->size() != x.size()) break;
        std::copy(bytes->begin(), bytes->end(), x.begin());
        return std::optional<crypto::Ed25519PublicKey>(x);
      }
      return std::optional<crypto::Ed25519PublicKey>();
    };
    return crypto::VerifyCompact(token, lookup).ok();
  }
};

TEST_P(ActivationHttpTest, EveActivatesAndASecondComputerStopsTheFirst) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const std::string first = RegisterDevice(eve, 'a');
  ASSERT_FALSE(first.empty());
  // The same fingerprint is the same computer.
  EXPECT_EQ(RegisterDevice(eve, 'a', 200), first);

  HttpReply on_first = Activate(eve, first);
  ASSERT_EQ(on_first.status, 201) << on_first.Describe();
  const boost::json::value granted = on_first.Json();
  const std::string token(granted.at("token").as_string());
  EXPECT_TRUE(VerifiesWithPublishedKeys(token));
  const auto first_dot = token.find('.');
  auto payload = crypto::Base64UrlDecode(
      token.substr(first_dot + 1, token.find('.', first_dot + 1) - first_dot - 1));
  ASSERT_TRUE(payload.ok());
  const boost::json::value claims = boost::json::parse(*payload);
  EXPECT_EQ(claims.at("kind"), "sign_in");
  EXPECT_EQ(claims.at("product_code"), "DRL");
  EXPECT_EQ(claims.at("device").as_string(), first);
  EXPECT_EQ(claims.at("user").as_string(), UserId(eve));
  EXPECT_EQ(claims.at("jti"), granted.at("activation_id"));
  EXPECT_EQ(claims.at("reauth_at").as_int64() - claims.at("iat").as_int64(), 24 * 3600);

  HttpReply renewed = Refresh(eve, token);
  ASSERT_EQ(renewed.status, 200) << renewed.Describe();

  const std::string second = RegisterDevice(eve, 'b');
  HttpReply on_second = Activate(eve, second);
  ASSERT_EQ(on_second.status, 201) << on_second.Describe();
  ASSERT_EQ(on_second.Json().at("revoked_elsewhere").as_array().size(), 1u);
  EXPECT_EQ(on_second.Json().at("revoked_elsewhere").as_array()[0].as_string(), first);

  HttpReply stopped = Refresh(eve, token);
  ASSERT_EQ(stopped.status, 409) << stopped.Describe();
  EXPECT_EQ(stopped.Header("Content-Type"), "application/problem+json");
  EXPECT_NE(stopped.body.find("signed in on another computer"), std::string::npos)
      << stopped.Describe();

  // A token with a changed payload is refused.
  std::string forged = std::string(on_second.Json().at("token").as_string());
  forged[forged.find('.') + 3] ^= 1;
  EXPECT_EQ(Refresh(eve, forged).status, 400);
}

TEST_P(ActivationHttpTest, AUserWithoutADraftlineSeatIsToldWhoCanAssignOne) {
  const Credential& dev = server_->Person(DemoEmail("dev"));
  const std::string device = RegisterDevice(dev, 'c');
  ASSERT_FALSE(device.empty());
  HttpReply refused = Activate(dev, device);
  ASSERT_EQ(refused.status, 403) << refused.Describe();
  EXPECT_NE(refused.body.find("is not assigned to you; ask your Primary Admin " + DemoEmail("ann")),
            std::string::npos)
      << refused.Describe();

  // Ivy's AEC collection seat grants Draftline.
  const Credential& ivy = server_->Person(DemoEmail("ivy"));
  HttpReply granted = Activate(ivy, RegisterDevice(ivy, 'd'));
  EXPECT_EQ(granted.status, 201) << granted.Describe();
}

TEST_P(ActivationHttpTest, KeyRotationFromTheCommandLineKeepsIssuedTokensVerifying) {
  const Credential& gia = server_->Person(DemoEmail("gia"));
  HttpReply granted = Activate(gia, RegisterDevice(gia, 'e'));
  ASSERT_EQ(granted.status, 201) << granted.Describe();
  const std::string token(granted.Json().at("token").as_string());
  const auto keys_before =
      Send(server_->port(), "GET", "/.well-known/jwks.json").Json().at("keys").as_array().size();

  CliRun rotated = RunSeatwise({"keys", "rotate", "--database", server_->database_url(), "--set",
                                "auth.secret_key_file=" + server_->temp_path() + "/secret.key"},
                               server_->temp_path());
  ASSERT_EQ(rotated.code, 0) << rotated.out << rotated.err;
  EXPECT_NE(rotated.out.find("is active"), std::string::npos) << rotated.out;

  const auto keys_after =
      Send(server_->port(), "GET", "/.well-known/jwks.json").Json().at("keys").as_array().size();
  EXPECT_EQ(keys_after, keys_before + 1);
  EXPECT_TRUE(VerifiesWithPublishedKeys(token));
  HttpReply renewed = Refresh(gia, token);
  EXPECT_EQ(renewed.status, 200) << renewed.Describe();
}

TEST_P(ActivationHttpTest, ADesktopSignedInWithTheDeviceGrantActivatesInTheTeamItNames) {
  auto form = [&](const std::string& target, const std::string& body) {
    return Send(server_->port(), "POST", target,
                {{"Content-Type", "application/x-www-form-urlencoded"}}, body);
  };
  HttpReply started =
      form("/api/v1/oauth/device_authorization", "client_id=seatwise-desktop&scope=licenses");
  ASSERT_EQ(started.status, 200) << started.Describe();
  const std::string poll =
      "grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=seatwise-desktop"
      "&device_code=" +
      std::string(started.Json().at("device_code").as_string());
  // Hal is a member of Contoso Design and Contoso Plant.
  const Credential& hal_session = server_->Person(DemoEmail("hal"));
  HttpReply approved = server_->Call(
      "POST", "/api/v1/oauth/device/approve", hal_session,
      boost::json::serialize(boost::json::object{{"user_code", started.Json().at("user_code")}}));
  ASSERT_EQ(approved.status, 204) << approved.Describe();
  HttpReply issued = form("/api/v1/oauth/token", poll);
  ASSERT_EQ(issued.status, 200) << issued.Describe();
  Credential hal;
  hal.bearer = std::string(issued.Json().at("access_token").as_string());

  boost::json::object device{{"fingerprint", std::string(64, 'f')}, {"asset_name", "hal-ws"}};
  HttpReply ambiguous =
      server_->Call("POST", "/api/v1/client/devices", hal, boost::json::serialize(device));
  ASSERT_EQ(ambiguous.status, 400) << ambiguous.Describe();
  EXPECT_NE(ambiguous.body.find("team_id"), std::string::npos) << ambiguous.Describe();

  device["team_id"] = TeamId(hal_session);
  HttpReply registered =
      server_->Call("POST", "/api/v1/client/devices", hal, boost::json::serialize(device));
  ASSERT_EQ(registered.status, 201) << registered.Describe();
  HttpReply granted = Activate(hal, std::string(registered.Json().at("device_id").as_string()));
  ASSERT_EQ(granted.status, 201) << granted.Describe();
  EXPECT_TRUE(VerifiesWithPublishedKeys(std::string(granted.Json().at("token").as_string())));
}

TEST_P(ActivationHttpTest, RefusesARawMachineIdAndAnonymousCallers) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  HttpReply raw = server_->Call("POST", "/api/v1/client/devices", eve,
                                R"({"fingerprint":"4c4c4544-0038-3510-8052-b4c04f4e4d32",)"
                                R"("asset_name":"ws"})");
  EXPECT_EQ(raw.status, 400) << raw.Describe();
  HttpReply anonymous = server_->Call("POST", "/api/v1/client/activations", Credential{},
                                      R"({"product":"DRL","device_id":"dev_x"})");
  EXPECT_EQ(anonymous.status, 401) << anonymous.Describe();
}

INSTANTIATE_TEST_SUITE_P(Backends, ActivationHttpTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
