#include "service/downloads.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "core/roles.hpp"
#include "service/audit.hpp"
#include "service/authorizer.hpp"
#include "service/catalog.hpp"
#include "service/json_writer.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::FieldError;
using core::Result;

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool HasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F;
  });
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Why `url` is not a download address, or "" when it is one: an absolute https:// URL with a
// host, or http:// to this machine (localhost, 127.0.0.1) for trials.
std::string UrlProblem(std::string_view url) {
  constexpr std::string_view kHint =
      "must be an absolute https:// address (http:// only for localhost or 127.0.0.1)";
  if (url.empty()) return "is required";
  if (url.size() > kReleaseUrlMax) return "must be at most 2000 characters";
  if (HasControl(url) || url.find(' ') != std::string_view::npos) {
    return "must not contain spaces or control characters";
  }
  bool https = false;
  std::string_view rest;
  if (url.starts_with("https://")) {
    https = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return std::string(kHint);
  }
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return "must not contain a user name or password";
  }
  std::string_view host = authority;
  if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::string(kHint);
    }
    host = host.substr(0, colon);
  }
  if (host.empty()) return std::string(kHint);
  if (!https && host != "localhost" && host != "127.0.0.1") return std::string(kHint);
  return "";
}

Result<core::Product> ProductByCode(store::Tx& tx, const Deps& deps, const std::string& code) {
  SW_ASSIGN_OR_RETURN(auto product, deps.repos.catalog->FindProductByCode(tx, code));
  if (!product) {
    return core::MakeError(ErrorCode::kNotFound, "no product has the code \"" + code + "\"");
  }
  return std::move(*product);
}

std::string ReleaseJson(const core::ProductRelease& r, const std::string& product_code) {
  JsonWriter w;
  w.BeginObject()
      .Key("id")
      .String(r.id)
      .Key("product_code")
      .String(product_code)
      .Key("version")
      .String(r.version)
      .Key("kind")
      .String(core::EnumName(r.kind))
      .Key("title")
      .String(r.title)
      .Key("released_at")
      .Time(r.released_at)
      .Key("download_url")
      .String(r.download_url)
      .Key("sha256")
      .String(r.sha256)
      .Key("size_bytes")
      .Int(r.size_bytes)
      .EndObject();
  return w.str();
}

AuditRecord Record(std::string action, std::string target_id) {
  AuditRecord record;
  record.action = std::move(action);
  record.target_type = "product_release";
  record.target_id = std::move(target_id);
  return record;
}

// A contract gives downloads while it is in force: the rule the network checkout applies
// (not expired, suspended or cancelled, and not past its end), and the subscription's own
// end when it has one.
bool InForce(const core::Subscription& sub, const core::Contract& contract, core::TimePoint now) {
  const auto status = contract.status;
  if (status == core::ContractStatus::kExpired || status == core::ContractStatus::kSuspended ||
      status == core::ContractStatus::kCancelled) {
    return false;
  }
  return contract.ends_at > now && (!sub.ends_at || *sub.ends_at > now);
}

// How far the caller's admin roles reach in the team: every contract, some, or none.
struct Reach {
  bool whole_team = false;
  std::set<std::string> contract_ids;
};

Result<Reach> AdminReach(store::Tx& tx, const Deps& deps, const Caller& caller,
                         const std::string& team_id) {
  Reach reach;
  auto authz =
      Authorize(tx, deps, caller.principal, core::Capability::kManageUsers, Scope{team_id, {}, {}});
  if (!authz.ok()) {
    if (authz.error().code == ErrorCode::kPermissionDenied) return reach;
    return std::move(authz).error();
  }
  if (authz->grant == core::Grant::kOwnContracts) {
    reach.contract_ids.insert(authz->contract_ids.begin(), authz->contract_ids.end());
  } else if (authz->grant != core::Grant::kDenied) {
    reach.whole_team = true;
  }
  return reach;
}

// The subscriptions the person holds a seat of: sign-in seats and classic access to
// serial-number subscriptions alike.
Result<std::set<std::string>> HeldSeats(store::Tx& tx, const Deps& deps,
                                        const std::string& user_id) {
  std::set<std::string> held;
  SW_ASSIGN_OR_RETURN(auto assignments, deps.repos.assignments->ListActiveByUser(tx, user_id));
  for (const auto& a : assignments) held.insert(a.subscription_id);
  return held;
}

// How an active member uses a subscription of their team themself, or "" when they do not:
// a seat they hold, or a network (multi-user) pool, open to every member of the team — anyone
// may take a floating seat from it, so anyone may install the product.
std::string PersonalVia(const core::Subscription& sub, const std::set<std::string>& held) {
  if (held.contains(sub.id)) {
    return sub.activation == core::ActivationMethod::kSerialNumber ? "classic" : "seat";
  }
  return sub.access == core::Access::kMultiUser ? "network" : "";
}

}  // namespace

std::vector<FieldError> ValidateRelease(ReleaseRequest& request) {
  std::vector<FieldError> errors = request.errors;
  auto failed = [&errors](std::string_view field) {
    return std::any_of(errors.begin(), errors.end(),
                       [&](const FieldError& e) { return e.field == field; });
  };
  const auto& v = request.version;
  const bool version_chars = std::all_of(v.begin(), v.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
  });
  if (!failed("version") && (v.empty() || v.size() > kReleaseVersionMax || !version_chars)) {
    errors.push_back(
        {"version", "must be 1 to 40 characters of letters, digits, '.', '-' and '_'"});
  }
  if (!failed("kind") && !core::ParseEnum<core::ReleaseKind>(request.kind)) {
    errors.push_back({"kind", "must be release or update"});
  }
  if (!failed("title")) {
    const std::size_t n = CodePoints(request.title);
    if (n < 1 || n > kReleaseTitleMax) {
      errors.push_back({"title", "must be 1 to 200 characters"});
    } else if (HasControl(request.title)) {
      errors.push_back({"title", "must not contain control characters"});
    }
  }
  if (!failed("released_at") && !request.released_at) {
    errors.push_back({"released_at", "is required, as an RFC 3339 time like 2027-04-01T00:00:00Z"});
  }
  if (!failed("download_url")) {
    if (auto problem = UrlProblem(request.download_url); !problem.empty()) {
      errors.push_back({"download_url", problem});
    }
  }
  if (!failed("sha256")) {
    const auto& h = request.sha256;
    if (h.size() != 64 || !std::all_of(h.begin(), h.end(), IsHex)) {
      errors.push_back({"sha256", "must be the file's SHA-256 as 64 hexadecimal digits"});
    } else {
      std::string lower = h;
      for (char& c : lower) {
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
      }
      request.sha256 = std::move(lower);
    }
  }
  if (!failed("size_bytes") && (!request.size_bytes || *request.size_bytes <= 0)) {
    errors.push_back({"size_bytes", "must be the file's size in bytes, an integer greater than 0"});
  }
  if (!failed("notes") && CodePoints(request.notes) > kReleaseNotesMax) {
    errors.push_back({"notes", "must be at most 10000 characters"});
  }
  return errors;
}

Result<std::vector<Release>> DownloadService::ListReleases(const Caller& caller,
                                                           const std::string& product_code) {
  SW_RETURN_IF_ERROR(RequireCatalogReader(caller));
  const Deps& deps = deps_;
  return deps.db.Transact<std::vector<Release>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<Release>> {
        SW_ASSIGN_OR_RETURN(core::Product product, ProductByCode(tx, deps, product_code));
        SW_ASSIGN_OR_RETURN(auto releases, deps.repos.catalog->ListReleases(tx, product.id));
        std::vector<Release> out;
        out.reserve(releases.size());
        for (auto& r : releases) out.push_back({std::move(r), product.code});
        return out;
      });
}

Result<Release> DownloadService::AddRelease(const Caller& caller, const std::string& product_code,
                                            ReleaseRequest request) {
  SW_RETURN_IF_ERROR(core::FieldsValid(ValidateRelease(request)));
  const Deps& deps = deps_;
  AuditRecord record = Record("release.created", product_code + " " + request.version);
  return RunAudited<Release>(deps, caller, record, [&](store::Tx& tx) -> Result<Release> {
    SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
    SW_ASSIGN_OR_RETURN(core::Product product, ProductByCode(tx, deps, product_code));
    core::ProductRelease r;
    r.product_id = product.id;
    r.version = request.version;
    r.kind = *core::ParseEnum<core::ReleaseKind>(request.kind);
    r.title = request.title;
    r.released_at = *request.released_at;
    r.download_url = request.download_url;
    r.sha256 = request.sha256;
    r.size_bytes = *request.size_bytes;
    r.notes = request.notes;
    r.created_at = deps.clock.Now();
    auto created = deps.repos.catalog->CreateRelease(tx, r);
    if (!created.ok() && created.error().code == ErrorCode::kAlreadyExists) {
      return core::MakeError(ErrorCode::kConflict, "Version " + r.version + " of " + product.name +
                                                       " already exists. Delete it first to "
                                                       "replace it, or give the new one another "
                                                       "version.");
    }
    SW_ASSIGN_OR_RETURN(r, std::move(created));
    AuditRecord done = record;
    done.target_id = r.id;
    done.actor_role = role;
    done.after_json = ReleaseJson(r, product.code);
    done.detail =
        std::string(core::EnumName(r.kind)) + " " + r.version + " of " + product.code + " added";
    SW_RETURN_IF_ERROR(Audit(tx, deps, caller, done));
    return Release{std::move(r), product.code};
  });
}

Result<void> DownloadService::DeleteRelease(const Caller& caller, const std::string& product_code,
                                            const std::string& release_id) {
  const Deps& deps = deps_;
  AuditRecord record = Record("release.deleted", release_id);
  return RunAudited<void>(deps, caller, record, [&](store::Tx& tx) -> Result<void> {
    SW_ASSIGN_OR_RETURN(std::string role, AuthorizeCatalogChange(tx, deps, caller));
    SW_ASSIGN_OR_RETURN(core::Product product, ProductByCode(tx, deps, product_code));
    auto release = deps.repos.catalog->GetRelease(tx, release_id);
    if ((!release.ok() && release.error().code == ErrorCode::kNotFound) ||
        (release.ok() && release->product_id != product.id)) {
      return core::MakeError(ErrorCode::kNotFound,
                             "product " + product.code + " has no release " + release_id);
    }
    if (!release.ok()) return std::move(release).error();
    SW_RETURN_IF_ERROR(deps.repos.catalog->DeleteRelease(tx, release_id));
    AuditRecord done = record;
    done.actor_role = role;
    done.before_json = ReleaseJson(*release, product.code);
    done.detail = std::string(core::EnumName(release->kind)) + " " + release->version + " of " +
                  product.code + " deleted";
    return Audit(tx, deps, caller, done);
  });
}

Result<std::vector<Download>> DownloadService::ListTeamDownloads(const Caller& caller,
                                                                 const std::string& team_id) {
  if (!caller.principal.authenticated()) {
    return core::MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  const Deps& deps = deps_;
  return deps.db.Transact<std::vector<Download>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<Download>> {
        const core::Error not_found =
            core::MakeError(ErrorCode::kNotFound, "team " + team_id + " not found");
        auto team = deps.repos.accounts->GetTeam(tx, team_id);
        if (!team.ok()) {
          if (team.error().code == ErrorCode::kNotFound) return not_found;
          return std::move(team).error();
        }
        const std::string& user_id = caller.principal.user_id;
        bool member = false;
        if (!user_id.empty()) {
          SW_ASSIGN_OR_RETURN(auto membership,
                              deps.repos.users->GetMembership(tx, team_id, user_id));
          member = membership && membership->status == core::MembershipStatus::kActive;
        }
        SW_ASSIGN_OR_RETURN(Reach reach, AdminReach(tx, deps, caller, team_id));
        if (!member && !reach.whole_team && reach.contract_ids.empty()) return not_found;

        std::set<std::string> held;  // subscriptions the caller holds a seat of
        if (member) {
          SW_ASSIGN_OR_RETURN(held, HeldSeats(tx, deps, user_id));
        }

        const auto now = deps.clock.Now();
        std::map<std::string, core::Contract> contracts;
        std::map<std::string, Download> by_product;
        SW_ASSIGN_OR_RETURN(auto subs, deps.repos.contracts->ListTeamSubscriptions(tx, team_id));
        for (const auto& sub : subs) {
          if (sub.service_id) continue;  // services have nothing to install
          const bool reached = reach.whole_team || reach.contract_ids.contains(sub.contract_id) ||
                               (member && !PersonalVia(sub, held).empty());
          if (!reached) continue;
          auto it = contracts.find(sub.contract_id);
          if (it == contracts.end()) {
            SW_ASSIGN_OR_RETURN(core::Contract contract,
                                deps.repos.contracts->GetContract(tx, sub.contract_id));
            it = contracts.emplace(sub.contract_id, std::move(contract)).first;
          }
          if (!InForce(sub, it->second, now)) continue;
          SW_ASSIGN_OR_RETURN(auto product_ids, deps.repos.contracts->GrantedProducts(tx, sub.id));
          for (const auto& product_id : product_ids) {
            Download& download = by_product[product_id];
            if (download.product.id.empty()) {
              SW_ASSIGN_OR_RETURN(download.product, deps.repos.catalog->GetProduct(tx, product_id));
            }
            download.via.push_back({sub, it->second});
          }
        }

        std::vector<std::string> product_ids;
        product_ids.reserve(by_product.size());
        for (const auto& [id, download] : by_product) product_ids.push_back(id);
        SW_ASSIGN_OR_RETURN(auto releases, deps.repos.catalog->ListReleasesOf(tx, product_ids));
        for (auto& r : releases) by_product[r.product_id].releases.push_back(std::move(r));

        std::vector<Download> out;
        out.reserve(by_product.size());
        for (auto& [id, download] : by_product) out.push_back(std::move(download));
        std::sort(out.begin(), out.end(), [](const Download& a, const Download& b) {
          if (a.product.name != b.product.name) return a.product.name < b.product.name;
          return a.product.code < b.product.code;
        });
        return out;
      });
}

Result<std::vector<PersonalContract>> DownloadService::ListMyContracts(const Caller& caller) {
  if (!caller.principal.authenticated() || caller.principal.user_id.empty()) {
    return core::MakeError(ErrorCode::kUnauthenticated, "sign in first");
  }
  const Deps& deps = deps_;
  const std::string& user_id = caller.principal.user_id;
  return deps.db.Transact<std::vector<PersonalContract>>(
      store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<PersonalContract>> {
        SW_ASSIGN_OR_RETURN(auto memberships, deps.repos.users->ListMemberships(tx, user_id));
        SW_ASSIGN_OR_RETURN(std::set<std::string> held, HeldSeats(tx, deps, user_id));
        std::map<std::string, PersonalContract> by_contract;
        std::map<std::string, core::Contract> skipped;  // not current
        for (const auto& m : memberships) {
          if (m.status != core::MembershipStatus::kActive) continue;
          SW_ASSIGN_OR_RETURN(core::Team team, deps.repos.accounts->GetTeam(tx, m.team_id));
          SW_ASSIGN_OR_RETURN(auto subs, deps.repos.contracts->ListTeamSubscriptions(tx, team.id));
          for (const auto& sub : subs) {
            const std::string via = PersonalVia(sub, held);
            if (via.empty() || skipped.contains(sub.contract_id)) continue;
            auto it = by_contract.find(sub.contract_id);
            if (it == by_contract.end()) {
              SW_ASSIGN_OR_RETURN(core::Contract contract,
                                  deps.repos.contracts->GetContract(tx, sub.contract_id));
              if (contract.status == core::ContractStatus::kExpired ||
                  contract.status == core::ContractStatus::kCancelled) {
                skipped.emplace(contract.id, std::move(contract));
                continue;
              }
              PersonalContract entry;
              entry.contract = std::move(contract);
              entry.team = team;
              it = by_contract.emplace(sub.contract_id, std::move(entry)).first;
            }
            const core::TimePoint ends = sub.ends_at.value_or(it->second.contract.ends_at);
            if (sub.service_id) {
              SW_ASSIGN_OR_RETURN(core::Service service,
                                  deps.repos.catalog->GetService(tx, *sub.service_id));
              it->second.uses.push_back({"service", service.code, service.name, via, ends});
              continue;
            }
            SW_ASSIGN_OR_RETURN(auto product_ids,
                                deps.repos.contracts->GrantedProducts(tx, sub.id));
            for (const auto& product_id : product_ids) {
              SW_ASSIGN_OR_RETURN(core::Product product,
                                  deps.repos.catalog->GetProduct(tx, product_id));
              it->second.uses.push_back({"product", product.code, product.name, via, ends});
            }
          }
        }
        std::vector<PersonalContract> out;
        out.reserve(by_contract.size());
        for (auto& [id, entry] : by_contract) {
          std::sort(entry.uses.begin(), entry.uses.end(), [](const auto& a, const auto& b) {
            return std::tie(a.name, a.code, a.via) < std::tie(b.name, b.code, b.via);
          });
          out.push_back(std::move(entry));
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
          return a.contract.number < b.contract.number;
        });
        return out;
      });
}

}  // namespace seatwise::service
