#include "token_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace seatwise::sdk {
namespace {

namespace json = boost::json;

std::string SystemError(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Writes all of `contents` to `fd`, retrying short writes and interruptions.
bool WriteAll(int fd, const std::string& contents) {
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  return true;
}

// Makes a completed rename durable: the directory entry itself is flushed.
void SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

bool PrepareCacheDirectory(const std::string& dir, std::string& error) {
  std::error_code ec;
  const std::filesystem::path path(dir);
  if (!std::filesystem::exists(path, ec)) {
    // Parents created on the way are owner-only too; the umask may only narrow that.
    std::filesystem::path partial;
    for (const std::filesystem::path& part : path) {
      partial /= part;
      if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
        error = SystemError("cannot create the cache directory", partial.string());
        return false;
      }
    }
  }
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    error = "the cache directory " + dir + " is not a directory";
    return false;
  }
  if ((info.st_mode & 07777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) {
    error = SystemError("cannot make the cache directory owner-only", dir);
    return false;
  }
  return true;
}

bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string& error) {
  const std::filesystem::path target(path);
  const std::string dir = target.parent_path().string();
  std::string temp =
      (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    error = SystemError("cannot create a temporary file in", dir);
    return false;
  }
  const bool written = ::fchmod(fd, 0600) == 0 && WriteAll(fd, contents) && ::fsync(fd) == 0;
  if (!written) {
    error = SystemError("cannot write", temp);
  }
  if (::close(fd) != 0 && written) {
    error = SystemError("cannot write", temp);
    ::unlink(temp.c_str());
    return false;
  }
  if (!written) {
    ::unlink(temp.c_str());
    return false;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    error = SystemError("cannot replace", path);
    ::unlink(temp.c_str());
    return false;
  }
  SyncDirectory(dir);
  return true;
}

bool StoreCachedToken(const std::string& path, const CachedToken& cached, std::string& error) {
  json::object document;
  if (!cached.token.empty()) {
    document["token"] = cached.token;
  }
  if (cached.revoked) {
    document["revoked"] = true;
  }
  return WriteFileAtomically(path, json::serialize(document) + "\n", error);
}

std::optional<std::string> ReadSmallFile(const std::string& path, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) {
      error = SystemError("cannot read", path);
    }
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      if (n < 0) {
        error = SystemError("cannot read", path);
      }
      break;
    }
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  if (!error.empty()) {
    return std::nullopt;
  }
  return text;
}

std::optional<CachedToken> LoadCachedToken(const std::string& path, std::string& error) {
  std::optional<std::string> contents = ReadSmallFile(path, error);
  if (!contents) {
    return std::nullopt;
  }
  const std::string& text = *contents;
  boost::system::error_code ec;
  const json::value document = json::parse(text, ec);
  const json::object* object = ec ? nullptr : document.if_object();
  const json::value* token = object ? object->if_contains("token") : nullptr;
  const json::value* revoked = object ? object->if_contains("revoked") : nullptr;
  if (object == nullptr || (token == nullptr && revoked == nullptr) ||
      (token != nullptr && !token->is_string()) || (revoked != nullptr && !revoked->is_bool())) {
    error = "the token cache " + path + " is damaged; sign in again";
    return std::nullopt;
  }
  return CachedToken{token != nullptr ? std::string(token->as_string()) : std::string(),
                     revoked != nullptr && revoked->as_bool()};
}

std::string DeviceCredentialPath(const std::string& cache_dir) {
  return (std::filesystem::path(cache_dir) / "device-credential.json").string();
}

bool StoreDeviceCredential(const std::string& path, const DeviceCredential& credential,
                           std::string& error) {
  const json::object document{{"credential", credential.credential},
                              {"device_id", credential.device_id},
                              {"fingerprint", credential.fingerprint},
                              {"serial_activation_id", credential.serial_activation_id}};
  return WriteFileAtomically(path, json::serialize(document) + "\n", error);
}

std::optional<DeviceCredential> LoadDeviceCredential(const std::string& path, std::string& error) {
  std::optional<std::string> contents = ReadSmallFile(path, error);
  if (!contents) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  const json::value document = json::parse(*contents, ec);
  const json::object* object = ec ? nullptr : document.if_object();
  DeviceCredential credential;
  const auto read = [object](const char* key, std::string& field) {
    const json::value* value = object != nullptr ? object->if_contains(key) : nullptr;
    if (value == nullptr || !value->is_string()) {
      return false;
    }
    field = std::string(value->as_string());
    return true;
  };
  const bool complete = read("credential", credential.credential) &&
                        read("device_id", credential.device_id) &&
                        read("fingerprint", credential.fingerprint) &&
                        read("serial_activation_id", credential.serial_activation_id);
  if (!complete || credential.credential.empty() || credential.device_id.empty()) {
    error = "the device credential " + path + " is damaged; activate or enroll this computer again";
    return std::nullopt;
  }
  return credential;
}

}  // namespace seatwise::sdk
