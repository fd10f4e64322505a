#include "crypto/totp.hpp"

#include <sodium.h>

#include <array>
#include <vector>

#include "crypto/sha1.hpp"
#include "crypto/sodium_random.hpp"
#include "crypto/tokens.hpp"

namespace seatwise::crypto {
namespace {

std::vector<std::uint8_t> Hmac(TotpAlgorithm algorithm, std::span<const std::uint8_t> key,
                               std::span<const std::uint8_t> message) {
  switch (algorithm) {
    case TotpAlgorithm::kSha1: {
      Sha1Digest digest = HmacSha1(key, message);
      return {digest.begin(), digest.end()};
    }
    case TotpAlgorithm::kSha256: {
      InitSodium();
      std::vector<std::uint8_t> out(crypto_auth_hmacsha256_BYTES);
      crypto_auth_hmacsha256_state state;
      crypto_auth_hmacsha256_init(&state, key.data(), key.size());
      crypto_auth_hmacsha256_update(&state, message.data(), message.size());
      crypto_auth_hmacsha256_final(&state, out.data());
      return out;
    }
    case TotpAlgorithm::kSha512: {
      InitSodium();
      std::vector<std::uint8_t> out(crypto_auth_hmacsha512_BYTES);
      crypto_auth_hmacsha512_state state;
      crypto_auth_hmacsha512_init(&state, key.data(), key.size());
      crypto_auth_hmacsha512_update(&state, message.data(), message.size());
      crypto_auth_hmacsha512_final(&state, out.data());
      return out;
    }
  }
  return {};
}

}  // namespace

std::int64_t TotpStep(core::TimePoint now, int period_seconds) {
  std::int64_t seconds = core::ToUnixMillis(now) / 1000;
  return seconds / period_seconds;
}

std::string TotpCode(std::span<const std::uint8_t> secret, std::int64_t step, int digits,
                     TotpAlgorithm algorithm) {
  std::array<std::uint8_t, 8> counter{};
  auto value = static_cast<std::uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<std::uint8_t>(value);
    value >>= 8;
  }
  std::vector<std::uint8_t> mac = Hmac(algorithm, secret, counter);
  // Dynamic truncation (RFC 4226 section 5.3).
  std::size_t offset = mac.back() & 0x0F;
  std::uint32_t binary = ((std::uint32_t{mac[offset]} & 0x7F) << 24) |
                         (std::uint32_t{mac[offset + 1]} << 16) |
                         (std::uint32_t{mac[offset + 2]} << 8) | std::uint32_t{mac[offset + 3]};
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  if (code.size() < static_cast<std::size_t>(digits)) {
    code.insert(0, static_cast<std::size_t>(digits) - code.size(), '0');
  }
  return code;
}

std::optional<std::int64_t> VerifyTotp(std::span<const std::uint8_t> secret, std::string_view code,
                                       core::TimePoint now, int window) {
  std::string digits;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits.push_back(c);
  }
  if (digits.size() != static_cast<std::size_t>(kTotpDigits) || secret.empty()) {
    return std::nullopt;
  }
  std::int64_t current = TotpStep(now);
  std::optional<std::int64_t> matched;
  // Every candidate is computed and compared, so the time does not reveal which one matched.
  for (std::int64_t step = current - window; step <= current + window; ++step) {
    if (ConstantTimeEquals(TotpCode(secret, step), digits) && !matched) matched = step;
  }
  return matched;
}

std::string PercentEncode(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                      (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' ||
                      byte == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0x0F]);
    }
  }
  return out;
}

std::string TotpUri(std::string_view email, std::string_view secret_base32,
                    std::string_view issuer) {
  std::string secret;
  for (char c : secret_base32) {
    if (c != '=') secret.push_back(c);
  }
  std::string uri = "otpauth://totp/";
  uri += PercentEncode(issuer);
  uri += ':';
  uri += PercentEncode(email);
  uri += "?secret=" + secret;
  uri += "&issuer=" + PercentEncode(issuer);
  uri += "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits);
  uri += "&period=" + std::to_string(kTotpPeriodSeconds);
  return uri;
}

}  // namespace seatwise::crypto
