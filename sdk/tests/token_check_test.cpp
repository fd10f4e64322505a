// The offline check of sw_token_check: every state of the entitlement token contract, and
// every way a token can be refused as invalid.

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "sdk_test_support.hpp"
#include "seatwise/seatwise.h"

namespace seatwise::sdk::testing {
namespace {

class TokenCheckTest : public ::testing::Test {
 protected:
  TokenCheckTest() : key_("key-2026"), client_(key_.Jwks(), dir_.path() / "cache") {}

  void SetUp() override { ASSERT_EQ(client_.status(), SW_OK); }

  // Stores `token` and checks it at `now`.
  sw_check_result CheckAt(const std::string& token, std::int64_t now) {
    EXPECT_EQ(sw_token_store(client_.get(), token.c_str()), SW_OK);
    sw_check_result result{};
    EXPECT_EQ(sw_token_check(client_.get(), now, &result), SW_OK);
    return result;
  }

  sw_token_state StateAt(const std::string& token, std::int64_t now) {
    return CheckAt(token, now).state;
  }

  static constexpr std::int64_t kReauthAt = kIssuedAt + kDay;
  static constexpr std::int64_t kGraceUntil = kIssuedAt + 30 * kDay;
  static constexpr std::int64_t kWarnFrom = kGraceUntil - 3 * kDay;

  SigningKey key_;
  TempDir dir_;
  CClient client_;
};

TEST_F(TokenCheckTest, ReportsMissingWhenNothingIsCached) {
  sw_check_result result{};
  result.state = SW_TOKEN_VALID;
  ASSERT_EQ(sw_token_check(client_.get(), kIssuedAt, &result), SW_OK);
  EXPECT_EQ(result.state, SW_TOKEN_MISSING);
}

TEST_F(TokenCheckTest, IsValidBeforeReauthorisationIsDueWithTheClaims) {
  const sw_check_result result = CheckAt(key_.SignInToken(), kIssuedAt);
  EXPECT_EQ(result.state, SW_TOKEN_VALID);
  EXPECT_EQ(result.days_left, 30);
  EXPECT_STREQ(result.kind, "sign_in");
  EXPECT_STREQ(result.activation_id, "act_1");
  EXPECT_EQ(result.has_user, 1);
  EXPECT_STREQ(result.user, "usr_ada");
  EXPECT_STREQ(result.product, "prd_drl");
  EXPECT_STREQ(result.product_code, "DRL");
  EXPECT_STREQ(result.subscription, "sub_7");
  EXPECT_STREQ(result.device, "dev_42");
  EXPECT_EQ(std::string(result.fingerprint), FingerprintOf(kTestMachineId));
  EXPECT_STREQ(result.issuer, "https://licences.example.com");
  EXPECT_EQ(result.issued_at, kIssuedAt);
  EXPECT_EQ(result.reauth_at, kReauthAt);
  EXPECT_EQ(result.warn_from, kWarnFrom);
  EXPECT_EQ(result.grace_until, kGraceUntil);
}

TEST_F(TokenCheckTest, IsValidUntilTheSecondBeforeReauthorisation) {
  EXPECT_EQ(StateAt(key_.SignInToken(), kReauthAt - 1), SW_TOKEN_VALID);
}

TEST_F(TokenCheckTest, AsksToReauthoriseFromReauthAtUntilTheWarning) {
  const std::string token = key_.SignInToken();
  EXPECT_EQ(StateAt(token, kReauthAt), SW_TOKEN_REAUTHORIZE);
  EXPECT_EQ(StateAt(token, kWarnFrom - 1), SW_TOKEN_REAUTHORIZE);
}

TEST_F(TokenCheckTest, WarnsInTheLastThreeDaysWithWholeDaysLeftRoundedUp) {
  const std::string token = key_.SignInToken();
  sw_check_result result = CheckAt(token, kWarnFrom);
  EXPECT_EQ(result.state, SW_TOKEN_GRACE_WARNING);
  EXPECT_EQ(result.days_left, 3);

  result = CheckAt(token, kWarnFrom + 1);
  EXPECT_EQ(result.state, SW_TOKEN_GRACE_WARNING);
  EXPECT_EQ(result.days_left, 3);

  result = CheckAt(token, kGraceUntil - kDay);
  EXPECT_EQ(result.days_left, 1);

  result = CheckAt(token, kGraceUntil - kDay - 1);
  EXPECT_EQ(result.days_left, 2);

  result = CheckAt(token, kGraceUntil - 1);
  EXPECT_EQ(result.state, SW_TOKEN_GRACE_WARNING);
  EXPECT_EQ(result.days_left, 1);
}

TEST_F(TokenCheckTest, ExpiresWhenTheOfflineGraceEnds) {
  const std::string token = key_.SignInToken();
  sw_check_result result = CheckAt(token, kGraceUntil);
  EXPECT_EQ(result.state, SW_TOKEN_EXPIRED);
  EXPECT_EQ(result.days_left, 0);
  EXPECT_EQ(StateAt(token, kGraceUntil + 400 * kDay), SW_TOKEN_EXPIRED);
}

TEST_F(TokenCheckTest, ReportsRevokedOnceMarkedUntilANewerTokenIsStored) {
  ASSERT_EQ(sw_token_store(client_.get(), key_.SignInToken().c_str()), SW_OK);
  ASSERT_EQ(sw_token_mark_revoked(client_.get()), SW_OK);
  sw_check_result result{};
  ASSERT_EQ(sw_token_check(client_.get(), kIssuedAt, &result), SW_OK);
  EXPECT_EQ(result.state, SW_TOKEN_REVOKED);
  // The revoked token is gone from the cache, so nothing of it is reported.
  EXPECT_STREQ(result.user, "");

  EXPECT_EQ(StateAt(key_.SignInToken(), kIssuedAt), SW_TOKEN_REVOKED);
  boost::json::object payload = SigningKey::SignInPayload();
  payload["iat"] = kIssuedAt + 60;
  EXPECT_EQ(StateAt(key_.Sign(key_.Header(), payload), kIssuedAt + 60), SW_TOKEN_VALID);
}

TEST_F(TokenCheckTest, MarkingRevokedWithoutATokenSaysSo) {
  EXPECT_EQ(sw_token_mark_revoked(client_.get()), SW_E_NO_TOKEN);
}

TEST_F(TokenCheckTest, ASerialTokenHasNoUser) {
  boost::json::object payload = SigningKey::SignInPayload();
  payload["kind"] = "serial";
  payload["user"] = nullptr;
  const sw_check_result result = CheckAt(key_.Sign(key_.Header(), payload), kIssuedAt);
  EXPECT_EQ(result.state, SW_TOKEN_VALID);
  EXPECT_EQ(result.has_user, 0);
  EXPECT_STREQ(result.user, "");
  EXPECT_STREQ(result.kind, "serial");
}

TEST_F(TokenCheckTest, ABorrowTokenFollowsItsOwnGraceEnd) {
  boost::json::object payload = SigningKey::SignInPayload();
  payload["kind"] = "borrow";
  payload["grace_until"] = kIssuedAt + 7 * kDay;
  payload["warn_from"] = kIssuedAt + 4 * kDay;
  const std::string token = key_.Sign(key_.Header(), payload);
  EXPECT_EQ(StateAt(token, kIssuedAt + 5 * kDay), SW_TOKEN_GRACE_WARNING);
  EXPECT_EQ(StateAt(token, kIssuedAt + 7 * kDay), SW_TOKEN_EXPIRED);
}

TEST_F(TokenCheckTest, InvalidWhenThePayloadWasTamperedWith) {
  const std::string token = key_.SignInToken();
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot = token.find('.', first_dot + 1);
  boost::json::object payload = SigningKey::SignInPayload();
  payload["grace_until"] = kIssuedAt + 3650 * kDay;
  const std::string tampered = token.substr(0, first_dot + 1) +
                               Base64Url(boost::json::serialize(payload)) +
                               token.substr(second_dot);
  const sw_check_result result = CheckAt(tampered, kIssuedAt);
  EXPECT_EQ(result.state, SW_TOKEN_INVALID);
  EXPECT_STREQ(result.user, "");
  EXPECT_STRNE(sw_client_last_error(client_.get()), "");
}

TEST_F(TokenCheckTest, InvalidWhenSignedByAnotherKeyUnderAPinnedKid) {
  const SigningKey impostor(key_.kid());
  EXPECT_EQ(StateAt(impostor.SignInToken(), kIssuedAt), SW_TOKEN_INVALID);
}

TEST_F(TokenCheckTest, InvalidWhenTheKidIsNotPinned) {
  boost::json::object header = key_.Header();
  header["kid"] = "key-unknown";
  EXPECT_EQ(StateAt(key_.Sign(header, SigningKey::SignInPayload()), kIssuedAt), SW_TOKEN_INVALID);
  header.erase("kid");
  EXPECT_EQ(StateAt(key_.Sign(header, SigningKey::SignInPayload()), kIssuedAt), SW_TOKEN_INVALID);
}

TEST_F(TokenCheckTest, InvalidWhenTheAlgorithmIsNone) {
  boost::json::object header = key_.Header();
  header["alg"] = "none";
  const std::string signed_none = key_.Sign(header, SigningKey::SignInPayload());
  EXPECT_EQ(StateAt(signed_none, kIssuedAt), SW_TOKEN_INVALID);
  const std::string unsigned_none = signed_none.substr(0, signed_none.rfind('.') + 1);
  EXPECT_EQ(StateAt(unsigned_none, kIssuedAt), SW_TOKEN_INVALID);
}

TEST_F(TokenCheckTest, InvalidWhenTheBase64IsMalformed) {
  const std::string token = key_.SignInToken();
  EXPECT_EQ(StateAt("*" + token.substr(1), kIssuedAt), SW_TOKEN_INVALID);
  EXPECT_EQ(StateAt(token + "==", kIssuedAt), SW_TOKEN_INVALID);
  std::string standard_alphabet = token;
  standard_alphabet[standard_alphabet.rfind('.') + 1] = '+';
  EXPECT_EQ(StateAt(standard_alphabet, kIssuedAt), SW_TOKEN_INVALID);
}

TEST_F(TokenCheckTest, InvalidWhenTruncated) {
  const std::string token = key_.SignInToken();
  EXPECT_EQ(StateAt(token.substr(0, token.size() - 4), kIssuedAt), SW_TOKEN_INVALID);
  EXPECT_EQ(StateAt(token.substr(0, token.rfind('.')), kIssuedAt), SW_TOKEN_INVALID);
  EXPECT_EQ(StateAt(token.substr(0, token.find('.')), kIssuedAt), SW_TOKEN_INVALID);
  EXPECT_EQ(StateAt(token + ".extra", kIssuedAt), SW_TOKEN_INVALID);
}

TEST_F(TokenCheckTest, InvalidWhenARequiredClaimIsMissingOrMistyped) {
  boost::json::object payload = SigningKey::SignInPayload();
  payload.erase("grace_until");
  EXPECT_EQ(StateAt(key_.Sign(key_.Header(), payload), kIssuedAt), SW_TOKEN_INVALID);
  payload = SigningKey::SignInPayload();
  payload["reauth_at"] = "tomorrow";
  EXPECT_EQ(StateAt(key_.Sign(key_.Header(), payload), kIssuedAt), SW_TOKEN_INVALID);
  payload = SigningKey::SignInPayload();
  payload["kind"] = "forever";
  EXPECT_EQ(StateAt(key_.Sign(key_.Header(), payload), kIssuedAt), SW_TOKEN_INVALID);
}

TEST_F(TokenCheckTest, ARevokedMarkDoesNotMakeAForgedTokenLookGenuine) {
  const SigningKey impostor(key_.kid());
  const std::string forged = impostor.SignInToken();
  ASSERT_EQ(sw_token_store(client_.get(), forged.c_str()), SW_OK);
  ASSERT_EQ(sw_token_mark_revoked(client_.get()), SW_OK);
  EXPECT_EQ(StateAt(forged, kIssuedAt), SW_TOKEN_INVALID);
}

TEST_F(TokenCheckTest, ACacheMarkedRevokedByAnEarlierSdkStaysRevoked) {
  const std::string token = key_.SignInToken();
  std::ofstream(dir_.path() / "cache" / "entitlement-DRL.json")
      << boost::json::serialize(boost::json::object{{"token", token}, {"revoked", true}});
  sw_check_result result{};
  ASSERT_EQ(sw_token_check(client_.get(), kIssuedAt, &result), SW_OK);
  EXPECT_EQ(result.state, SW_TOKEN_REVOKED);
  // Converted to today's record: the flag set back no longer brings the token back.
  std::ofstream(dir_.path() / "cache" / "entitlement-DRL.json")
      << boost::json::serialize(boost::json::object{{"token", token}, {"revoked", false}});
  EXPECT_EQ(sw_token_check(client_.get(), kIssuedAt, &result), SW_OK);
  EXPECT_EQ(result.state, SW_TOKEN_REVOKED);
}

TEST_F(TokenCheckTest, ADamagedRevocationRecordTrustsNoToken) {
  ASSERT_EQ(sw_token_store(client_.get(), key_.SignInToken().c_str()), SW_OK);
  std::ofstream(dir_.path() / "cache" / "revoked-DRL.json") << "{\"revoked\":[{\"jti\":";
  sw_check_result result{};
  ASSERT_EQ(sw_token_check(client_.get(), kIssuedAt, &result), SW_OK);
  EXPECT_EQ(result.state, SW_TOKEN_INVALID);
  EXPECT_NE(std::string(sw_client_last_error(client_.get())).find("damaged"), std::string::npos)
      << sw_client_last_error(client_.get());
}

TEST(TokenCheckKeysTest, ARetiredKeyStillInTheSetKeepsItsTokensVerifying) {
  const SigningKey retired("key-2025");
  const SigningKey active("key-2026");
  const std::string jwks = boost::json::serialize(
      boost::json::object{{"keys", boost::json::array{active.Jwk(), retired.Jwk()}}});
  TempDir dir;
  CClient client(jwks, dir.path());
  ASSERT_EQ(client.status(), SW_OK);
  for (const SigningKey* key : {&retired, &active}) {
    ASSERT_EQ(sw_token_store(client.get(), key->SignInToken().c_str()), SW_OK);
    sw_check_result result{};
    ASSERT_EQ(sw_token_check(client.get(), kIssuedAt, &result), SW_OK);
    EXPECT_EQ(result.state, SW_TOKEN_VALID) << key->kid();
  }
}

TEST(TokenCheckKeysTest, RefusesAConfigurationWithoutAnEd25519Key) {
  TempDir dir;
  for (const std::string& jwks :
       {std::string("not json"), std::string("{\"keys\":[]}"),
        std::string("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}"),
        std::string("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k\",\"x\":"
                    "\"c2hvcnQ\"}]}")}) {
    CClient client(jwks, dir.path());
    EXPECT_EQ(client.status(), SW_E_INVALID_ARGUMENT) << jwks;
    EXPECT_EQ(client.get(), nullptr);
  }
}

TEST(TokenCheckKeysTest, RefusesNullAndMalformedConfiguration) {
  sw_client* client = nullptr;
  EXPECT_EQ(sw_client_new(nullptr, &client), SW_E_INVALID_ARGUMENT);
  const SigningKey key("k");
  const std::string jwks = key.Jwks();
  TempDir dir;
  const std::string cache = dir.path().string();
  sw_config config{};
  config.server_url = "https://licences.example.com";
  config.product_code = "../DRL";
  config.jwks_json = jwks.c_str();
  config.cache_dir = cache.c_str();
  EXPECT_EQ(sw_client_new(&config, &client), SW_E_INVALID_ARGUMENT);
  config.product_code = "DRL";
  config.server_url = "licences.example.com";
  EXPECT_EQ(sw_client_new(&config, &client), SW_E_INVALID_ARGUMENT);
  config.server_url = nullptr;
  EXPECT_EQ(sw_client_new(&config, &client), SW_E_INVALID_ARGUMENT);
  EXPECT_EQ(client, nullptr);
}

}  // namespace
}  // namespace seatwise::sdk::testing
