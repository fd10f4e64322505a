#pragma once
// Host-name lookups behind an interface: the webhook checks resolve names through it. The
// composition root hands them the system's resolver (getaddrinfo); tests answer from a table,
// and may answer differently from one lookup to the next, as a rebinding DNS server does.

#include <string>
#include <vector>

#include "core/net_address.hpp"
#include "core/result.hpp"

namespace seatwise::service {

class HostResolver {
 public:
  virtual ~HostResolver() = default;
  // Every address `name` has now. kNotFound when it has none; kUnavailable when the lookup
  // failed (no DNS server answered).
  virtual core::Result<std::vector<core::IpAddress>> Resolve(const std::string& name) = 0;
};

}  // namespace seatwise::service
