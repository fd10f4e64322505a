#include "app/secret_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace seatwise::app {
namespace {

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

core::Result<SecretKey> ReadKeyFile(const std::string& path, int fd) {
  SecretKey key{};
  std::size_t total = 0;
  std::uint8_t extra = 0;
  while (total < key.size()) {
    ssize_t n = ::read(fd, key.data() + total, key.size() - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return core::MakeError(core::ErrorCode::kUnavailable,
                             fmt::format("cannot read {}: {}", path, ErrnoText(errno)));
    }
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
  }
  if (total != key.size() || ::read(fd, &extra, 1) != 0) {
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        fmt::format("{} must hold exactly 32 bytes (auth.secret_key_file)", path));
  }
  return key;
}

}  // namespace

core::Result<SecretKey> LoadOrCreateSecretKey(const std::string& hex, const std::string& path,
                                              core::Random& random) {
  SecretKey key{};
  if (!hex.empty()) {
    if (hex.size() != 64) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             "auth.secret_key must be 64 hexadecimal digits");
    }
    for (std::size_t i = 0; i < key.size(); ++i) {
      int hi = HexValue(hex[2 * i]);
      int lo = HexValue(hex[2 * i + 1]);
      if (hi < 0 || lo < 0) {
        return core::MakeError(core::ErrorCode::kInvalidArgument,
                               "auth.secret_key must be 64 hexadecimal digits");
      }
      key[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return key;
  }

  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    auto loaded = ReadKeyFile(path, fd);
    ::close(fd);
    return loaded;
  }
  if (errno != ENOENT) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("cannot open {}: {}", path, ErrnoText(errno)));
  }
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  // O_EXCL: when two nodes start at once, one creates and the other reads its key.
  fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) return LoadOrCreateSecretKey(hex, path, random);
  if (fd < 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("cannot create {}: {}", path, ErrnoText(errno)));
  }
  random.Fill(key);
  std::size_t written = 0;
  while (written < key.size()) {
    ssize_t n = ::write(fd, key.data() + written, key.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int error = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return core::MakeError(core::ErrorCode::kUnavailable,
                             fmt::format("cannot write {}: {}", path, ErrnoText(error)));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("cannot write {}: {}", path, ErrnoText(errno)));
  }
  return key;
}

}  // namespace seatwise::app
