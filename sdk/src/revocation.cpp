#include "revocation.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>

#include "token_cache.hpp"

namespace seatwise::sdk {
namespace {

namespace json = boost::json;

std::string Digest(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

std::string RevocationsPath(const std::string& cache_dir, const std::string& product_code) {
  return (std::filesystem::path(cache_dir) / ("revoked-" + product_code + ".json")).string();
}

std::optional<std::vector<Revocation>> LoadRevocations(const std::string& path,
                                                       std::string& error) {
  std::optional<std::string> text = ReadSmallFile(path, error);
  if (!text) {
    if (error.empty()) {
      return std::vector<Revocation>{};
    }
    return std::nullopt;
  }
  const std::string damaged = "the record of revoked licences " + path +
                              " is damaged, so no cached licence can be trusted; connect and "
                              "activate or refresh to rebuild it";
  boost::system::error_code ec;
  const json::value document = json::parse(*text, ec);
  const json::object* object = ec ? nullptr : document.if_object();
  const json::value* list = object != nullptr ? object->if_contains("revoked") : nullptr;
  if (list == nullptr || !list->is_array()) {
    error = damaged;
    return std::nullopt;
  }
  std::vector<Revocation> revocations;
  for (const json::value& item : list->as_array()) {
    const json::object* entry = item.if_object();
    const json::value* jti = entry != nullptr ? entry->if_contains("jti") : nullptr;
    const json::value* iat = entry != nullptr ? entry->if_contains("iat") : nullptr;
    const json::value* digest = entry != nullptr ? entry->if_contains("sha256") : nullptr;
    if (jti == nullptr || !jti->is_string() || iat == nullptr || !iat->is_int64() ||
        digest == nullptr || !digest->is_string()) {
      error = damaged;
      return std::nullopt;
    }
    revocations.push_back(
        {std::string(jti->as_string()), iat->as_int64(), std::string(digest->as_string())});
  }
  return revocations;
}

bool StoreRevocations(const std::string& path, const std::vector<Revocation>& revocations,
                      std::string& error) {
  json::array list;
  for (const Revocation& revocation : revocations) {
    list.push_back(json::object{{"jti", revocation.activation_id},
                                {"iat", revocation.issued_at},
                                {"sha256", revocation.digest}});
  }
  return WriteFileAtomically(
      path, json::serialize(json::object{{"revoked", std::move(list)}}) + "\n", error);
}

Revocation RevocationOf(std::string_view token) {
  Revocation revocation;
  revocation.digest = Digest(token);
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) {
    return revocation;
  }
  std::optional<std::string> payload_text =
      DecodeBase64Url(token.substr(first_dot + 1, second_dot - first_dot - 1));
  boost::system::error_code ec;
  const json::value payload = payload_text ? json::parse(*payload_text, ec) : json::value();
  const json::object* object = ec ? nullptr : payload.if_object();
  const json::value* jti = object != nullptr ? object->if_contains("jti") : nullptr;
  const json::value* iat = object != nullptr ? object->if_contains("iat") : nullptr;
  if (jti != nullptr && jti->is_string() && iat != nullptr && iat->is_int64()) {
    revocation.activation_id = std::string(jti->as_string());
    revocation.issued_at = iat->as_int64();
  }
  return revocation;
}

bool IsRevoked(const std::vector<Revocation>& revocations, const Claims& claims,
               std::string_view token) {
  const std::string digest = Digest(token);
  for (const Revocation& revocation : revocations) {
    if (revocation.digest == digest) {
      return true;
    }
    // Tokens of one activation are renewed with a later iat; one from before a revoked token
    // is refused too. A token the server issues after the revocation (a new activation, or the
    // same one activated again) carries a later iat and works.
    if (!revocation.activation_id.empty() && revocation.activation_id == claims.activation_id &&
        claims.issued_at < revocation.issued_at) {
      return true;
    }
  }
  return false;
}

bool RevokeCachedToken(const std::string& cache_path, const std::string& revocations_path,
                       const std::string& token, std::string& error) {
  std::string load_error;
  std::vector<Revocation> revocations =
      LoadRevocations(revocations_path, load_error).value_or(std::vector<Revocation>{});
  const Revocation revocation = RevocationOf(token);
  const bool known =
      std::any_of(revocations.begin(), revocations.end(),
                  [&](const Revocation& recorded) { return recorded.digest == revocation.digest; });
  if (!known) {
    revocations.push_back(revocation);
  }
  if (revocations.size() > kMaxRevocations) {
    revocations.erase(
        revocations.begin(),
        revocations.begin() + static_cast<std::ptrdiff_t>(revocations.size() - kMaxRevocations));
  }
  return StoreRevocations(revocations_path, revocations, error) &&
         StoreCachedToken(cache_path, CachedToken{"", true}, error);
}

}  // namespace seatwise::sdk
