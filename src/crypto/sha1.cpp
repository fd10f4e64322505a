#include "crypto/sha1.hpp"

#include <algorithm>
#include <vector>

namespace seatwise::crypto {
namespace {

constexpr std::size_t kBlockSize = 64;

std::uint32_t RotateLeft(std::uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

// Folds one 64-byte block into the five state words.
void Compress(std::array<std::uint32_t, 5>& h, const std::uint8_t* block) {
  std::array<std::uint32_t, 80> w{};
  for (int t = 0; t < 16; ++t) {
    w[t] = (std::uint32_t{block[t * 4]} << 24) | (std::uint32_t{block[t * 4 + 1]} << 16) |
           (std::uint32_t{block[t * 4 + 2]} << 8) | std::uint32_t{block[t * 4 + 3]};
  }
  for (int t = 16; t < 80; ++t) w[t] = RotateLeft(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int t = 0; t < 80; ++t) {
    std::uint32_t f = 0;
    std::uint32_t k = 0;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5A827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ED9EBA1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8F1BBCDC;
    } else {
      f = b ^ c ^ d;
      k = 0xCA62C1D6;
    }
    std::uint32_t temp = RotateLeft(a, 5) + f + e + k + w[t];
    e = d;
    d = c;
    c = RotateLeft(b, 30);
    b = a;
    a = temp;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

}  // namespace

Sha1Digest Sha1(std::span<const std::uint8_t> message) {
  std::array<std::uint32_t, 5> h = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  std::size_t whole = message.size() - message.size() % kBlockSize;
  for (std::size_t i = 0; i < whole; i += kBlockSize) Compress(h, message.data() + i);

  // Padding: a 1 bit, zeros, then the message length in bits as a 64-bit big-endian number.
  std::array<std::uint8_t, kBlockSize * 2> tail{};
  std::size_t rest = message.size() - whole;
  for (std::size_t i = 0; i < rest; ++i) tail[i] = message[whole + i];
  tail[rest] = 0x80;
  std::size_t tail_size = rest + 1 + 8 <= kBlockSize ? kBlockSize : kBlockSize * 2;
  std::uint64_t bit_length = static_cast<std::uint64_t>(message.size()) * 8;
  for (int i = 0; i < 8; ++i) {
    tail[tail_size - 1 - i] = static_cast<std::uint8_t>(bit_length >> (8 * i));
  }
  for (std::size_t i = 0; i < tail_size; i += kBlockSize) Compress(h, tail.data() + i);

  Sha1Digest digest{};
  for (int i = 0; i < 5; ++i) {
    digest[i * 4] = static_cast<std::uint8_t>(h[i] >> 24);
    digest[i * 4 + 1] = static_cast<std::uint8_t>(h[i] >> 16);
    digest[i * 4 + 2] = static_cast<std::uint8_t>(h[i] >> 8);
    digest[i * 4 + 3] = static_cast<std::uint8_t>(h[i]);
  }
  return digest;
}

Sha1Digest HmacSha1(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message) {
  std::array<std::uint8_t, kBlockSize> block_key{};
  if (key.size() > kBlockSize) {
    Sha1Digest hashed = Sha1(key);
    std::copy(hashed.begin(), hashed.end(), block_key.begin());
  } else {
    std::copy(key.begin(), key.end(), block_key.begin());
  }
  std::vector<std::uint8_t> inner(kBlockSize + message.size());
  for (std::size_t i = 0; i < kBlockSize; ++i) inner[i] = block_key[i] ^ 0x36;
  std::copy(message.begin(), message.end(), inner.begin() + kBlockSize);
  Sha1Digest inner_digest = Sha1(inner);

  std::array<std::uint8_t, kBlockSize + 20> outer{};
  for (std::size_t i = 0; i < kBlockSize; ++i) outer[i] = block_key[i] ^ 0x5C;
  std::copy(inner_digest.begin(), inner_digest.end(), outer.begin() + kBlockSize);
  return Sha1(outer);
}

}  // namespace seatwise::crypto
