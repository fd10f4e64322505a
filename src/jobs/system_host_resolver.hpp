#pragma once
// The system's resolver (getaddrinfo, so /etc/hosts and the configured DNS servers) behind
// service::HostResolver.

#include <string>
#include <vector>

#include "service/host_resolver.hpp"

namespace seatwise::jobs {

class SystemHostResolver final : public service::HostResolver {
 public:
  // Every IPv4 and IPv6 address of `name`, in the order getaddrinfo prefers, each once.
  core::Result<std::vector<core::IpAddress>> Resolve(const std::string& name) override;
};

}  // namespace seatwise::jobs
