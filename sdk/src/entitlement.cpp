#include "entitlement.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <limits>

namespace seatwise::sdk {
namespace {

namespace json = boost::json;

constexpr std::int64_t kSecondsPerDay = 86400;

std::optional<json::object> ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

// The string member `name`, or nothing when absent or not a string.
std::optional<std::string> StringMember(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr || !value->is_string()) {
    return std::nullopt;
  }
  return std::string(value->as_string());
}

std::optional<std::int64_t> IntegerMember(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (value->is_int64()) {
    return value->as_int64();
  }
  if (value->is_uint64() &&
      value->as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value->as_uint64());
  }
  return std::nullopt;
}

std::optional<Claims> ClaimsFromPayload(const json::object& payload, std::string& error) {
  Claims claims;
  struct Text {
    std::string_view name;
    std::string* target;
  };
  const Text texts[] = {{"iss", &claims.issuer},
                        {"kind", &claims.kind},
                        {"jti", &claims.activation_id},
                        {"product", &claims.product},
                        {"product_code", &claims.product_code},
                        {"subscription", &claims.subscription},
                        {"device", &claims.device},
                        {"fingerprint", &claims.fingerprint}};
  for (const Text& text : texts) {
    std::optional<std::string> value = StringMember(payload, text.name);
    if (!value) {
      error = "the token has no text claim \"" + std::string(text.name) + "\"";
      return std::nullopt;
    }
    *text.target = std::move(*value);
  }
  if (claims.kind != "sign_in" && claims.kind != "serial" && claims.kind != "borrow") {
    error = "the token's kind \"" + claims.kind + "\" is not sign_in, serial or borrow";
    return std::nullopt;
  }
  const json::value* user = payload.if_contains("user");
  if (user == nullptr || !(user->is_string() || user->is_null())) {
    error = "the token's user claim is neither text nor null";
    return std::nullopt;
  }
  if (user->is_string()) {
    claims.user = std::string(user->as_string());
  }
  struct Time {
    std::string_view name;
    std::int64_t* target;
  };
  const Time times[] = {{"iat", &claims.issued_at},
                        {"reauth_at", &claims.reauth_at},
                        {"grace_until", &claims.grace_until},
                        {"warn_from", &claims.warn_from}};
  for (const Time& time : times) {
    std::optional<std::int64_t> value = IntegerMember(payload, time.name);
    if (!value) {
      error = "the token has no integer claim \"" + std::string(time.name) + "\"";
      return std::nullopt;
    }
    *time.target = *value;
  }
  return claims;
}

}  // namespace

std::optional<std::string> DecodeBase64Url(std::string_view text) {
  std::string out(text.size() * 3 / 4 + 1, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::vector<PublicKey> ParseJwks(std::string_view jwks_json, std::string& error) {
  std::optional<json::object> document = ParseObject(jwks_json);
  const json::value* keys = document ? document->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) {
    error = "the public keys are not a JWKS document ({\"keys\":[...]})";
    return {};
  }
  std::vector<PublicKey> result;
  for (const json::value& entry : keys->as_array()) {
    if (!entry.is_object()) {
      continue;
    }
    const json::object& key = entry.as_object();
    std::optional<std::string> kty = StringMember(key, "kty");
    std::optional<std::string> crv = StringMember(key, "crv");
    std::optional<std::string> kid = StringMember(key, "kid");
    std::optional<std::string> x = StringMember(key, "x");
    std::optional<std::string> alg = StringMember(key, "alg");
    std::optional<std::string> use = StringMember(key, "use");
    if (kty != "OKP" || crv != "Ed25519" || !kid || kid->empty() || !x ||
        (key.contains("alg") && alg != "EdDSA") || (key.contains("use") && use != "sig")) {
      continue;
    }
    std::optional<std::string> bytes = DecodeBase64Url(*x);
    PublicKey public_key;
    if (!bytes || bytes->size() != public_key.bytes.size()) {
      error = "the public key \"" + *kid + "\" is not 32 bytes of base64url";
      return {};
    }
    public_key.kid = *kid;
    std::copy(bytes->begin(), bytes->end(), public_key.bytes.begin());
    result.push_back(std::move(public_key));
  }
  if (result.empty()) {
    error = "the public keys contain no Ed25519 signing key";
  }
  return result;
}

namespace {

// The header and payload of a compact JWS whose alg is EdDSA, whose typ is `type` (or absent
// when `type_optional`), and whose signature verifies with the key of `keys` its kid names.
struct VerifiedJws {
  json::object header;
  json::object payload;
};

std::optional<VerifiedJws> VerifyCompact(std::string_view jws, const std::vector<PublicKey>& keys,
                                         std::string_view type, bool type_optional,
                                         std::string_view what, std::string& error) {
  const std::string name(what);
  const std::size_t first_dot = jws.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : jws.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      jws.find('.', second_dot + 1) != std::string_view::npos) {
    error = "the " + name + " is not three dot-separated parts";
    return std::nullopt;
  }
  const std::string_view signing_input = jws.substr(0, second_dot);
  std::optional<std::string> header_text = DecodeBase64Url(jws.substr(0, first_dot));
  std::optional<std::string> payload_text =
      DecodeBase64Url(jws.substr(first_dot + 1, second_dot - first_dot - 1));
  std::optional<std::string> signature = DecodeBase64Url(jws.substr(second_dot + 1));
  if (!header_text || !payload_text || !signature) {
    error = "the " + name + " is not valid base64url";
    return std::nullopt;
  }
  std::optional<json::object> header = ParseObject(*header_text);
  if (!header) {
    error = "the " + name + " header is not a JSON object";
    return std::nullopt;
  }
  if (StringMember(*header, "alg") != "EdDSA") {
    error = "the " + name + " is not signed with EdDSA";
    return std::nullopt;
  }
  if ((!type_optional || header->contains("typ")) && StringMember(*header, "typ") != type) {
    error = "the " + name + " type is not " + std::string(type);
    return std::nullopt;
  }
  std::optional<std::string> kid = StringMember(*header, "kid");
  const PublicKey* key = nullptr;
  for (const PublicKey& candidate : keys) {
    if (kid && candidate.kid == *kid) {
      key = &candidate;
      break;
    }
  }
  if (key == nullptr) {
    error = "the " + name + " is signed with a key that is not trusted here (kid \"" +
            kid.value_or("") + "\")";
    return std::nullopt;
  }
  if (signature->size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                  reinterpret_cast<const unsigned char*>(signing_input.data()),
                                  signing_input.size(), key->bytes.data()) != 0) {
    error = "the " + name + " signature does not verify";
    return std::nullopt;
  }
  std::optional<json::object> payload = ParseObject(*payload_text);
  if (!payload) {
    error = "the " + name + " payload is not a JSON object";
    return std::nullopt;
  }
  return VerifiedJws{std::move(*header), std::move(*payload)};
}

}  // namespace

std::optional<Claims> VerifyToken(std::string_view token, const std::vector<PublicKey>& keys,
                                  std::string& error) {
  std::optional<VerifiedJws> verified =
      VerifyCompact(token, keys, "JWT", /*type_optional=*/true, "token", error);
  if (!verified) {
    return std::nullopt;
  }
  return ClaimsFromPayload(verified->payload, error);
}

std::optional<std::string> TokenKid(std::string_view token) {
  std::optional<std::string> header_text = DecodeBase64Url(token.substr(0, token.find('.')));
  std::optional<json::object> header = header_text ? ParseObject(*header_text) : std::nullopt;
  return header ? StringMember(*header, "kid") : std::nullopt;
}

std::optional<std::vector<PublicKey>> VerifyKeySet(std::string_view signed_set,
                                                   const std::vector<PublicKey>& pinned,
                                                   std::string& error) {
  std::optional<VerifiedJws> verified =
      VerifyCompact(signed_set, pinned, kKeySetType, /*type_optional=*/false, "key set", error);
  if (!verified) {
    return std::nullopt;
  }
  std::vector<PublicKey> keys = ParseJwks(json::serialize(verified->payload), error);
  if (keys.empty()) {
    return std::nullopt;
  }
  return keys;
}

std::vector<PublicKey> TrustedKeys(const std::vector<PublicKey>& pinned,
                                   const std::vector<PublicKey>& learned) {
  std::vector<PublicKey> keys = pinned;
  for (const PublicKey& key : learned) {
    const bool taken = std::any_of(keys.begin(), keys.end(),
                                   [&](const PublicKey& known) { return known.kid == key.kid; });
    if (!taken) {
      keys.push_back(key);
    }
  }
  return keys;
}

TokenStanding StandingAt(const Claims& claims, std::int64_t now, bool revoked) {
  TokenStanding standing;
  if (now < claims.grace_until) {
    // Unsigned, so that no pair of times overflows; the difference is positive here.
    const std::uint64_t remaining =
        static_cast<std::uint64_t>(claims.grace_until) - static_cast<std::uint64_t>(now);
    const std::uint64_t day = kSecondsPerDay;
    standing.days_left = static_cast<std::int64_t>(remaining / day + (remaining % day != 0));
  }
  if (revoked) {
    standing.state = TokenState::kRevoked;
  } else if (now < claims.reauth_at) {
    standing.state = TokenState::kValid;
  } else if (now < claims.warn_from) {
    standing.state = TokenState::kReauthorize;
  } else if (now < claims.grace_until) {
    standing.state = TokenState::kGraceWarning;
  } else {
    standing.state = TokenState::kExpired;
  }
  return standing;
}

}  // namespace seatwise::sdk
