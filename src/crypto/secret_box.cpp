#include "crypto/secret_box.hpp"

#include <sodium.h>

#include <vector>

#include "crypto/sodium_random.hpp"

namespace seatwise::crypto {

std::string Seal(const SecretKey& key, std::string_view plaintext, core::Random& random) {
  InitSodium();
  std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plaintext.size());
  random.Fill(std::span(box.data(), crypto_secretbox_NONCEBYTES));
  crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        box.data(), key.data());
  std::string out(sodium_base64_ENCODED_LEN(box.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), box.data(), box.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

core::Result<std::string> Open(const SecretKey& key, std::string_view sealed) {
  InitSodium();
  auto refuse = [] {
    return core::MakeError(core::ErrorCode::kInternal,
                           "a stored secret cannot be decrypted; check the server's sealing key");
  };
  std::vector<unsigned char> box(sealed.size());
  std::size_t box_size = 0;
  if (sodium_base642bin(box.data(), box.size(), sealed.data(), sealed.size(), nullptr, &box_size,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      box_size < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return refuse();
  }
  std::size_t cipher_size = box_size - crypto_secretbox_NONCEBYTES;
  std::string plaintext(cipher_size - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plaintext.data()),
                                 box.data() + crypto_secretbox_NONCEBYTES, cipher_size, box.data(),
                                 key.data()) != 0) {
    return refuse();
  }
  return plaintext;
}

}  // namespace seatwise::crypto
