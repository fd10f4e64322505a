#include "core/random.hpp"

#include <array>
#include <cctype>
#include <vector>

namespace seatwise::core {
namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

std::string RandomBase32(Random& random, std::size_t length) {
  std::vector<std::uint8_t> bytes(length);
  random.Fill(bytes);
  std::string out;
  out.reserve(length);
  for (std::uint8_t b : bytes) out.push_back(kCrockford[b & 31U]);
  return out;
}

std::string NewId(Random& random, std::string_view prefix) {
  std::string id(prefix);
  id.push_back('_');
  for (char c : RandomBase32(random, 24)) {
    id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return id;
}

}  // namespace seatwise::core
