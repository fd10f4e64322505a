#include "crypto/ed25519.hpp"

#include <sodium.h>

#include <algorithm>
#include <vector>

#include "crypto/sodium_random.hpp"

namespace seatwise::crypto {

Ed25519KeyPair Ed25519KeyPairFromSeed(const Ed25519Seed& seed) {
  InitSodium();
  Ed25519KeyPair pair;
  crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  return pair;
}

Ed25519KeyPair NewEd25519KeyPair(core::Random& random) {
  Ed25519Seed seed{};
  random.Fill(seed);
  Ed25519KeyPair pair = Ed25519KeyPairFromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return pair;
}

Ed25519Seed Ed25519SeedOf(const Ed25519SecretKey& secret_key) {
  Ed25519Seed seed{};
  std::copy_n(secret_key.begin(), seed.size(), seed.begin());
  return seed;
}

Ed25519Signature Ed25519Sign(std::string_view message, const Ed25519SecretKey& secret_key) {
  InitSodium();
  Ed25519Signature signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_key.data());
  return signature;
}

bool Ed25519Verify(std::string_view message, std::span<const std::uint8_t> signature,
                   const Ed25519PublicKey& public_key) {
  InitSodium();
  if (signature.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(signature.data(),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

std::string Base64UrlEncode(std::span<const std::uint8_t> bytes) {
  InitSodium();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
  out.resize(out.find('\0'));
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  return Base64UrlEncode(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

core::Result<std::string> Base64UrlDecode(std::string_view text) {
  InitSodium();
  auto refuse = [] {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "is not unpadded base64url text");
  };
  // Lengths of 1 modulo 4 encode no whole byte.
  if (text.size() % 4 == 1) return refuse();
  std::string out(text.size() * 3 / 4 + 3, '\0');
  std::size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &size, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return refuse();
  }
  out.resize(size);
  return out;
}

}  // namespace seatwise::crypto
