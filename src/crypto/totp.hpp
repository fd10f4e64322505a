#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), as authenticator apps
// compute them: 6 digits every 30 seconds from a shared secret, HMAC-SHA1 by default.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace seatwise::crypto {

enum class TotpAlgorithm { kSha1, kSha256, kSha512 };

inline constexpr int kTotpDigits = 6;
inline constexpr int kTotpPeriodSeconds = 30;
// Bytes of a new secret: 160 bits, as RFC 4226 recommends (32 base32 characters).
inline constexpr std::size_t kTotpSecretBytes = 20;

// The time step containing `now`: whole periods since the Unix epoch.
std::int64_t TotpStep(core::TimePoint now, int period_seconds = kTotpPeriodSeconds);

// The code for one step, zero-padded to `digits`.
std::string TotpCode(std::span<const std::uint8_t> secret, std::int64_t step,
                     int digits = kTotpDigits, TotpAlgorithm algorithm = TotpAlgorithm::kSha1);

// Checks `code` against the steps around `now` (± `window` steps, for clock drift) and
// returns the step it matched, so the caller can refuse a second use of that step.
// Spaces in the code are ignored; anything but `digits` digits never matches.
std::optional<std::int64_t> VerifyTotp(std::span<const std::uint8_t> secret, std::string_view code,
                                       core::TimePoint now, int window = 1);

// otpauth://totp/Seatwise:{email}?secret=...&issuer=Seatwise&algorithm=SHA1&digits=6&period=30
std::string TotpUri(std::string_view email, std::string_view secret_base32,
                    std::string_view issuer = "Seatwise");

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view text);

}  // namespace seatwise::crypto
