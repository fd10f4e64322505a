#include "jobs/system_host_resolver.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace seatwise::jobs {

core::Result<std::vector<core::IpAddress>> SystemHostResolver::Resolve(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &found);
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
  if (rc == EAI_NONAME || rc == EAI_NODATA) {
    return core::MakeError(core::ErrorCode::kNotFound, "the host name " + name + " has no address");
  }
  if (rc != 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           "the host name " + name + " could not be looked up");
  }
  std::vector<core::IpAddress> out;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    core::IpAddress address;
    if (a->ai_family == AF_INET && a->ai_addrlen >= sizeof(sockaddr_in)) {
      sockaddr_in in{};
      std::memcpy(&in, a->ai_addr, sizeof in);
      std::memcpy(address.bytes.data(), &in.sin_addr, 4);
      address.family = core::IpAddress::Family::kV4;
    } else if (a->ai_family == AF_INET6 && a->ai_addrlen >= sizeof(sockaddr_in6)) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, a->ai_addr, sizeof in6);
      std::memcpy(address.bytes.data(), &in6.sin6_addr, 16);
      address.family = core::IpAddress::Family::kV6;
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), address) == out.end()) out.push_back(address);
  }
  if (out.empty()) {
    return core::MakeError(core::ErrorCode::kNotFound, "the host name " + name + " has no address");
  }
  return out;
}

}  // namespace seatwise::jobs
