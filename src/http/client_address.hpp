#pragma once
// Who is really calling when the server sits behind reverse proxies: the peer address, or
// the right-most X-Forwarded-For entry that no trusted proxy added. Audit entries, sessions,
// rate limits and the access log all use this one answer.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace seatwise::http {

class Request;

// One IPv4 or IPv6 network: an address and how many leading bits of it count. IPv4 is kept
// in its own family; an IPv4-mapped IPv6 address ("::ffff:10.0.0.1") is read as IPv4.
struct AddressRange {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  int prefix = 0;                        // 0-32 for IPv4, 0-128 for IPv6

  bool Contains(const AddressRange& address) const;
  // "10.0.0.0/8", "2001:db8::/32"; a single address has no suffix.
  std::string ToString() const;
};

// An IPv4 or IPv6 literal ("192.0.2.1", "2001:db8::1", "[2001:db8::1]"), as a range of one
// address; nullopt for anything else (names, ports, zone ids).
std::optional<AddressRange> ParseAddress(std::string_view text);

// An address or a network in CIDR notation ("10.0.0.0/8", "fd00::/8"). kInvalidArgument,
// saying what is wrong, for anything else, including host bits set beyond the prefix
// ("10.0.0.1/8").
core::Result<AddressRange> ParseAddressRange(std::string_view text);

// The canonical text of an address literal ("::ffff:192.0.2.1" → "192.0.2.1"); nullopt when
// `text` is not one.
std::optional<std::string> CanonicalAddress(std::string_view text);

// The proxies whose X-Forwarded-For entries are believed. Empty trusts none: the peer is
// the client.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<AddressRange> ranges) : ranges_(std::move(ranges)) {}

  // Parses every entry; the error names the first entry that is not an address or network.
  static core::Result<TrustedProxies> Parse(const std::vector<std::string>& entries);

  bool Trusts(const AddressRange& address) const;
  bool empty() const { return ranges_.empty(); }
  const std::vector<AddressRange>& ranges() const { return ranges_; }

 private:
  std::vector<AddressRange> ranges_;
};

// The client's address without the port. The peer unless it is a trusted proxy; then the
// X-Forwarded-For entries (every such header, in order) are walked from the right, skipping
// trusted proxies: the first untrusted entry is the client. A malformed entry ends the walk
// at the last good address (the peer when it is the first); when every entry is trusted,
// the left-most one is the client.
std::string ClientAddress(const Request& request, const TrustedProxies& trusted);

// "1.2.3.4:5" → "1.2.3.4"; "[::1]:5" → "::1"; canonical when it is an address literal.
std::string PeerAddress(std::string_view remote);

}  // namespace seatwise::http
