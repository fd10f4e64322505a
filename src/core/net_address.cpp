#include "core/net_address.hpp"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace seatwise::core {
namespace {

constexpr std::size_t kNameMax = 253;
constexpr std::size_t kLabelMax = 63;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

// One part of a legacy IPv4 spelling: decimal, octal after a leading 0, hex after 0x.
std::optional<std::uint64_t> ParseIpv4Part(std::string_view part) {
  if (part.empty()) return std::nullopt;
  int base = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    base = 16;
    part.remove_prefix(2);
    if (part.empty()) return std::nullopt;
  } else if (part.size() >= 2 && part[0] == '0') {
    base = 8;
    part.remove_prefix(1);
  }
  std::uint64_t value = 0;
  for (char c : part) {
    const int digit = HexValue(c);
    if (digit < 0 || digit >= base) return std::nullopt;
    value = value * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
    if (value > 0xFFFFFFFFu) return std::nullopt;
  }
  return value;
}

// Four decimal numbers 0-255 without leading zeros: the only IPv4 form inside IPv6 text and
// the usual way to write one in a URL.
bool IsDottedQuad(std::string_view text) {
  const auto parts = Split(text, '.');
  if (parts.size() != 4) return false;
  for (auto part : parts) {
    if (part.empty() || part.size() > 3 || !std::all_of(part.begin(), part.end(), IsDigit)) {
      return false;
    }
    if (part.size() > 1 && part[0] == '0') return false;
    if (std::stoi(std::string(part)) > 255) return false;
  }
  return true;
}

// The last label of a host is numeric (decimal digits, or 0x and hex digits).
bool EndsInNumber(std::string_view host) {
  const auto dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.empty()) return false;
  if (std::all_of(last.begin(), last.end(), IsDigit)) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
    return std::all_of(last.begin() + 2, last.end(), [](char c) { return HexValue(c) >= 0; });
  }
  return false;
}

bool IsHostNameChar(char c) { return (c >= 'a' && c <= 'z') || IsDigit(c) || c == '-' || c == '_'; }

// Letters, digits, hyphens and underscores in dot-separated labels of 1-63 characters.
bool IsHostName(std::string_view name) {
  if (name.empty() || name.size() > kNameMax) return false;
  for (auto label : Split(name, '.')) {
    if (label.empty() || label.size() > kLabelMax) return false;
    if (!std::all_of(label.begin(), label.end(), IsHostNameChar)) return false;
  }
  return true;
}

AddressKind ClassifyV4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  if (a == 0) return AddressKind::kUnspecified;
  if (a == 10) return AddressKind::kPrivate;
  if (a == 100 && (b & 0xC0) == 64) return AddressKind::kSharedCgnat;
  if (a == 127) return AddressKind::kLoopback;
  if (a == 169 && b == 254) return AddressKind::kLinkLocal;
  if (a == 172 && (b & 0xF0) == 16) return AddressKind::kPrivate;
  if (a == 192 && b == 0 && c == 0) return AddressKind::kReserved;
  if (a == 192 && b == 0 && c == 2) return AddressKind::kDocumentation;
  if (a == 192 && b == 88 && c == 99) return AddressKind::kReserved;  // old 6to4 relays
  if (a == 192 && b == 168) return AddressKind::kPrivate;
  if (a == 198 && (b & 0xFE) == 18) return AddressKind::kBenchmarking;
  if (a == 198 && b == 51 && c == 100) return AddressKind::kDocumentation;
  if (a == 203 && b == 0 && c == 113) return AddressKind::kDocumentation;
  if (a >= 224 && a < 240) return AddressKind::kMulticast;
  if (a == 255 && b == 255 && c == 255 && d == 255) return AddressKind::kBroadcast;
  if (a >= 240) return AddressKind::kReserved;
  return AddressKind::kPublic;
}

bool AllZero(const std::array<std::uint8_t, 16>& bytes, std::size_t from, std::size_t to) {
  return std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(from),
                     bytes.begin() + static_cast<std::ptrdiff_t>(to),
                     [](std::uint8_t b) { return b == 0; });
}

AddressKind ClassifyV6(const std::array<std::uint8_t, 16>& b) {
  const auto embedded = [&b](std::size_t at) {
    return ClassifyV4(b[at], b[at + 1], b[at + 2], b[at + 3]);
  };
  if (AllZero(b, 0, 16)) return AddressKind::kUnspecified;
  if (AllZero(b, 0, 15) && b[15] == 1) return AddressKind::kLoopback;
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated), ::a.b.c.d (compatible).
  if (AllZero(b, 0, 10) && b[10] == 0xFF && b[11] == 0xFF) return embedded(12);
  if (AllZero(b, 0, 8) && b[8] == 0xFF && b[9] == 0xFF && AllZero(b, 10, 12)) {
    return embedded(12);
  }
  if (AllZero(b, 0, 12)) return embedded(12);
  const bool nat64_prefix = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B;
  if (nat64_prefix && AllZero(b, 4, 12)) return embedded(12);                 // 64:ff9b::/96
  if (nat64_prefix && b[4] == 0 && b[5] == 1) return AddressKind::kReserved;  // 64:ff9b:1::/48
  if (b[0] == 0x01 && AllZero(b, 1, 8)) return AddressKind::kReserved;        // 100::/64
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) {
    return AddressKind::kDocumentation;  // 2001:db8::/32
  }
  if (b[0] == 0x20 && b[1] == 0x01 && (b[2] & 0xFE) == 0) {
    return AddressKind::kReserved;  // 2001::/23, Teredo among them
  }
  if (b[0] == 0x20 && b[1] == 0x02) return embedded(2);  // 6to4
  if (b[0] == 0x3F && b[1] == 0xFF && (b[2] & 0xF0) == 0) return AddressKind::kDocumentation;
  if ((b[0] & 0xFE) == 0xFC) return AddressKind::kUniqueLocal;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressKind::kLinkLocal;
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return AddressKind::kSiteLocal;
  if (b[0] == 0xFF) return AddressKind::kMulticast;
  if ((b[0] & 0xE0) != 0x20) return AddressKind::kReserved;  // outside 2000::/3
  return AddressKind::kPublic;
}

}  // namespace

IpAddress IpAddress::V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  IpAddress out;
  out.family = Family::kV4;
  out.bytes[0] = a;
  out.bytes[1] = b;
  out.bytes[2] = c;
  out.bytes[3] = d;
  return out;
}

IpAddress IpAddress::V6(const std::array<std::uint8_t, 16>& bytes) {
  IpAddress out;
  out.family = Family::kV6;
  out.bytes = bytes;
  return out;
}

std::string IpAddress::ToString() const {
  const auto quad = [this](std::size_t at) {
    return std::to_string(bytes[at]) + "." + std::to_string(bytes[at + 1]) + "." +
           std::to_string(bytes[at + 2]) + "." + std::to_string(bytes[at + 3]);
  };
  if (family == Family::kV4) return quad(0);
  if (AllZero(bytes, 0, 10) && bytes[10] == 0xFF && bytes[11] == 0xFF) {
    return "::ffff:" + quad(12);
  }
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) groups[i] = (bytes[2 * i] << 8) | bytes[2 * i + 1];
  // The longest run of two or more zero groups (the first of equals) becomes "::".
  std::size_t best_start = 8;
  std::size_t best_length = 1;
  for (std::size_t i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::string group;
    for (unsigned v = groups[i]; v != 0 || group.empty(); v >>= 4) {
      group.insert(group.begin(), kHex[v & 0xF]);
      if (v < 16) break;
    }
    out += group;
  }
  return out;
}

std::optional<IpAddress> ParseIpv4(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  const auto parts = Split(text, '.');
  if (parts.size() > 4) return std::nullopt;
  std::vector<std::uint64_t> values;
  for (auto part : parts) {
    auto value = ParseIpv4Part(part);
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  // Every part but the last is one byte; the last fills the bytes that remain.
  std::uint64_t address = 0;
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    if (values[i] > 0xFF) return std::nullopt;
    address |= values[i] << (8 * (3 - i));
  }
  const std::size_t last_bytes = 5 - values.size();
  const std::uint64_t last_max = (std::uint64_t{1} << (8 * last_bytes)) - 1;
  if (values.back() > last_max) return std::nullopt;
  address |= values.back();
  return IpAddress::V4(static_cast<std::uint8_t>(address >> 24),
                       static_cast<std::uint8_t>(address >> 16),
                       static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address));
}

std::optional<IpAddress> ParseIpv6(std::string_view text) {
  if (text.size() < 2 || text.size() > 45) return std::nullopt;
  // Each side of a "::" is a list of groups; the last group may be a dotted IPv4 address.
  const auto gap = text.find("::");
  if (gap != std::string_view::npos && text.find("::", gap + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const auto parse_side = [](std::string_view side, bool v4_allowed,
                             std::vector<std::uint8_t>& out) {
    if (side.empty()) return true;
    const auto groups = Split(side, ':');
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const auto group = groups[i];
      if (v4_allowed && i + 1 == groups.size() && group.find('.') != std::string_view::npos) {
        if (!IsDottedQuad(group)) return false;
        const auto v4 = ParseIpv4(group);
        out.insert(out.end(), v4->bytes.begin(), v4->bytes.begin() + 4);
        continue;
      }
      if (group.empty() || group.size() > 4) return false;
      unsigned value = 0;
      for (char c : group) {
        const int digit = HexValue(c);
        if (digit < 0) return false;
        value = value * 16 + static_cast<unsigned>(digit);
      }
      out.push_back(static_cast<std::uint8_t>(value >> 8));
      out.push_back(static_cast<std::uint8_t>(value & 0xFF));
    }
    return true;
  };
  std::vector<std::uint8_t> head;
  std::vector<std::uint8_t> tail;
  if (gap == std::string_view::npos) {
    if (!parse_side(text, true, head) || head.size() != 16) return std::nullopt;
  } else {
    if (!parse_side(text.substr(0, gap), false, head) ||
        !parse_side(text.substr(gap + 2), true, tail) || head.size() + tail.size() > 14) {
      return std::nullopt;
    }
  }
  std::array<std::uint8_t, 16> bytes{};
  std::copy(head.begin(), head.end(), bytes.begin());
  std::copy(tail.begin(), tail.end(), bytes.end() - static_cast<std::ptrdiff_t>(tail.size()));
  return IpAddress::V6(bytes);
}

UrlHost InterpretUrlHost(std::string_view host) {
  UrlHost out;
  if (host.empty()) return out;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return out;
    std::string_view inner = host.substr(1, host.size() - 2);
    if (const auto percent = inner.find('%'); percent != std::string_view::npos) {
      if (percent + 1 >= inner.size()) return out;
      out.zone_id = true;
      inner = inner.substr(0, percent);
    }
    const auto address = ParseIpv6(inner);
    if (!address) return out;
    out.form = UrlHost::Form::kAddress;
    out.address = *address;
    out.canonical = !out.zone_id;
    return out;
  }
  std::string lowered;
  lowered.reserve(host.size());
  for (char c : host) lowered += Lower(c);
  std::string_view text = lowered;
  const bool trailing_dot = text.size() > 1 && text.back() == '.';
  if (trailing_dot) text.remove_suffix(1);
  if (EndsInNumber(text)) {
    const auto address = ParseIpv4(text);
    if (!address) return out;
    out.form = UrlHost::Form::kAddress;
    out.address = *address;
    out.canonical = !trailing_dot && IsDottedQuad(text);
    return out;
  }
  if (!IsHostName(text)) return out;
  out.form = UrlHost::Form::kName;
  out.name = std::string(text);
  return out;
}

AddressKind ClassifyAddress(const IpAddress& address) {
  if (address.family == IpAddress::Family::kV4) {
    return ClassifyV4(address.bytes[0], address.bytes[1], address.bytes[2], address.bytes[3]);
  }
  return ClassifyV6(address.bytes);
}

std::string_view AddressKindName(AddressKind kind) {
  switch (kind) {
    case AddressKind::kPublic:
      return "public";
    case AddressKind::kUnspecified:
      return "unspecified";
    case AddressKind::kLoopback:
      return "loopback";
    case AddressKind::kPrivate:
      return "private (RFC 1918)";
    case AddressKind::kSharedCgnat:
      return "shared (carrier-grade NAT)";
    case AddressKind::kLinkLocal:
      return "link-local";
    case AddressKind::kUniqueLocal:
      return "unique local";
    case AddressKind::kSiteLocal:
      return "site-local";
    case AddressKind::kMulticast:
      return "multicast";
    case AddressKind::kBroadcast:
      return "broadcast";
    case AddressKind::kBenchmarking:
      return "benchmarking";
    case AddressKind::kDocumentation:
      return "documentation";
    case AddressKind::kReserved:
      return "reserved";
  }
  return "reserved";
}

}  // namespace seatwise::core
