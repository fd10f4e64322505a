// The offline check against a person who controls the computer: every hand edit of the cache
// directory tried here (a revoked flag set back, a saved token written back, fields beside the
// token, another product's token, a cache copied from another computer, a forged signature, a
// key set dropped into the cache) leaves the product unusable, never valid. A key set counts
// only when a pinned key signed it.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "entitlement.hpp"
#include "sdk_test_support.hpp"
#include "seatwise/seatwise.h"

namespace seatwise::sdk::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

bool Usable(sw_token_state state) {
  return state == SW_TOKEN_VALID || state == SW_TOKEN_REAUTHORIZE ||
         state == SW_TOKEN_GRACE_WARNING;
}

// Sets every member called `name`, at any depth, to `value`.
void SetEverywhere(json::value& value, std::string_view name, const json::value& replacement) {
  if (json::object* object = value.if_object()) {
    for (auto& member : *object) {
      if (member.key() == name) {
        member.value() = replacement;
      } else {
        SetEverywhere(member.value(), name, replacement);
      }
    }
  } else if (json::array* array = value.if_array()) {
    for (json::value& item : *array) {
      SetEverywhere(item, name, replacement);
    }
  }
}

class CacheTamperingTest : public ::testing::Test {
 protected:
  CacheTamperingTest() : key_("key-2026"), client_(key_.Jwks(), cache_) {}

  void SetUp() override { ASSERT_EQ(client_.status(), SW_OK); }

  sw_check_result CheckAt(std::int64_t now, sw_client* client = nullptr) {
    sw_check_result result{};
    EXPECT_EQ(sw_token_check(client != nullptr ? client : client_.get(), now, &result), SW_OK)
        << sw_client_last_error(client != nullptr ? client : client_.get());
    return result;
  }

  std::string LastError() const { return sw_client_last_error(client_.get()); }

  fs::path CacheFile() const { return cache_ / "entitlement-DRL.json"; }

  // A token of the default payload with `changes` applied, signed by the server's key.
  std::string TokenWith(const json::object& changes) const {
    json::object payload = SigningKey::SignInPayload();
    for (const auto& change : changes) {
      payload[change.key()] = change.value();
    }
    return key_.Sign(key_.Header(), payload);
  }

  static constexpr std::int64_t kReauthAt = kIssuedAt + kDay;
  static constexpr std::int64_t kGraceUntil = kIssuedAt + 30 * kDay;

  TempDir dir_;
  fs::path cache_ = dir_.path() / "cache";
  SigningKey key_;
  CClient client_;
};

TEST_F(CacheTamperingTest, ARevokedFlagEditedBackToFalseStaysUnusable) {
  ASSERT_EQ(sw_token_store(client_.get(), key_.SignInToken().c_str()), SW_OK);
  ASSERT_EQ(sw_token_mark_revoked(client_.get()), SW_OK);
  ASSERT_EQ(CheckAt(kIssuedAt).state, SW_TOKEN_REVOKED);

  json::value cached = json::parse(ReadText(CacheFile()));
  SetEverywhere(cached, "revoked", false);
  WriteText(CacheFile(), json::serialize(cached));
  const sw_token_state state = CheckAt(kIssuedAt).state;
  EXPECT_FALSE(Usable(state)) << sw_token_state_name(state);
}

TEST_F(CacheTamperingTest, ARevokedTokenWrittenBackIntoTheCacheStaysRevoked) {
  const std::string saved = key_.SignInToken();
  ASSERT_EQ(sw_token_store(client_.get(), saved.c_str()), SW_OK);
  ASSERT_EQ(sw_token_mark_revoked(client_.get()), SW_OK);

  // The whole file rewritten as a fresh cache of the token kept from before the revocation.
  WriteText(CacheFile(), json::serialize(json::object{{"token", saved}, {"revoked", false}}));
  EXPECT_EQ(CheckAt(kIssuedAt).state, SW_TOKEN_REVOKED);
  WriteText(CacheFile(), json::serialize(json::object{{"token", saved}}));
  EXPECT_EQ(CheckAt(kIssuedAt).state, SW_TOKEN_REVOKED);

  // Storing it through the SDK, as a product would a token from the server, does not help.
  ASSERT_EQ(sw_token_store(client_.get(), saved.c_str()), SW_OK);
  EXPECT_EQ(CheckAt(kIssuedAt).state, SW_TOKEN_REVOKED);
}

TEST_F(CacheTamperingTest, AnEarlierTokenOfTheRevokedActivationStaysRevokedAndALaterOneWorks) {
  const std::string first = key_.SignInToken();
  const std::string renewed = TokenWith({{"iat", kIssuedAt + kDay},
                                         {"reauth_at", kIssuedAt + 2 * kDay},
                                         {"grace_until", kIssuedAt + 31 * kDay},
                                         {"warn_from", kIssuedAt + 28 * kDay}});
  ASSERT_EQ(sw_token_store(client_.get(), first.c_str()), SW_OK);
  ASSERT_EQ(sw_token_store(client_.get(), renewed.c_str()), SW_OK);
  ASSERT_EQ(sw_token_mark_revoked(client_.get()), SW_OK);

  ASSERT_EQ(sw_token_store(client_.get(), first.c_str()), SW_OK);
  EXPECT_EQ(CheckAt(kIssuedAt + kDay).state, SW_TOKEN_REVOKED);

  // The server activates this computer again later: its new token works.
  const std::string reactivated = TokenWith({{"iat", kIssuedAt + 2 * kDay},
                                             {"reauth_at", kIssuedAt + 3 * kDay},
                                             {"grace_until", kIssuedAt + 32 * kDay},
                                             {"warn_from", kIssuedAt + 29 * kDay}});
  ASSERT_EQ(sw_token_store(client_.get(), reactivated.c_str()), SW_OK);
  EXPECT_EQ(CheckAt(kIssuedAt + 2 * kDay).state, SW_TOKEN_VALID) << LastError();
}

TEST_F(CacheTamperingTest, TimesWrittenBesideTheTokenDoNotLengthenTheGrace) {
  ASSERT_EQ(sw_token_store(client_.get(), key_.SignInToken().c_str()), SW_OK);
  json::value cached = json::parse(ReadText(CacheFile()));
  json::object& object = cached.as_object();
  for (const char* name : {"grace_until", "reauth_at", "warn_from", "expires_at"}) {
    object[name] = kIssuedAt + 3650 * kDay;
  }
  object["offline_grace_days"] = 3650;
  WriteText(CacheFile(), json::serialize(cached));

  EXPECT_EQ(CheckAt(kReauthAt).state, SW_TOKEN_REAUTHORIZE);
  const sw_check_result expired = CheckAt(kGraceUntil);
  EXPECT_EQ(expired.state, SW_TOKEN_EXPIRED);
  EXPECT_EQ(expired.grace_until, kGraceUntil);
}

TEST_F(CacheTamperingTest, ATokenForAnotherProductIsRefused) {
  const std::string other_product =
      TokenWith({{"product", "prd_str"}, {"product_code", "STR"}, {"jti", "act_9"}});
  ASSERT_EQ(sw_token_store(client_.get(), other_product.c_str()), SW_OK);
  const sw_check_result result = CheckAt(kIssuedAt);
  EXPECT_EQ(result.state, SW_TOKEN_INVALID);
  EXPECT_STREQ(result.product_code, "");
  EXPECT_NE(LastError().find("STR"), std::string::npos) << LastError();

  // The same token in the other product's own cache file, copied over this product's.
  {
    CClient structa(key_.Jwks(), cache_, kTestMachineId, "STR");
    ASSERT_EQ(structa.status(), SW_OK);
    ASSERT_EQ(sw_token_store(structa.get(), other_product.c_str()), SW_OK);
    EXPECT_EQ(CheckAt(kIssuedAt, structa.get()).state, SW_TOKEN_VALID)
        << sw_client_last_error(structa.get());
  }
  fs::copy_file(cache_ / "entitlement-STR.json", CacheFile(), fs::copy_options::overwrite_existing);
  EXPECT_EQ(CheckAt(kIssuedAt).state, SW_TOKEN_INVALID);
}

TEST_F(CacheTamperingTest, ACacheCopiedToAnotherComputerIsRefused) {
  ASSERT_EQ(sw_token_store(client_.get(), key_.SignInToken().c_str()), SW_OK);
  ASSERT_EQ(CheckAt(kIssuedAt).state, SW_TOKEN_VALID) << LastError();

  const fs::path copied = dir_.path() / "copied";
  fs::copy(cache_, copied, fs::copy_options::recursive);
  CClient elsewhere(key_.Jwks(), copied, kOtherMachineId);
  ASSERT_EQ(elsewhere.status(), SW_OK);
  const sw_check_result result = CheckAt(kIssuedAt, elsewhere.get());
  EXPECT_EQ(result.state, SW_TOKEN_INVALID);
  EXPECT_STREQ(result.user, "");
  EXPECT_NE(std::string(sw_client_last_error(elsewhere.get())).find("another computer"),
            std::string::npos)
      << sw_client_last_error(elsewhere.get());
}

TEST_F(CacheTamperingTest, AForgedSignatureIsRefused) {
  const SigningKey impostor(key_.kid());
  ASSERT_EQ(sw_token_store(client_.get(), impostor.SignInToken().c_str()), SW_OK);
  EXPECT_EQ(CheckAt(kIssuedAt).state, SW_TOKEN_INVALID);

  // A genuine signature over a payload whose grace was lengthened afterwards.
  const std::string genuine = key_.SignInToken();
  json::object payload = SigningKey::SignInPayload();
  payload["grace_until"] = kIssuedAt + 3650 * kDay;
  const std::size_t first_dot = genuine.find('.');
  const std::string forged = genuine.substr(0, first_dot + 1) +
                             Base64Url(json::serialize(payload)) +
                             genuine.substr(genuine.rfind('.'));
  ASSERT_EQ(sw_token_store(client_.get(), forged.c_str()), SW_OK);
  EXPECT_EQ(CheckAt(kGraceUntil + kDay).state, SW_TOKEN_INVALID);
}

TEST_F(CacheTamperingTest, AKeySetDroppedIntoTheCacheOfAPinnedClientIsNotTrusted) {
  const SigningKey attacker("key-attacker");
  const SigningKey same_kid(key_.kid());
  WriteText(cache_ / "jwks.json",
            json::serialize(json::object{{"keys", json::array{attacker.Jwk(), same_kid.Jwk()}}}));
  WriteText(cache_ / "keys.jws",
            attacker.Sign({{"alg", "EdDSA"}, {"typ", "jwk-set+jwt"}, {"kid", attacker.kid()}},
                          {{"keys", json::array{attacker.Jwk(), same_kid.Jwk()}}}));
  CClient fresh(key_.Jwks(), cache_);
  ASSERT_EQ(fresh.status(), SW_OK);
  for (const SigningKey* forger : {&attacker, &same_kid}) {
    ASSERT_EQ(sw_token_store(fresh.get(), forger->SignInToken().c_str()), SW_OK);
    EXPECT_EQ(CheckAt(kIssuedAt, fresh.get()).state, SW_TOKEN_INVALID) << forger->kid();
  }
}

TEST_F(CacheTamperingTest, WithoutPinnedKeysAKeySetDroppedIntoTheCacheIsNotTrusted) {
  // The default configuration of a product that pins nothing: the keys in the cache
  // directory were all the old SDK went by.
  const SigningKey attacker("key-attacker");
  const fs::path cache = dir_.path() / "unpinned";
  fs::create_directories(cache);
  WriteText(cache / "jwks.json", attacker.Jwks());
  MachineIdFile machine_id;
  const std::string cache_text = cache.string();
  sw_config config{};
  config.server_url = "https://licences.example.com";
  config.product_code = "DRL";
  config.jwks_json = "";
  config.cache_dir = cache_text.c_str();
  config.machine_id_file = machine_id.path().c_str();
  sw_client* client = nullptr;
  const sw_status created = sw_client_new(&config, &client);
  if (created == SW_OK) {
    ASSERT_EQ(sw_token_store(client, attacker.SignInToken().c_str()), SW_OK);
    const sw_token_state state = CheckAt(kIssuedAt, client).state;
    EXPECT_FALSE(Usable(state)) << sw_token_state_name(state);
    sw_client_free(client);
  } else {
    EXPECT_EQ(created, SW_E_INVALID_ARGUMENT);
  }
}

TEST_F(CacheTamperingTest, DeletingTheCacheAfterARevocationMeansGoingOnlineAgain) {
  ASSERT_EQ(sw_token_store(client_.get(), key_.SignInToken().c_str()), SW_OK);
  ASSERT_EQ(sw_token_mark_revoked(client_.get()), SW_OK);
  fs::remove_all(cache_);
  CClient fresh(key_.Jwks(), cache_);
  ASSERT_EQ(fresh.status(), SW_OK);
  EXPECT_EQ(CheckAt(kIssuedAt, fresh.get()).state, SW_TOKEN_MISSING);
}

// A key set document as the server would sign it: `keys` signed by `signer` with `type`.
std::string SignedKeySet(const SigningKey& signer, const std::vector<const SigningKey*>& keys,
                         const std::string& type = "jwk-set+jwt") {
  json::array entries;
  for (const SigningKey* key : keys) {
    entries.push_back(key->Jwk());
  }
  return signer.Sign({{"alg", "EdDSA"}, {"typ", type}, {"kid", signer.kid()}},
                     {{"keys", std::move(entries)}, {"iat", kIssuedAt}});
}

class SignedKeySetTest : public ::testing::Test {
 protected:
  // The state of `token` for a fresh client pinned to `pinned_` whose cache holds `key_set`.
  sw_token_state StateWith(const std::string& key_set, const std::string& token) {
    const fs::path cache = dir_.path() / ("cache-" + std::to_string(++clients_));
    fs::create_directories(cache);
    if (!key_set.empty()) {
      WriteText(cache / "keys.jws", key_set + "\n");
    }
    CClient client(pinned_.Jwks(), cache);
    EXPECT_EQ(client.status(), SW_OK);
    EXPECT_EQ(sw_token_store(client.get(), token.c_str()), SW_OK);
    sw_check_result result{};
    EXPECT_EQ(sw_token_check(client.get(), kIssuedAt, &result), SW_OK);
    return result.state;
  }

  TempDir dir_;
  int clients_ = 0;
  SigningKey pinned_{"key-2026"};
  SigningKey rotated_{"key-2027"};
  SigningKey attacker_{"key-attacker"};
};

TEST_F(SignedKeySetTest, AKeySetSignedByAPinnedKeyLetsItsKeysVerifyTokens) {
  const std::string token = rotated_.SignInToken();
  EXPECT_EQ(StateWith("", token), SW_TOKEN_INVALID);
  EXPECT_EQ(StateWith(SignedKeySet(pinned_, {&pinned_, &rotated_}), token), SW_TOKEN_VALID);
  EXPECT_EQ(StateWith(SignedKeySet(pinned_, {&pinned_, &rotated_}), pinned_.SignInToken()),
            SW_TOKEN_VALID);
}

TEST_F(SignedKeySetTest, AKeySetSignedByAnyOtherKeyAddsNothing) {
  const std::string token = rotated_.SignInToken();
  EXPECT_EQ(StateWith(SignedKeySet(attacker_, {&rotated_}), token), SW_TOKEN_INVALID);
  const SigningKey same_kid(pinned_.kid());
  EXPECT_EQ(StateWith(SignedKeySet(same_kid, {&rotated_}), token), SW_TOKEN_INVALID);
  // A learned key does not vouch for further keys: only pinned ones do.
  const SigningKey later("key-2028");
  EXPECT_EQ(StateWith(SignedKeySet(rotated_, {&later}), later.SignInToken()), SW_TOKEN_INVALID);
}

TEST_F(SignedKeySetTest, AnEditedOrRetypedKeySetAddsNothing) {
  const std::string genuine = SignedKeySet(pinned_, {&rotated_});
  const std::string swapped = SignedKeySet(pinned_, {&attacker_});
  const std::size_t first_dot = genuine.find('.');
  const std::size_t second_dot = genuine.find('.', first_dot + 1);
  const std::string edited = genuine.substr(0, first_dot + 1) +
                             swapped.substr(first_dot + 1, swapped.rfind('.') - first_dot - 1) +
                             genuine.substr(second_dot);
  EXPECT_EQ(StateWith(edited, attacker_.SignInToken()), SW_TOKEN_INVALID);
  // A signed document of another type (say, a token) is not a key set.
  EXPECT_EQ(StateWith(SignedKeySet(pinned_, {&rotated_}, "JWT"), rotated_.SignInToken()),
            SW_TOKEN_INVALID);
}

TEST_F(SignedKeySetTest, AKeySetCannotReplaceAPinnedKeyUnderItsKid) {
  const SigningKey same_kid(pinned_.kid());
  EXPECT_EQ(StateWith(SignedKeySet(pinned_, {&same_kid}), same_kid.SignInToken()),
            SW_TOKEN_INVALID);
  EXPECT_EQ(StateWith(SignedKeySet(pinned_, {&same_kid}), pinned_.SignInToken()), SW_TOKEN_VALID);
}

TEST_F(SignedKeySetTest, ALearnedKeyUnderAPinnedKidIsLeftOutOfTheTrustedKeys) {
  std::string error;
  const std::vector<PublicKey> pinned = ParseJwks(pinned_.Jwks(), error);
  const SigningKey same_kid(pinned_.kid());
  const std::vector<PublicKey> learned = ParseJwks(
      json::serialize(json::object{{"keys", json::array{same_kid.Jwk(), rotated_.Jwk()}}}), error);
  ASSERT_EQ(pinned.size(), 1u);
  ASSERT_EQ(learned.size(), 2u);
  const std::vector<PublicKey> trusted = TrustedKeys(pinned, learned);
  ASSERT_EQ(trusted.size(), 2u);
  EXPECT_EQ(trusted[0].kid, pinned_.kid());
  EXPECT_EQ(trusted[0].bytes, pinned[0].bytes);
  EXPECT_EQ(trusted[1].kid, rotated_.kid());
}

}  // namespace
}  // namespace seatwise::sdk::testing
