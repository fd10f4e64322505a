#include "fingerprint.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace seatwise::sdk {
namespace {

// Fixed for every product, so one computer has one fingerprint across the publisher's
// products; changing it would make every registered device look new.
constexpr std::string_view kFingerprintSalt = "seatwise-device-fingerprint-v1";

std::string_view Trim(std::string_view text) {
  const std::string_view space = " \t\r\n";
  const std::size_t begin = text.find_first_not_of(space);
  if (begin == std::string_view::npos) {
    return {};
  }
  return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

}  // namespace

std::optional<std::string> FingerprintFromMachineIdFile(const std::string& path,
                                                        std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot read the machine id " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  // A machine id is 32 hex characters; anything past 4 KiB is not one.
  std::string contents(4096, '\0');
  ssize_t n = 0;
  do {
    n = ::read(fd, contents.data(), contents.size());
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n < 0) {
    error = "cannot read the machine id " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  contents.resize(static_cast<std::size_t>(n));
  const std::string_view machine_id = Trim(contents);
  if (machine_id.empty()) {
    error = "the machine id " + path + " is empty";
    return std::nullopt;
  }
  if (sodium_init() < 0) {
    error = "the cryptography library failed to start";
    return std::nullopt;
  }
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(machine_id.data()),
                            machine_id.size());
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(kFingerprintSalt.data()),
                            kFingerprintSalt.size());
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

std::optional<std::string> DeviceFingerprint(bool& unsupported, std::string& error) {
#if defined(__linux__)
  unsupported = false;
  return FingerprintFromMachineIdFile(kLinuxMachineIdPath, error);
#else
  unsupported = true;
  error = "the device fingerprint is not available on this platform yet";
  return std::nullopt;
#endif
}

std::optional<std::string> ClientFingerprint(const std::string& machine_id_file, bool& unsupported,
                                             std::string& error) {
  if (machine_id_file.empty()) {
    return DeviceFingerprint(unsupported, error);
  }
  unsupported = false;
  return FingerprintFromMachineIdFile(machine_id_file, error);
}

}  // namespace seatwise::sdk
