#include "http/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

#include "http/router.hpp"

namespace seatwise::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsV4Mapped(const std::array<std::uint8_t, 16>& b) {
  return std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; }) &&
         b[10] == 0xff && b[11] == 0xff;
}

// Both families of inet_pton, with an IPv4-mapped IPv6 address read as IPv4.
std::optional<AddressRange> ParseLiteral(const std::string& text) {
  AddressRange range;
  if (inet_pton(AF_INET, text.c_str(), range.bytes.data()) == 1) {
    range.prefix = 32;
    return range;
  }
  if (inet_pton(AF_INET6, text.c_str(), range.bytes.data()) == 1) {
    if (IsV4Mapped(range.bytes)) {
      std::array<std::uint8_t, 16> v4{};
      std::copy(range.bytes.begin() + 12, range.bytes.end(), v4.begin());
      range.bytes = v4;
      range.prefix = 32;
      return range;
    }
    range.v6 = true;
    range.prefix = 128;
    return range;
  }
  return std::nullopt;
}

// An X-Forwarded-For entry: an address, optionally with a port ("192.0.2.1:443",
// "[2001:db8::1]:443") as some proxies write it.
std::optional<AddressRange> ParseForwardedEntry(std::string_view entry) {
  entry = Trim(entry);
  if (entry.starts_with('[')) {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = entry.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && AllDigits(rest.substr(1)))) return std::nullopt;
    entry = entry.substr(1, close - 1);
    auto parsed = ParseLiteral(std::string(entry));
    if (!parsed || !parsed->v6) return std::nullopt;
    return parsed;
  }
  auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    // One colon: IPv4 with a port (an IPv6 literal has at least two).
    if (!AllDigits(entry.substr(colon + 1))) return std::nullopt;
    entry = entry.substr(0, colon);
  }
  return ParseLiteral(std::string(entry));
}

}  // namespace

bool AddressRange::Contains(const AddressRange& address) const {
  if (address.v6 != v6) return false;
  int bits = prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((bytes[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

std::string AddressRange::ToString() const {
  std::array<char, INET6_ADDRSTRLEN> out{};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), out.data(), out.size());
  std::string text(out.data());
  if (prefix != (v6 ? 128 : 32)) text += "/" + std::to_string(prefix);
  return text;
}

std::optional<AddressRange> ParseAddress(std::string_view text) {
  text = Trim(text);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    auto parsed = ParseLiteral(std::string(text.substr(1, text.size() - 2)));
    if (!parsed || !parsed->v6) return std::nullopt;
    return parsed;
  }
  return ParseLiteral(std::string(text));
}

core::Result<AddressRange> ParseAddressRange(std::string_view text) {
  text = Trim(text);
  const std::string shown(text);
  auto slash = text.find('/');
  auto address = ParseAddress(text.substr(0, slash));
  if (!address) {
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        "\"" + shown + "\" is not an IP address or a network such as " + "10.0.0.0/8 or fd00::/8");
  }
  if (slash == std::string_view::npos) return *address;
  std::string_view bits = text.substr(slash + 1);
  const int max = address->v6 ? 128 : 32;
  int prefix = -1;
  if (AllDigits(bits) && bits.size() <= 3) {
    std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  }
  if (prefix < 0 || prefix > max) {
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        "\"" + shown + "\": the prefix length must be 0 to " + std::to_string(max));
  }
  AddressRange network = *address;
  network.prefix = prefix;
  AddressRange masked = network;
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(prefix - 8 * i, 0, 8);
    masked.bytes[i] &= static_cast<std::uint8_t>(0xff << (8 - keep));
  }
  if (masked.bytes != network.bytes) {
    return core::MakeError(core::ErrorCode::kInvalidArgument,
                           "\"" + shown +
                               "\" has address bits set beyond its prefix; did you "
                               "mean " +
                               masked.ToString() + "?");
  }
  return network;
}

std::optional<std::string> CanonicalAddress(std::string_view text) {
  auto address = ParseAddress(text);
  if (!address) return std::nullopt;
  return address->ToString();
}

core::Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  std::vector<AddressRange> ranges;
  for (const auto& entry : entries) {
    SW_ASSIGN_OR_RETURN(AddressRange range, ParseAddressRange(entry));
    ranges.push_back(range);
  }
  return TrustedProxies(std::move(ranges));
}

bool TrustedProxies::Trusts(const AddressRange& address) const {
  return std::any_of(ranges_.begin(), ranges_.end(),
                     [&](const AddressRange& range) { return range.Contains(address); });
}

std::string PeerAddress(std::string_view remote) {
  std::string_view host = remote;
  if (remote.starts_with('[')) {
    auto close = remote.find(']');
    if (close != std::string_view::npos) host = remote.substr(1, close - 1);
  } else if (auto colon = remote.rfind(':'); colon != std::string_view::npos) {
    host = remote.substr(0, colon);
  }
  return CanonicalAddress(host).value_or(std::string(host));
}

std::string ClientAddress(const Request& request, const TrustedProxies& trusted) {
  const std::string peer = PeerAddress(request.remote);
  if (trusted.empty()) return peer;
  auto current = ParseAddress(peer);
  if (!current || !trusted.Trusts(*current)) return peer;

  // Every X-Forwarded-For field, joined in order: the list a chain of proxies built.
  std::vector<std::string_view> entries;
  for (const auto& [name, value] : request.headers) {
    if (name.size() != 15) continue;
    bool match = std::equal(name.begin(), name.end(), "x-forwarded-for", [](char a, char b) {
      return (a >= 'A' && a <= 'Z' ? static_cast<char>(a + 32) : a) == b;
    });
    if (!match) continue;
    std::string_view rest = value;
    while (true) {
      auto comma = rest.find(',');
      entries.push_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  // From the right: each trusted hop vouches for the entry before it.
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    auto entry = ParseForwardedEntry(*it);
    if (!entry) break;
    current = entry;
    if (!trusted.Trusts(*current)) break;
  }
  return current->ToString();
}

}  // namespace seatwise::http
