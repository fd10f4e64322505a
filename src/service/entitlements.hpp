#pragma once
// What the desktop software asks for with a signed-in user: its device registered, a product
// activated on it as a signed entitlement token (compact JWS, EdDSA), the token refreshed;
// and the signing keys behind those tokens, published as a JWKS document.

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

struct EntitlementOptions {
  std::array<std::uint8_t, 32> sealing_key{};  // seals signing keys at rest
  std::string issuer = "http://127.0.0.1:8080";
  std::chrono::seconds reauthorize_after{std::chrono::hours(24)};
  std::chrono::seconds offline_grace{std::chrono::hours(24 * 30)};
  std::chrono::seconds grace_warning{std::chrono::hours(24 * 3)};
};

class EntitlementService {
 public:
  EntitlementService(const Deps& deps, EntitlementOptions options)
      : deps_(deps), options_(std::move(options)) {}

 private:
  Deps deps_;
  EntitlementOptions options_;
};

}  // namespace seatwise::service
