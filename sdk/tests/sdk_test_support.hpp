#pragma once
// Helpers for the SDK tests: a signing key pair that plays the server, tokens built per the
// entitlement token contract, and a throwaway directory.

#include <sodium.h>
#include <stdlib.h>

#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "seatwise/seatwise.h"

namespace seatwise::sdk::testing {

inline constexpr std::int64_t kDay = 86400;
// A fixed issue time; every test chooses its `now` relative to it.
inline constexpr std::int64_t kIssuedAt = 1'800'000'000;

// base64url without padding, written independently of the SDK's decoder.
inline std::string Base64Url(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

// The machine id of the computer the tests run "on" (written to a file the client reads
// instead of /etc/machine-id), and that of a second computer.
inline constexpr std::string_view kTestMachineId = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
inline constexpr std::string_view kOtherMachineId = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

// The fingerprint the server records for `machine_id`: SHA-256 of the id and the SDK's fixed
// salt, as lowercase hex; computed here independently of the SDK.
inline std::string FingerprintOf(std::string_view machine_id) {
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium failed to start");
  }
  const std::string input = std::string(machine_id) + "seatwise-device-fingerprint-v1";
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

// An Ed25519 key pair with a key id, standing in for the server's signing key.
class SigningKey {
 public:
  explicit SigningKey(std::string kid) : kid_(std::move(kid)) {
    if (sodium_init() < 0) {
      throw std::runtime_error("libsodium failed to start");
    }
    crypto_sign_keypair(public_key_.data(), secret_key_.data());
  }

  const std::string& kid() const { return kid_; }

  // This key as one JWKS entry.
  boost::json::object Jwk() const {
    return {{"kty", "OKP"},
            {"crv", "Ed25519"},
            {"alg", "EdDSA"},
            {"use", "sig"},
            {"kid", kid_},
            {"x", Base64Url(std::string_view(reinterpret_cast<const char*>(public_key_.data()),
                                             public_key_.size()))}};
  }

  std::string Jwks() const {
    return boost::json::serialize(boost::json::object{{"keys", boost::json::array{Jwk()}}});
  }

  // A compact JWS of `header` and `payload` signed with this key.
  std::string Sign(const boost::json::object& header, const boost::json::object& payload) const {
    const std::string signing_input = Base64Url(boost::json::serialize(header)) + "." +
                                      Base64Url(boost::json::serialize(payload));
    std::array<unsigned char, crypto_sign_BYTES> signature{};
    crypto_sign_detached(signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(signing_input.data()),
                         signing_input.size(), secret_key_.data());
    return signing_input + "." +
           Base64Url(
               std::string_view(reinterpret_cast<const char*>(signature.data()), signature.size()));
  }

  boost::json::object Header() const { return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", kid_}}; }

  // A sign-in token with the contract's default times around kIssuedAt.
  std::string SignInToken() const { return Sign(Header(), SignInPayload()); }

  static boost::json::object SignInPayload() {
    const std::int64_t grace_until = kIssuedAt + 30 * kDay;
    return {{"iss", "https://licences.example.com"},
            {"kind", "sign_in"},
            {"jti", "act_1"},
            {"user", "usr_ada"},
            {"product", "prd_drl"},
            {"product_code", "DRL"},
            {"subscription", "sub_7"},
            {"device", "dev_42"},
            {"fingerprint", FingerprintOf(kTestMachineId)},
            {"iat", kIssuedAt},
            {"reauth_at", kIssuedAt + kDay},
            {"grace_until", grace_until},
            {"warn_from", grace_until - 3 * kDay}};
  }

 private:
  std::string kid_;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key_{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_key_{};
};

// A fresh directory below the system temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "seatwise-sdk-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("cannot create a temporary directory");
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A machine id file of its own (outside any cache directory), standing in for
// /etc/machine-id.
class MachineIdFile {
 public:
  explicit MachineIdFile(std::string_view machine_id = kTestMachineId)
      : path_((dir_.path() / "machine-id").string()) {
    std::ofstream(path_) << machine_id << "\n";
  }
  const std::string& path() const { return path_; }

 private:
  TempDir dir_;
  std::string path_;
};

// A C client for `product` configured with `jwks` and a cache below `dir`, on the computer
// whose machine id is `machine_id`; freed on destruction.
class CClient {
 public:
  CClient(const std::string& jwks, const std::filesystem::path& cache_dir,
          std::string_view machine_id = kTestMachineId, const std::string& product = "DRL")
      : machine_id_(machine_id) {
    const std::string dir = cache_dir.string();
    sw_config config{};
    config.server_url = "https://licences.example.com";
    config.product_code = product.c_str();
    config.jwks_json = jwks.c_str();
    config.cache_dir = dir.c_str();
    config.machine_id_file = machine_id_.path().c_str();
    status_ = sw_client_new(&config, &client_);
  }
  ~CClient() { sw_client_free(client_); }
  CClient(const CClient&) = delete;
  CClient& operator=(const CClient&) = delete;

  sw_status status() const { return status_; }
  sw_client* get() const { return client_; }

 private:
  MachineIdFile machine_id_;
  sw_status status_ = SW_OK;
  sw_client* client_ = nullptr;
};

}  // namespace seatwise::sdk::testing
