#pragma once
// Host-name lookups answered from a table, in turn: the answers given for a name are used one
// lookup after the other, the last one repeating, so a test can play a DNS server that
// rebinds a name between the check and the connection. Unknown names have no address.

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/net_address.hpp"
#include "service/host_resolver.hpp"

namespace seatwise::testing {

class FakeHostResolver final : public service::HostResolver {
 public:
  // The addresses `name` resolves to, one list per lookup in turn (the last one repeats);
  // each address in any form core::ParseIpv4 or ParseIpv6 reads.
  void Answer(const std::string& name, std::vector<std::vector<std::string>> answers) {
    std::lock_guard lock(mutex_);
    answers_[name] = std::move(answers);
    lookups_[name] = 0;
  }

  // How many times `name` was looked up.
  int Lookups(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = lookups_.find(name);
    return it == lookups_.end() ? 0 : it->second;
  }

  core::Result<std::vector<core::IpAddress>> Resolve(const std::string& name) override {
    std::lock_guard lock(mutex_);
    const int n = lookups_[name]++;
    auto it = answers_.find(name);
    if (it == answers_.end() || it->second.empty()) {
      return core::MakeError(core::ErrorCode::kNotFound,
                             "the host name " + name + " has no address");
    }
    const auto& answer =
        it->second[std::min<std::size_t>(static_cast<std::size_t>(n), it->second.size() - 1)];
    std::vector<core::IpAddress> out;
    for (const auto& text : answer) {
      auto address = core::ParseIpv4(text);
      if (!address) address = core::ParseIpv6(text);
      if (!address) throw std::invalid_argument("not an address: " + text);
      out.push_back(*address);
    }
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::vector<std::string>>> answers_;
  std::map<std::string, int> lookups_;
};

}  // namespace seatwise::testing
