#pragma once
// IP addresses and what they reach: the host part of a URL read the way resolvers and
// libcurl read it (every legacy IPv4 spelling, IPv6 with brackets and zone ids), and the
// IANA special-purpose ranges that make an address unfit for outbound requests such as
// webhooks (loopback, private networks, link-local, multicast and the like).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seatwise::core {

// An IPv4 or IPv6 address. IPv4 uses the first four bytes.
struct IpAddress {
  enum class Family { kV4, kV6 };
  Family family = Family::kV4;
  std::array<std::uint8_t, 16> bytes{};

  static IpAddress V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d);
  // From 16 bytes in network order.
  static IpAddress V6(const std::array<std::uint8_t, 16>& bytes);

  // "127.0.0.1"; IPv6 in the RFC 5952 short form ("::1", "fe80::1", "::ffff:127.0.0.1").
  std::string ToString() const;

  bool operator==(const IpAddress&) const = default;
};

// An IPv4 address in any spelling inet_aton accepts: one to four parts separated by dots,
// each decimal, octal (leading 0) or hexadecimal (0x), the last part filling the remaining
// bytes ("127.1", "2130706433", "0177.0.0.1", "0x7f.1"). Nothing else, no trailing dot.
std::optional<IpAddress> ParseIpv4(std::string_view text);

// An IPv6 address without brackets or zone id, including a trailing dotted IPv4 part.
std::optional<IpAddress> ParseIpv6(std::string_view text);

// What the host part of a URL denotes.
struct UrlHost {
  enum class Form {
    kName,     // a host name to look up
    kAddress,  // an IP address literal
    kInvalid,  // neither: a numeric host that is no address, a malformed IPv6 literal, ...
  };
  Form form = Form::kInvalid;
  std::string name;   // kName: lower case, without a trailing dot
  IpAddress address;  // kAddress
  // kAddress: written the usual way: IPv4 as four decimal numbers without leading zeros,
  // IPv6 in brackets without a zone id.
  bool canonical = false;
  bool zone_id = false;  // an IPv6 literal carried a zone ("%25eth0" or "%eth0")
};

// Reads `host` as it appears between "//" (after any user info) and the port: "[::1]",
// "127.0.0.1", "2130706433", "hooks.example.com.". A host whose last label is numeric is an
// IPv4 address or invalid, never a name (the WHATWG URL rule, which libcurl follows).
UrlHost InterpretUrlHost(std::string_view host);

// Where an address leads, by the IANA special-purpose registries. Addresses that embed an
// IPv4 address (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) take the
// kind of the embedded address.
enum class AddressKind {
  kPublic,         // globally reachable unicast
  kUnspecified,    // 0.0.0.0/8, ::
  kLoopback,       // 127.0.0.0/8, ::1
  kPrivate,        // RFC 1918: 10/8, 172.16/12, 192.168/16
  kSharedCgnat,    // 100.64.0.0/10 (carrier-grade NAT)
  kLinkLocal,      // 169.254.0.0/16, fe80::/10
  kUniqueLocal,    // fc00::/7
  kSiteLocal,      // fec0::/10 (deprecated, still routed inside some sites)
  kMulticast,      // 224.0.0.0/4, ff00::/8
  kBroadcast,      // 255.255.255.255
  kBenchmarking,   // 198.18.0.0/15
  kDocumentation,  // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20
  kReserved,       // 240/4, 192.0.0/24, 192.88.99/24, IPv6 outside 2000::/3 and other
                   // special blocks (Teredo, 2001::/23, 100::/64, 64:ff9b:1::/48)
};

AddressKind ClassifyAddress(const IpAddress& address);

// "loopback", "private (RFC 1918)", ... for messages.
std::string_view AddressKindName(AddressKind kind);

}  // namespace seatwise::core
