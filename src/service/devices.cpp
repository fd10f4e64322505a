#include "service/devices.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/csv_writer.hpp"
#include "service/json_writer.hpp"
#include "store/page.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;

constexpr std::size_t kAssetNameMax = 200;
constexpr std::size_t kDescriptionMax = 2000;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool Contains(std::string_view haystack, const std::string& lower_needle) {
  return Lower(haystack).find(lower_needle) != std::string::npos;
}

std::string_view Trim(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool HasControl(std::string_view text, bool allow_line_breaks) {
  return std::any_of(text.begin(), text.end(), [&](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    if (allow_line_breaks && (c == '\n' || c == '\r' || c == '\t')) return false;
    return c < 0x20 || c == 0x7F;
  });
}

std::string Date(core::TimePoint at) { return FormatTime(at).substr(0, 10); }

core::Error InvalidQuery(std::string field, std::string message) {
  core::Error error =
      core::MakeError(ErrorCode::kInvalidArgument, "the device query has invalid parameters");
  error.fields.push_back({std::move(field), std::move(message)});
  return error;
}

// ---- ordering ----------------------------------------------------------------------------

using Compare = int (*)(const DeviceView&, const DeviceView&);

template <typename T>
int Three(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

std::string ProductNames(const DeviceView& v) {
  std::string out;
  for (const auto& p : v.products) {
    if (!out.empty()) out += "; ";
    out += p.name;
  }
  return out;
}

struct Column {
  std::string_view name;
  Compare compare;
};

constexpr Column kColumns[] = {
    {"asset_name",
     [](const DeviceView& a, const DeviceView& b) {
       return Three(Lower(a.device.asset_name), Lower(b.device.asset_name));
     }},
    {"os", [](const DeviceView& a,
              const DeviceView& b) { return Three(Lower(a.device.os), Lower(b.device.os)); }},
    {"app_version",
     [](const DeviceView& a, const DeviceView& b) {
       return Three(a.device.app_version, b.device.app_version);
     }},
    {"products",
     [](const DeviceView& a, const DeviceView& b) {
       return Three(Lower(ProductNames(a)), Lower(ProductNames(b)));
     }},
    // Never checked in sorts as the oldest.
    {"last_check_in_at",
     [](const DeviceView& a, const DeviceView& b) {
       return Three(a.last_check_in_at, b.last_check_in_at);
     }},
    // No known user sorts first.
    {"last_user",
     [](const DeviceView& a, const DeviceView& b) {
       auto key = [](const DeviceView& v) {
         return v.last_user ? std::pair{Lower(v.last_user->name), Lower(v.last_user->email)}
                            : std::pair{std::string(), std::string()};
       };
       return Three(key(a), key(b));
     }},
    // online, offline, out_of_date
    {"status", [](const DeviceView& a, const DeviceView& b) { return Three(a.status, b.status); }},
    {"description",
     [](const DeviceView& a, const DeviceView& b) {
       return Three(Lower(a.device.description), Lower(b.device.description));
     }},
    {"registered_at",
     [](const DeviceView& a, const DeviceView& b) {
       return Three(a.device.registered_at, b.device.registered_at);
     }},
};

struct Order {
  Compare compare = nullptr;
  bool descending = false;

  bool operator()(const DeviceView& a, const DeviceView& b) const {
    int c = compare(a, b);
    if (descending) c = -c;
    if (c != 0) return c < 0;
    return a.device.id < b.device.id;
  }
};

Result<Order> ParseOrder(std::string_view sort) {
  Order order;
  if (sort.empty()) sort = "asset_name";
  if (sort.front() == '-') {
    order.descending = true;
    sort.remove_prefix(1);
  }
  for (const Column& column : kColumns) {
    if (column.name == sort) {
      order.compare = column.compare;
      return order;
    }
  }
  return InvalidQuery("sort",
                      "must be one of asset_name, os, app_version, products, last_check_in_at, "
                      "last_user, status, description, registered_at, with - first for "
                      "descending");
}

bool Matches(const DeviceView& v, const DeviceQuery& q) {
  if (q.status && v.status != *q.status) return false;
  if (!q.os.empty() && !Contains(v.device.os, Lower(q.os))) return false;
  if (!q.product.empty()) {
    const std::string wanted = Lower(q.product);
    const bool uses = std::any_of(v.products.begin(), v.products.end(), [&](const auto& p) {
      return p.id == q.product || Lower(p.code) == wanted;
    });
    if (!uses) return false;
  }
  if (!q.search.empty()) {
    const std::string needle = Lower(q.search);
    const bool found = Contains(v.device.asset_name, needle) ||
                       (v.last_user && (Contains(v.last_user->name, needle) ||
                                        Contains(v.last_user->email, needle)));
    if (!found) return false;
  }
  return true;
}

// ---- what a caller may see of a team's devices ------------------------------------------

Result<Authorization> AuthorizeDevices(store::Tx& tx, const Deps& deps, const Caller& caller,
                                       const std::string& team_id) {
  return Authorize(tx, deps, caller.principal, core::Capability::kManageDevices, {team_id, {}, {}});
}

// Reads a team's devices with what runs on them, as far as the caller's grant reaches: a
// Software Coordinator's reaches the subscriptions of their contracts only.
class DeviceReader {
 public:
  DeviceReader(store::Tx& tx, const Deps& deps, const Authorization& authz, core::TimePoint now)
      : tx_(tx), deps_(deps), authz_(authz), now_(now) {}

  Result<void> LoadUsage(const std::string& team_id) {
    const bool scoped = authz_.grant == core::Grant::kOwnContracts;
    const std::set<std::string> contracts(authz_.contract_ids.begin(), authz_.contract_ids.end());
    SW_ASSIGN_OR_RETURN(auto subscriptions,
                        deps_.repos.contracts->ListTeamSubscriptions(tx_, team_id));
    for (const auto& sub : subscriptions) {
      if (scoped && !contracts.contains(sub.contract_id)) continue;
      store::PageRequest page{"", store::kMaxPageSize};
      while (true) {
        SW_ASSIGN_OR_RETURN(auto activations,
                            deps_.repos.activations->ListBySubscription(tx_, sub.id, page));
        for (auto& a : activations.items) {
          used_.insert(a.device_id);
          if (a.status == core::ActivationStatus::kActive) {
            activations_[a.device_id].push_back(std::move(a));
          }
        }
        if (activations.next_after.empty()) break;
        page.after = activations.next_after;
      }
      if (sub.access != core::Access::kMultiUser) continue;
      SW_ASSIGN_OR_RETURN(auto held, deps_.repos.leases->ListHeld(tx_, sub.id, now_));
      for (auto& lease : held) {
        used_.insert(lease.device_id);
        leases_[lease.device_id].push_back(std::move(lease));
      }
      if (scoped) {
        SW_ASSIGN_OR_RETURN(
            auto ever, deps_.repos.leases->ListOverlapping(tx_, sub.id, core::TimePoint{},
                                                           now_ + std::chrono::milliseconds(1)));
        for (const auto& lease : ever) used_.insert(lease.device_id);
      }
    }
    return core::Ok();
  }

  bool Visible(const std::string& device_id) const {
    return authz_.grant != core::Grant::kOwnContracts || used_.contains(device_id);
  }

  Result<std::vector<DeviceView>> ListVisible(const std::string& team_id) {
    std::vector<DeviceView> views;
    store::PageRequest page{"", store::kMaxPageSize};
    while (true) {
      SW_ASSIGN_OR_RETURN(auto devices, deps_.repos.devices->ListByTeam(tx_, team_id, {}, page));
      for (auto& device : devices.items) {
        if (!Visible(device.id)) continue;
        SW_ASSIGN_OR_RETURN(DeviceView view, View(std::move(device)));
        views.push_back(std::move(view));
      }
      if (devices.next_after.empty()) break;
      page.after = devices.next_after;
    }
    return views;
  }

  Result<DeviceView> View(core::Device device) {
    DeviceView view;
    view.last_check_in_at = device.last_check_in_at;
    std::set<std::string> product_ids;
    for (const auto& a : activations_[device.id]) product_ids.insert(a.product_id);
    for (const auto& lease : leases_[device.id]) {
      product_ids.insert(lease.product_id);
      if (!view.last_check_in_at || lease.heartbeat_at > *view.last_check_in_at) {
        view.last_check_in_at = lease.heartbeat_at;
      }
    }
    for (const auto& id : product_ids) {
      SW_ASSIGN_OR_RETURN(DeviceProduct product, Product(id));
      view.products.push_back(std::move(product));
    }
    std::sort(view.products.begin(), view.products.end(),
              [](const DeviceProduct& a, const DeviceProduct& b) {
                return std::pair{a.name, a.id} < std::pair{b.name, b.id};
              });
    view.status = DeviceStatusAt(view.last_check_in_at, now_);
    if (device.last_user_id) {
      SW_ASSIGN_OR_RETURN(view.last_user, User(*device.last_user_id));
    }
    view.device = std::move(device);
    return view;
  }

  Result<DeviceDetails> Details(core::Device device) {
    DeviceDetails details;
    for (const auto& a : activations_[device.id]) {
      DeviceActivationView item{a, {}, std::nullopt};
      SW_ASSIGN_OR_RETURN(item.product, Product(a.product_id));
      if (a.user_id) {
        SW_ASSIGN_OR_RETURN(item.user, User(*a.user_id));
      }
      details.activations.push_back(std::move(item));
    }
    for (const auto& lease : leases_[device.id]) {
      DeviceLeaseView item{lease, {}};
      SW_ASSIGN_OR_RETURN(item.product, Product(lease.product_id));
      details.leases.push_back(std::move(item));
    }
    std::sort(details.activations.begin(), details.activations.end(),
              [](const auto& a, const auto& b) { return a.activation.id < b.activation.id; });
    std::sort(details.leases.begin(), details.leases.end(),
              [](const auto& a, const auto& b) { return a.lease.id < b.lease.id; });
    SW_ASSIGN_OR_RETURN(details.view, View(std::move(device)));
    return details;
  }

  // The team's device `device_id` if the caller may see it, else kNotFound.
  Result<core::Device> Find(const std::string& team_id, const std::string& device_id) {
    auto device = deps_.repos.devices->Get(tx_, device_id);
    if (!device.ok() && device.error().code != ErrorCode::kNotFound) return device.error();
    if (!device.ok() || device->team_id != team_id || !Visible(device_id)) {
      return core::MakeError(ErrorCode::kNotFound,
                             "device " + device_id + " is not a device of this team you manage");
    }
    return device;
  }

 private:
  Result<DeviceProduct> Product(const std::string& id) {
    if (auto it = products_.find(id); it != products_.end()) return it->second;
    SW_ASSIGN_OR_RETURN(core::Product product, deps_.repos.catalog->GetProduct(tx_, id));
    DeviceProduct out{product.id, product.code, product.name};
    products_.emplace(id, out);
    return out;
  }

  Result<std::optional<DeviceUser>> User(const std::string& id) {
    if (auto it = users_.find(id); it != users_.end()) return it->second;
    auto user = deps_.repos.users->Get(tx_, id);
    if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
    std::optional<DeviceUser> out;
    if (user.ok()) {
      std::string name = user->first_name;
      if (!user->last_name.empty()) name += (name.empty() ? "" : " ") + user->last_name;
      out = DeviceUser{user->id, std::move(name), user->email};
    }
    users_.emplace(id, out);
    return out;
  }

  store::Tx& tx_;
  const Deps& deps_;
  const Authorization& authz_;
  core::TimePoint now_;
  std::set<std::string> used_;
  std::map<std::string, std::vector<core::Activation>> activations_;
  std::map<std::string, std::vector<core::Lease>> leases_;
  std::map<std::string, DeviceProduct> products_;
  std::map<std::string, std::optional<DeviceUser>> users_;
};

// The caller's devices of the team matching the query's filters, in its order.
Result<std::vector<DeviceView>> Matching(store::Tx& tx, const Deps& deps, const Caller& caller,
                                         const std::string& team_id, const DeviceQuery& query,
                                         std::vector<DeviceView>* all = nullptr) {
  SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeDevices(tx, deps, caller, team_id));
  SW_ASSIGN_OR_RETURN(Order order, ParseOrder(query.sort));
  DeviceReader reader(tx, deps, authz, deps.clock.Now());
  SW_RETURN_IF_ERROR(reader.LoadUsage(team_id));
  SW_ASSIGN_OR_RETURN(auto views, reader.ListVisible(team_id));
  std::vector<DeviceView> matching;
  for (const auto& view : views) {
    if (Matches(view, query)) matching.push_back(view);
  }
  std::sort(matching.begin(), matching.end(), order);
  if (all != nullptr) *all = std::move(views);
  return matching;
}

std::string DeviceFieldsJson(const core::Device& d) {
  JsonWriter json;
  json.BeginObject()
      .Key("asset_name")
      .String(d.asset_name)
      .Key("description")
      .String(d.description)
      .Key("default_product_access")
      .Bool(d.default_product_access)
      .Key("default_update_access")
      .Bool(d.default_update_access)
      .EndObject();
  return json.str();
}

std::vector<core::FieldError> ValidateChange(DeviceChange& change) {
  std::vector<core::FieldError> errors;
  if (change.asset_name) {
    change.asset_name = std::string(Trim(*change.asset_name));
    if (change.asset_name->empty()) {
      errors.push_back({"asset_name", "must not be empty"});
    } else if (CodePoints(*change.asset_name) > kAssetNameMax) {
      errors.push_back({"asset_name", "must be at most 200 characters"});
    } else if (HasControl(*change.asset_name, false)) {
      errors.push_back({"asset_name", "must not contain control characters"});
    }
  }
  if (change.description) {
    change.description = std::string(Trim(*change.description));
    if (CodePoints(*change.description) > kDescriptionMax) {
      errors.push_back({"description", "must be at most 2,000 characters"});
    } else if (HasControl(*change.description, true)) {
      errors.push_back({"description",
                        "must not contain control characters other than line "
                        "breaks and tabs"});
    }
  }
  return errors;
}

}  // namespace

std::string_view DeviceStatusName(DeviceStatus status) {
  switch (status) {
    case DeviceStatus::kOnline:
      return "online";
    case DeviceStatus::kOffline:
      return "offline";
    case DeviceStatus::kOutOfDate:
      return "out_of_date";
  }
  return "out_of_date";
}

std::optional<DeviceStatus> ParseDeviceStatus(std::string_view name) {
  for (auto status : {DeviceStatus::kOnline, DeviceStatus::kOffline, DeviceStatus::kOutOfDate}) {
    if (DeviceStatusName(status) == name) return status;
  }
  return std::nullopt;
}

DeviceStatus DeviceStatusAt(const std::optional<core::TimePoint>& last_check_in,
                            core::TimePoint now) {
  if (!last_check_in) return DeviceStatus::kOutOfDate;
  const auto since = now - *last_check_in;
  if (since <= kOnlineWindow) return DeviceStatus::kOnline;
  if (since > kOutOfDateAfter) return DeviceStatus::kOutOfDate;
  return DeviceStatus::kOffline;
}

std::string DevicesCsv(const std::vector<DeviceView>& devices) {
  CsvWriter csv;
  csv.Row({"device_id", "asset_name", "os", "app_version", "status", "last_check_in_at",
           "last_user_name", "last_user_email", "products", "description", "default_product_access",
           "default_update_access", "registered_at"});
  for (const auto& v : devices) {
    csv.Row(
        {v.device.id, v.device.asset_name, v.device.os, v.device.app_version,
         std::string(DeviceStatusName(v.status)),
         v.last_check_in_at ? FormatTime(*v.last_check_in_at) : "",
         v.last_user ? v.last_user->name : "", v.last_user ? v.last_user->email : "",
         ProductNames(v), v.device.description, v.device.default_product_access ? "true" : "false",
         v.device.default_update_access ? "true" : "false", FormatTime(v.device.registered_at)});
  }
  return csv.str();
}

Result<DevicePage> DeviceService::ListDevices(const Caller& caller, const std::string& team_id,
                                              const DeviceQuery& query) {
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "device.list";
  record.target_type = "team";
  record.target_id = team_id;
  record.team_id = team_id;
  return ReadAudited<DevicePage>(deps, caller, record, [&](store::Tx& tx) -> Result<DevicePage> {
    std::vector<DeviceView> all;
    SW_ASSIGN_OR_RETURN(auto matching, Matching(tx, deps, caller, team_id, query, &all));
    SW_ASSIGN_OR_RETURN(Order order, ParseOrder(query.sort));
    auto start = matching.begin();
    if (!query.after.empty()) {
      // The cursor's device gives the position, whether or not it still matches the filters.
      auto anchor = std::find_if(all.begin(), all.end(),
                                 [&](const DeviceView& v) { return v.device.id == query.after; });
      if (anchor == all.end()) {
        return InvalidQuery("after", "is not a device of this list; start from the first page");
      }
      start = std::upper_bound(matching.begin(), matching.end(), *anchor, order);
    }
    const auto limit = static_cast<std::ptrdiff_t>(std::clamp(query.limit, 1, store::kMaxPageSize));
    DevicePage page;
    const auto end = matching.end() - start > limit ? start + limit : matching.end();
    page.items.assign(std::make_move_iterator(start), std::make_move_iterator(end));
    if (end != matching.end() && !page.items.empty()) page.next_after = page.items.back().device.id;
    return page;
  });
}

Result<DeviceExport> DeviceService::ExportDevices(const Caller& caller, const std::string& team_id,
                                                  const DeviceQuery& query) {
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "device.export";
  record.target_type = "team";
  record.target_id = team_id;
  record.team_id = team_id;
  return ReadAudited<DeviceExport>(
      deps, caller, record, [&](store::Tx& tx) -> Result<DeviceExport> {
        SW_ASSIGN_OR_RETURN(auto matching, Matching(tx, deps, caller, team_id, query));
        return DeviceExport{"devices-" + team_id + "-" + Date(deps.clock.Now()) + ".csv",
                            DevicesCsv(matching)};
      });
}

Result<DeviceDetails> DeviceService::GetDevice(const Caller& caller, const std::string& team_id,
                                               const std::string& device_id) {
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "device.read";
  record.target_type = "device";
  record.target_id = device_id;
  record.team_id = team_id;
  return ReadAudited<DeviceDetails>(
      deps, caller, record, [&](store::Tx& tx) -> Result<DeviceDetails> {
        SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeDevices(tx, deps, caller, team_id));
        DeviceReader reader(tx, deps, authz, deps.clock.Now());
        SW_RETURN_IF_ERROR(reader.LoadUsage(team_id));
        SW_ASSIGN_OR_RETURN(core::Device device, reader.Find(team_id, device_id));
        return reader.Details(std::move(device));
      });
}

Result<DeviceView> DeviceService::UpdateDevice(const Caller& caller, const std::string& team_id,
                                               const std::string& device_id,
                                               const DeviceChange& change) {
  DeviceChange valid = change;
  auto errors = ValidateChange(valid);
  const Deps& deps = deps_;
  AuditRecord record;
  record.action = "device.update";
  record.target_type = "device";
  record.target_id = device_id;
  record.team_id = team_id;
  return RunAudited<DeviceView>(deps, caller, record, [&](store::Tx& tx) -> Result<DeviceView> {
    SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, team_id));
    SW_ASSIGN_OR_RETURN(Authorization authz, AuthorizeDevices(tx, deps, caller, team_id));
    const auto now = deps.clock.Now();
    DeviceReader reader(tx, deps, authz, now);
    SW_RETURN_IF_ERROR(reader.LoadUsage(team_id));
    SW_ASSIGN_OR_RETURN(core::Device device, reader.Find(team_id, device_id));
    if (!errors.empty()) {
      core::Error error = core::MakeError(ErrorCode::kInvalidArgument, "the change is invalid");
      error.fields = errors;
      return error;
    }
    if (!valid.asset_name && !valid.description && !valid.default_product_access &&
        !valid.default_update_access) {
      return core::MakeError(ErrorCode::kInvalidArgument,
                             "nothing to change: send asset_name, description, "
                             "default_product_access or default_update_access");
    }
    const std::string before = DeviceFieldsJson(device);
    core::Device changed = device;
    if (valid.asset_name) changed.asset_name = *valid.asset_name;
    if (valid.description) changed.description = *valid.description;
    if (valid.default_product_access)
      changed.default_product_access = *valid.default_product_access;
    if (valid.default_update_access) changed.default_update_access = *valid.default_update_access;
    const std::string after = DeviceFieldsJson(changed);
    if (after == before) return reader.View(std::move(device));  // nothing changed

    SW_RETURN_IF_ERROR(deps.repos.devices->UpdateDetails(tx, changed, now));
    changed.updated_at = now;
    AuditRecord done = record;
    done.account_id = team.account_id;
    done.actor_role = std::string(core::RoleName(authz.role));
    done.before_json = before;
    done.after_json = after;
    done.detail =
        device.asset_name == changed.asset_name
            ? "device \"" + changed.asset_name + "\" updated"
            : "device \"" + device.asset_name + "\" renamed to \"" + changed.asset_name + "\"";
    SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));
    return reader.View(std::move(changed));
  });
}

}  // namespace seatwise::service
