#include "service/leases.hpp"

#include "service/contracts.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "service/audit.hpp"
#include "service/contracts.hpp"
#include "service/json_writer.hpp"
#include "service/webhooks.hpp"

namespace seatwise::service {
namespace {

using core::ErrorCode;
using core::Result;
using std::chrono::days;
using std::chrono::duration_cast;
using std::chrono::minutes;
using std::chrono::seconds;

// The shortest lease, whatever a subscription says.
constexpr int kShortestLeaseSeconds = 60;
constexpr auto kReapEvery = std::chrono::milliseconds(60'000);
constexpr auto kUsageFutureSkew = minutes(5);
constexpr auto kUsageMaxAge = days(60);

core::Error Concealed(std::string message) {
  core::Error error = core::MakeError(ErrorCode::kPermissionDenied, std::move(message));
  error.conceal_existence = true;
  return error;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Why a client-reported text is unacceptable, or "" when it is fine.
std::string TextProblem(std::string_view text, std::size_t max, bool required) {
  if (text.empty()) return required ? "is required" : "";
  if (CodePoints(text) > max) return "must be at most " + std::to_string(max) + " characters";
  for (char ch : text) {
    if (IsControl(static_cast<unsigned char>(ch))) return "must not contain control characters";
  }
  return "";
}

// "in 7 minutes", "in 2 hours", "in 3 days" (rounded up; "in 1 minute" at the least).
std::string InHowLong(core::TimePoint when, core::TimePoint now) {
  const auto left = duration_cast<seconds>(when - now).count();
  auto plural = [](std::int64_t n, const char* unit) {
    return "in " + std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
  };
  if (left <= 60) return "in 1 minute";
  if (left < 2 * 3600) return plural((left + 59) / 60, "minute");
  if (left < 2 * 86400) return plural((left + 3599) / 3600, "hour");
  return plural((left + 86399) / 86400, "day");
}

bool ContractUsable(const core::Contract& contract, core::TimePoint now) {
  const auto status = contract.status;
  return status != core::ContractStatus::kExpired && status != core::ContractStatus::kSuspended &&
         status != core::ContractStatus::kCancelled && contract.ends_at > now;
}

bool IsDevice(const Caller& caller) {
  return caller.principal.method == AuthMethod::kDevice && !caller.principal.device_id.empty();
}

// Audit entries name the computer's own credential as the actor role "device".
std::string ActorRole(const Caller& caller) { return IsDevice(caller) ? "device" : "user"; }

// The device, when the caller is an active member of its team or the computer itself
// (device credential); "not found" otherwise.
Result<core::Device> DeviceOfCaller(store::Tx& tx, const Deps& deps, const Caller& caller,
                                    const std::string& device_id) {
  if (caller.principal.user_id.empty() && !IsDevice(caller)) {
    return core::MakeError(ErrorCode::kUnauthenticated,
                           "sign in, or use this computer's device credential, to use a network "
                           "license");
  }
  const std::string unknown = "device " + device_id + " is not registered; register it first";
  if (IsDevice(caller) && caller.principal.device_id != device_id) {
    return Concealed("device " + device_id +
                     " is not the computer of this device credential; send its own device_id");
  }
  auto device = deps.repos.devices->Get(tx, device_id);
  if (!device.ok()) {
    if (device.error().code == ErrorCode::kNotFound) {
      return core::MakeError(ErrorCode::kNotFound, unknown);
    }
    return device.error();
  }
  if (IsDevice(caller)) return std::move(device).value();
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, device->team_id,
                                                                       caller.principal.user_id));
  if (!membership || membership->status != core::MembershipStatus::kActive) {
    return Concealed(unknown);
  }
  return std::move(device).value();
}

// The lease, when the caller checked it out, is an active member of its device's team, or
// is the computer holding it (device credential).
Result<core::Lease> LeaseOfCaller(store::Tx& tx, const Deps& deps, const Caller& caller,
                                  const std::string& lease_id) {
  if (caller.principal.user_id.empty() && !IsDevice(caller)) {
    return core::MakeError(ErrorCode::kUnauthenticated,
                           "sign in, or use this computer's device credential, to use a network "
                           "license");
  }
  const std::string unknown = "lease " + lease_id + " does not exist";
  auto lease = deps.repos.leases->Get(tx, lease_id);
  if (!lease.ok()) {
    if (lease.error().code == ErrorCode::kNotFound) {
      return core::MakeError(ErrorCode::kNotFound, unknown);
    }
    return lease.error();
  }
  if (IsDevice(caller)) {
    if (lease->device_id != caller.principal.device_id) return Concealed(unknown);
    return std::move(lease).value();
  }
  if (lease->user_id == caller.principal.user_id) return std::move(lease).value();
  SW_ASSIGN_OR_RETURN(core::Device device, deps.repos.devices->Get(tx, lease->device_id));
  SW_ASSIGN_OR_RETURN(auto membership, deps.repos.users->GetMembership(tx, device.team_id,
                                                                       caller.principal.user_id));
  if (!membership || membership->status != core::MembershipStatus::kActive) {
    return Concealed(unknown);
  }
  return std::move(lease).value();
}

// A product by code, else by id; nullopt when neither names one.
Result<std::optional<core::Product>> FindProduct(store::Tx& tx, const Deps& deps,
                                                 const std::string& code_or_id) {
  SW_ASSIGN_OR_RETURN(auto by_code, deps.repos.catalog->FindProductByCode(tx, code_or_id));
  if (by_code) return by_code;
  auto by_id = deps.repos.catalog->GetProduct(tx, code_or_id);
  if (by_id.ok()) return std::optional<core::Product>(std::move(by_id).value());
  if (by_id.error().code == ErrorCode::kNotFound) return std::optional<core::Product>();
  return by_id.error();
}

int TtlSeconds(const core::Subscription& sub) {
  return std::max(kShortestLeaseSeconds, sub.lease_ttl_seconds);
}

std::string LeaseJson(const core::Lease& lease) {
  JsonWriter json;
  json.BeginObject()
      .Key("id")
      .String(lease.id)
      .Key("subscription_id")
      .String(lease.subscription_id)
      .Key("product_id")
      .String(lease.product_id)
      .Key("device_id")
      .String(lease.device_id)
      .Key("user_name")
      .String(lease.user_name)
      .Key("host")
      .String(lease.host)
      .Key("expires_at")
      .String(FormatTime(lease.expires_at));
  if (lease.borrowed_until) json.Key("borrowed_until").String(FormatTime(*lease.borrowed_until));
  json.EndObject();
  return json.str();
}

std::string ExpiredMessage(const core::Lease& lease) {
  const core::TimePoint ended =
      lease.released_at
          ? *lease.released_at
          : std::max(lease.expires_at, lease.borrowed_until.value_or(lease.expires_at));
  if (lease.released_at && *lease.released_at < lease.expires_at) {
    return "the lease was released at " + FormatTime(ended) + "; check out again";
  }
  return "the lease expired at " + FormatTime(ended) + "; check out again";
}

// Where a checkout takes its seat from: the pool and what the answer needs to name.
struct Pool {
  core::Subscription subscription;
  core::Contract contract;
  core::Product product;
  core::Team team;
};

// The outcome of the checkout transaction: a lease, or a refusal that must commit.
struct CheckoutOutcome {
  std::optional<LeaseGrant> grant;
  bool renewed = false;
  store::LeaseCheckout checkout;
  Pool pool;
};

}  // namespace

bool LeaseService::ReapDue() {
  const std::int64_t now = deps_.clock.Now().time_since_epoch().count();
  std::int64_t last = last_reap_ms_->load();
  while (last == kNeverReaped || now - last >= kReapEvery.count()) {
    if (last_reap_ms_->compare_exchange_weak(last, now)) return true;
  }
  return false;
}

Result<int> LeaseService::ReapExpired() {
  const auto now = deps_.clock.Now();
  last_reap_ms_->store(now.time_since_epoch().count());
  return deps_.db.Transact<int>(store::TxMode::kWrite, [&](store::Tx& tx) -> Result<int> {
    return deps_.repos.leases->ReapExpired(tx, now);
  });
}

Result<LeaseGrant> LeaseService::Checkout(const Caller& caller, const CheckoutRequest& request) {
  std::vector<core::FieldError> errors;
  if (request.product.empty()) errors.push_back({"product", "is required"});
  if (request.device_id.empty()) errors.push_back({"device_id", "is required"});
  if (auto problem = TextProblem(request.user_name, kLeaseUserNameMax, true); !problem.empty()) {
    errors.push_back({"user_name", problem});
  }
  if (auto problem = TextProblem(request.host, kLeaseHostMax, true); !problem.empty()) {
    errors.push_back({"host", problem});
  }
  AuditRecord record;
  record.action = "lease.checkout";
  record.actor_role = ActorRole(caller);
  record.target_type = "device";
  record.target_id = request.device_id;
  if (!errors.empty()) {
    core::Error error =
        core::MakeError(ErrorCode::kInvalidArgument, "the lease request has invalid fields");
    error.fields = std::move(errors);
    return error;
  }
  const bool reap = ReapDue();
  auto outcome = RunAudited<CheckoutOutcome>(
      deps_, caller, record, [&](store::Tx& tx) -> Result<CheckoutOutcome> {
        const auto now = deps_.clock.Now();
        if (reap) SW_RETURN_IF_ERROR(deps_.repos.leases->ReapExpired(tx, now));
        SW_ASSIGN_OR_RETURN(core::Device device,
                            DeviceOfCaller(tx, deps_, caller, request.device_id));
        SW_ASSIGN_OR_RETURN(auto product, FindProduct(tx, deps_, request.product));
        if (!product) {
          return core::MakeError(ErrorCode::kNotFound,
                                 "product " + request.product + " does not exist");
        }
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, device.team_id));
        SW_ASSIGN_OR_RETURN(auto subs,
                            deps_.repos.contracts->ListTeamSubscriptions(tx, device.team_id));
        // The team's subscriptions granting the product, split by kind and standing.
        std::vector<std::pair<core::Subscription, core::Contract>> network;
        std::vector<std::pair<core::Subscription, core::Contract>> ended;
        bool granted_otherwise = false;
        for (auto& sub : subs) {
          bool grants = sub.product_id == product->id;
          if (!grants && sub.collection_id) {
            SW_ASSIGN_OR_RETURN(auto ids, deps_.repos.contracts->GrantedProducts(tx, sub.id));
            grants = std::find(ids.begin(), ids.end(), product->id) != ids.end();
          }
          if (!grants) continue;
          if (sub.access != core::Access::kMultiUser) {
            granted_otherwise = true;
            continue;
          }
          SW_ASSIGN_OR_RETURN(core::Contract contract,
                              deps_.repos.contracts->GetContract(tx, sub.contract_id));
          const bool usable = ContractUsable(contract, now) && (!sub.ends_at || *sub.ends_at > now);
          (usable ? network : ended).emplace_back(std::move(sub), std::move(contract));
        }
        if (request.subscription_id) {
          auto named = [&](const auto& entry) {
            return entry.first.id == *request.subscription_id;
          };
          std::erase_if(network, [&](const auto& entry) { return !named(entry); });
          std::erase_if(ended, [&](const auto& entry) { return !named(entry); });
          if (network.empty() && ended.empty()) {
            return core::MakeError(ErrorCode::kNotFound,
                                   "subscription " + *request.subscription_id +
                                       " is not a network license of " + product->name +
                                       " of team " + team.name);
          }
        }
        if (network.empty() && ended.empty()) {
          if (granted_otherwise) {
            return core::MakeError(
                ErrorCode::kFailedPrecondition,
                product->name + " is not a network (multi-user) license of team " + team.name +
                    "; activate it by signing in, or with its serial number and product key");
          }
          return core::MakeError(ErrorCode::kFailedPrecondition,
                                 "team " + team.name + " has no network license of " +
                                     product->name +
                                     "; its Contract Manager can order one through the reseller");
        }
        if (network.empty()) {
          const auto& [sub, contract] = ended.front();
          const core::TimePoint end =
              sub.ends_at && *sub.ends_at < contract.ends_at ? *sub.ends_at : contract.ends_at;
          std::string manager = "the Contract Manager";
          if (auto cm = deps_.repos.users->Get(tx, contract.contract_manager_id); cm.ok()) {
            manager = "the Contract Manager (" + cm->email + ")";
          }
          const bool stopped = contract.status == core::ContractStatus::kSuspended ||
                               contract.status == core::ContractStatus::kCancelled;
          return core::MakeError(
              ErrorCode::kFailedPrecondition,
              "the network license of " + product->name + " on contract " + contract.number +
                  (stopped ? " is " + std::string(core::EnumName(contract.status))
                           : " expired on " + FormatTime(end)) +
                  "; " + manager + " can renew it");
        }
        // Several pools: the one with the most free seats.
        std::size_t chosen = 0;
        if (network.size() > 1) {
          int best_free = std::numeric_limits<int>::min();
          for (std::size_t i = 0; i < network.size(); ++i) {
            SW_ASSIGN_OR_RETURN(int held,
                                deps_.repos.leases->CountHeld(tx, network[i].first.id, now));
            if (network[i].first.seats - held > best_free) {
              best_free = network[i].first.seats - held;
              chosen = i;
            }
          }
        }
        CheckoutOutcome out;
        SW_ASSIGN_OR_RETURN(out.pool.subscription,
                            deps_.repos.contracts->LockSubscription(tx, network[chosen].first.id));
        out.pool.contract = std::move(network[chosen].second);
        out.pool.product = std::move(*product);
        out.pool.team = std::move(team);
        const core::Subscription& sub = out.pool.subscription;
        const int ttl = TtlSeconds(sub);
        const core::TimePoint expires = now + seconds(ttl);

        AuditRecord done = record;
        done.team_id = out.pool.team.id;
        done.account_id = out.pool.team.account_id;
        done.actor_role = ActorRole(caller);

        // The device already holds a seat of this pool: the same lease, renewed.
        SW_ASSIGN_OR_RETURN(auto held, deps_.repos.leases->ListHeld(tx, sub.id, now));
        for (const auto& lease : held) {
          if (lease.device_id != device.id) continue;
          SW_ASSIGN_OR_RETURN(core::Lease renewed,
                              deps_.repos.leases->Heartbeat(tx, lease.id, expires, now));
          out.grant = LeaseGrant{std::move(renewed), ttl / 3};
          out.renewed = true;
          return out;
        }

        core::Lease lease;
        lease.id = core::NewId(deps_.random, core::id_prefix::kLease);
        lease.subscription_id = sub.id;
        lease.product_id = out.pool.product.id;
        lease.device_id = device.id;
        if (!caller.principal.user_id.empty()) lease.user_id = caller.principal.user_id;
        lease.user_name = request.user_name;
        lease.host = request.host;
        lease.checked_out_at = now;
        lease.expires_at = expires;
        SW_ASSIGN_OR_RETURN(out.checkout, deps_.repos.leases->Checkout(tx, lease));
        if (!out.checkout.granted) {
          SW_RETURN_IF_ERROR(EnqueueWebhookEvent(
              tx, deps_, out.pool.team.id, "lease.denied",
              "{\"product_id\":" + JsonQuote(out.pool.product.id) + ",\"product\":" +
                  JsonQuote(out.pool.product.name) + ",\"subscription_id\":" + JsonQuote(sub.id) +
                  ",\"host\":" + JsonQuote(request.host) +
                  ",\"seats\":" + std::to_string(out.checkout.seats) + "}"));
        }
        if (out.checkout.granted) {
          done.target_type = "lease";
          done.target_id = out.checkout.lease->id;
          done.after_json = LeaseJson(*out.checkout.lease);
          done.detail = "seat " + std::to_string(out.checkout.in_use + 1) + " of " +
                        std::to_string(out.checkout.seats) + " of " + out.pool.product.name +
                        " taken by " + request.host;
          SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
          out.grant = LeaseGrant{*out.checkout.lease, ttl / 3};
        }
        return out;
      });
  if (!outcome.ok()) {
    // Refusals other than a permission denial (already recorded) are recorded here.
    if (outcome.error().code != ErrorCode::kPermissionDenied &&
        outcome.error().code != ErrorCode::kInternal &&
        outcome.error().code != ErrorCode::kUnauthenticated) {
      AuditDenied(deps_, caller, record, outcome.error());
    }
    return outcome.error();
  }
  if (outcome->grant) return std::move(*outcome->grant);

  // Every seat is held: the denial row has committed; answer with the refusal.
  const auto& checkout = outcome->checkout;
  const auto now = deps_.clock.Now();
  std::string message = "all " + std::to_string(checkout.seats) + " network seats of " +
                        outcome->pool.product.name + " are in use (" +
                        std::to_string(checkout.in_use) + " of " + std::to_string(checkout.seats) +
                        " held)";
  if (checkout.oldest_expires_at) {
    message += "; the oldest lease expires at " + FormatTime(*checkout.oldest_expires_at) + " (" +
               InHowLong(*checkout.oldest_expires_at, now) + ")";
  }
  core::Error refusal = core::MakeError(ErrorCode::kSeatLimitReached, message);
  AuditRecord denied = record;
  denied.team_id = outcome->pool.team.id;
  denied.account_id = outcome->pool.team.account_id;
  denied.actor_role = ActorRole(caller);
  AuditDenied(deps_, caller, denied, refusal);
  return refusal;
}

Result<core::Lease> LeaseService::Heartbeat(const Caller& caller, const std::string& lease_id) {
  return deps_.db.Transact<core::Lease>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<core::Lease> {
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(core::Lease lease, LeaseOfCaller(tx, deps_, caller, lease_id));
        if (!lease.HeldAt(now)) return core::MakeError(ErrorCode::kConflict, ExpiredMessage(lease));
        SW_ASSIGN_OR_RETURN(core::Subscription sub,
                            deps_.repos.contracts->GetSubscription(tx, lease.subscription_id));
        auto renewed =
            deps_.repos.leases->Heartbeat(tx, lease.id, now + seconds(TtlSeconds(sub)), now);
        if (!renewed.ok() && renewed.error().code == ErrorCode::kConflict) {
          return core::MakeError(ErrorCode::kConflict, ExpiredMessage(lease));
        }
        return renewed;
      });
}

Result<void> LeaseService::Release(const Caller& caller, const std::string& lease_id) {
  AuditRecord record;
  record.action = "lease.release";
  record.actor_role = ActorRole(caller);
  record.target_type = "lease";
  record.target_id = lease_id;
  return RunAudited<void>(deps_, caller, record, [&](store::Tx& tx) -> Result<void> {
    const auto now = deps_.clock.Now();
    SW_ASSIGN_OR_RETURN(core::Lease lease, LeaseOfCaller(tx, deps_, caller, lease_id));
    if (!lease.HeldAt(now)) return core::Ok();
    SW_ASSIGN_OR_RETURN(bool released, deps_.repos.leases->Release(tx, lease.id, now));
    if (!released) return core::Ok();
    SW_ASSIGN_OR_RETURN(core::Device device, deps_.repos.devices->Get(tx, lease.device_id));
    SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, device.team_id));
    AuditRecord done = record;
    done.team_id = team.id;
    done.account_id = team.account_id;
    done.actor_role = ActorRole(caller);
    done.before_json = LeaseJson(lease);
    done.detail = lease.borrowed_until && *lease.borrowed_until > now
                      ? "borrowed seat returned early by " + lease.host
                      : "seat released by " + lease.host;
    return Audit(tx, deps_, caller, done);
  });
}

Result<BorrowedLease> LeaseService::Borrow(const Caller& caller, const std::string& lease_id,
                                           int days_wanted) {
  AuditRecord record;
  record.action = "lease.borrow";
  record.actor_role = ActorRole(caller);
  record.target_type = "lease";
  record.target_id = lease_id;
  TokenClaims claims;
  auto borrowed_lease =
      RunAudited<core::Lease>(deps_, caller, record, [&](store::Tx& tx) -> Result<core::Lease> {
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(core::Lease lease, LeaseOfCaller(tx, deps_, caller, lease_id));
        SW_ASSIGN_OR_RETURN(core::Subscription sub,
                            deps_.repos.contracts->GetSubscription(tx, lease.subscription_id));
        const int max_days = std::max(1, sub.max_borrow_days);
        if (days_wanted < 1 || days_wanted > max_days) {
          core::Error error =
              core::MakeError(ErrorCode::kInvalidArgument, "the borrow request has invalid fields");
          error.fields.push_back(
              {"days", "must be a whole number from 1 to " + std::to_string(max_days)});
          return error;
        }
        if (!lease.HeldAt(now)) return core::MakeError(ErrorCode::kConflict, ExpiredMessage(lease));
        SW_ASSIGN_OR_RETURN(core::Contract contract,
                            deps_.repos.contracts->GetContract(tx, sub.contract_id));
        // A borrow never outlasts the license it comes from.
        core::TimePoint until = now + days(days_wanted);
        until = std::min(until, contract.ends_at);
        if (sub.ends_at) until = std::min(until, *sub.ends_at);
        if (until <= now) {
          return core::MakeError(ErrorCode::kFailedPrecondition,
                                 "contract " + contract.number + " has ended; nothing to borrow");
        }
        auto borrowed = deps_.repos.leases->Borrow(tx, lease.id, until, now);
        if (!borrowed.ok() && borrowed.error().code == ErrorCode::kConflict) {
          return core::MakeError(ErrorCode::kConflict, ExpiredMessage(lease));
        }
        SW_RETURN_IF_ERROR(borrowed);
        SW_ASSIGN_OR_RETURN(core::Device device, deps_.repos.devices->Get(tx, lease.device_id));
        SW_ASSIGN_OR_RETURN(core::Team team, deps_.repos.accounts->GetTeam(tx, device.team_id));
        AuditRecord done = record;
        done.team_id = team.id;
        done.account_id = team.account_id;
        done.actor_role = ActorRole(caller);
        done.before_json = LeaseJson(lease);
        done.after_json = LeaseJson(*borrowed);
        done.detail = "seat borrowed by " + lease.host + " until " + FormatTime(until);
        SW_RETURN_IF_ERROR(Audit(tx, deps_, caller, done));
        SW_ASSIGN_OR_RETURN(core::Product product,
                            deps_.repos.catalog->GetProduct(tx, borrowed->product_id));
        claims.kind = "borrow";
        claims.jti = borrowed->id;
        claims.user = borrowed->user_id;
        claims.product = borrowed->product_id;
        claims.product_code = product.code;
        claims.subscription = borrowed->subscription_id;
        claims.device = device.id;
        claims.fingerprint = device.fingerprint_hash;
        claims.reauth_at = claims.grace_until = until;
        claims.warn_from = std::max(until - kBorrowWarning, borrowed->checked_out_at);
        return borrowed;
      });
  SW_RETURN_IF_ERROR(borrowed_lease);
  BorrowedLease out;
  out.lease = std::move(*borrowed_lease);
  out.warn_from = claims.warn_from;
  SW_ASSIGN_OR_RETURN(out.token, signer_->Sign(claims));
  return out;
}

Result<std::optional<std::string>> LeaseService::SubscriptionInUse(
    store::Tx& tx, const Caller& caller, const core::Device& device,
    const std::vector<core::Subscription>& subs, const std::string& product_id,
    core::TimePoint now) {
  // An activation of the product on this computer (sign-in for this person, or serial).
  SW_ASSIGN_OR_RETURN(auto activations, deps_.repos.activations->ListActiveByDevice(tx, device.id));
  for (const auto& activation : activations) {
    if (activation.product_id != product_id) continue;
    if (activation.user_id && !caller.principal.user_id.empty() &&
        *activation.user_id != caller.principal.user_id) {
      continue;
    }
    return std::optional<std::string>(activation.subscription_id);
  }
  // A floating seat this computer holds, or a seat the person was assigned.
  for (const auto& sub : subs) {
    bool grants = sub.product_id == product_id;
    if (!grants && sub.collection_id) {
      SW_ASSIGN_OR_RETURN(auto ids, deps_.repos.contracts->GrantedProducts(tx, sub.id));
      grants = std::find(ids.begin(), ids.end(), product_id) != ids.end();
    }
    if (!grants) continue;
    if (sub.access == core::Access::kMultiUser) {
      SW_ASSIGN_OR_RETURN(auto held, deps_.repos.leases->ListHeld(tx, sub.id, now));
      for (const auto& lease : held) {
        if (lease.device_id == device.id) return std::optional<std::string>(sub.id);
      }
    } else if (!caller.principal.user_id.empty()) {
      SW_ASSIGN_OR_RETURN(
          auto seat, deps_.repos.assignments->FindActive(tx, sub.id, caller.principal.user_id));
      if (seat) return std::optional<std::string>(sub.id);
    }
  }
  return std::optional<std::string>();
}

Result<std::string> LeaseService::ChargeCredits(store::Tx& tx, const Caller& caller,
                                                const std::vector<core::Subscription>& subs,
                                                const core::UsageEvent& event,
                                                core::TimePoint now) {
  if (caller.principal.user_id.empty()) {
    return std::string(
        "credit events need the signed-in user who holds the service; send them with the "
        "user's access token, not the device credential");
  }
  if (!event.service_id) return std::string("service is required for credit events");
  std::optional<std::string> ended;
  for (const auto& sub : subs) {
    if (sub.service_id != event.service_id) continue;
    if (event.subscription_id && sub.id != *event.subscription_id) continue;
    SW_ASSIGN_OR_RETURN(auto seat,
                        deps_.repos.assignments->FindActive(tx, sub.id, caller.principal.user_id));
    if (!seat) continue;
    SW_ASSIGN_OR_RETURN(core::Contract contract,
                        deps_.repos.contracts->GetContract(tx, sub.contract_id));
    if (!ContractUsable(contract, now)) {
      ended = "contract " + contract.number + " has ended; its Contract Manager can renew it";
      continue;
    }
    auto charged =
        ConsumeCreditsIn(tx, deps_, options_.allow_negative_credits, contract.id,
                         caller.principal.user_id, sub.service_id.value_or(""), event.credits,
                         "usage:" + event.device_id + ":" + event.client_event_id);
    if (charged.ok()) return std::string();
    const ErrorCode code = charged.error().code;
    if (code == ErrorCode::kFailedPrecondition || code == ErrorCode::kConflict ||
        code == ErrorCode::kInvalidArgument) {
      return charged.error().message;
    }
    return charged.error();
  }
  if (ended) return *ended;
  return std::string(
      "you hold no seat of this service in the computer's team; ask your team's admin to "
      "assign one");
}

Result<bool> LeaseService::MeasureSession(store::Tx& tx, core::UsageEvent& stop) {
  // The computer's own clock, which its start and stop share whatever its skew.
  const core::TimePoint stop_client = stop.client_at.value_or(stop.at);
  // A start older than the longest session counted is not looked for: a stop that long after
  // counts as one without a start, and the read never walks the computer's whole history.
  SW_ASSIGN_OR_RETURN(auto start, deps_.repos.usage->FindOpenStart(tx, stop.device_id, stop.user_id,
                                                                   *stop.product_id, stop_client,
                                                                   stop.at - kLongestSession));
  if (start) stop.start_event_id = start->id;
  std::int64_t length = 0;
  if (stop.duration_seconds > 0) {
    length = stop.duration_seconds;  // the client measured it
  } else if (start) {
    const auto start_client = start->client_at.value_or(start->at);
    length = duration_cast<seconds>(stop_client - start_client).count();
  }
  const bool unpaired = !start && stop.duration_seconds == 0;
  stop.started_at = stop.at - seconds(std::max<std::int64_t>(length, 0));
  stop.duration_seconds = 0;
  if (length <= 0) return unpaired;
  // Only the time no other session of the same person and product already counts.
  std::vector<std::pair<core::TimePoint, core::TimePoint>> counted;
  if (stop.user_id) {
    SW_ASSIGN_OR_RETURN(counted,
                        deps_.repos.usage->ListSessions(tx, *stop.user_id, *stop.product_id,
                                                        *stop.started_at, stop.at));
  }
  core::TimePoint cursor = *stop.started_at;
  std::chrono::milliseconds free{0};
  for (const auto& [from, to] : counted) {  // ordered by start
    if (from > cursor) free += std::min(from, stop.at) - cursor;
    cursor = std::max(cursor, to);
    if (cursor >= stop.at) break;
  }
  if (cursor < stop.at) free += stop.at - cursor;
  stop.duration_seconds = duration_cast<seconds>(free).count();
  return unpaired;
}

Result<UsageReceipt> LeaseService::RecordUsage(const Caller& caller, const UsageUpload& upload) {
  if (upload.device_id.empty()) {
    core::Error error = core::MakeError(ErrorCode::kInvalidArgument, "the upload names no device");
    error.fields.push_back({"device_id", "is required"});
    return error;
  }
  if (upload.events.size() > kMaxUsageEvents) {
    core::Error error =
        core::MakeError(ErrorCode::kInvalidArgument,
                        "an upload carries at most " + std::to_string(kMaxUsageEvents) +
                            " events; send the rest " + "in another upload");
    error.fields.push_back({"events", "must hold at most 1000 events"});
    return error;
  }
  return deps_.db.Transact<UsageReceipt>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> Result<UsageReceipt> {
        const auto now = deps_.clock.Now();
        SW_ASSIGN_OR_RETURN(core::Device device,
                            DeviceOfCaller(tx, deps_, caller, upload.device_id));
        SW_ASSIGN_OR_RETURN(auto subs,
                            deps_.repos.contracts->ListTeamSubscriptions(tx, device.team_id));
        std::map<std::string, std::optional<std::string>> products;  // code or id → id
        std::map<std::string, std::optional<std::string>> services;  // code → id
        std::map<std::string, std::optional<std::string>> inferred;  // product → subscription
        UsageReceipt receipt;
        std::vector<core::UsageEvent> events;
        for (std::size_t i = 0; i < upload.events.size(); ++i) {
          const UsageEventInput& in = upload.events[i];
          auto reject = [&](std::string message) {
            receipt.rejected.push_back({static_cast<int>(i), in.id, std::move(message)});
          };
          if (!in.problem.empty()) {
            reject(in.problem);
            continue;
          }
          if (auto problem = TextProblem(in.id, kUsageEventIdMax, true); !problem.empty()) {
            reject("id " + problem);
            continue;
          }
          auto kind = core::ParseEnum<core::UsageKind>(in.kind);
          if (!kind) {
            reject("kind must be start, stop or credit");
            continue;
          }
          if (!in.at) {
            reject("at is required, as an RFC 3339 date-time");
            continue;
          }
          core::UsageEvent event;
          // A computer whose clock is off: the event is placed at the time of receipt (its
          // own time is kept); a session's length still comes from the computer's own clock.
          const bool skewed = *in.at > now + kUsageFutureSkew || *in.at < now - kUsageMaxAge;
          event.client_event_id = in.id;
          event.device_id = device.id;
          if (!caller.principal.user_id.empty()) event.user_id = caller.principal.user_id;
          event.kind = *kind;
          event.at = skewed ? now : *in.at;
          if (skewed) event.client_at = *in.at;
          event.received_at = now;
          if (in.product) {
            auto found = products.find(*in.product);
            if (found == products.end()) {
              SW_ASSIGN_OR_RETURN(auto product, FindProduct(tx, deps_, *in.product));
              found = products
                          .emplace(*in.product,
                                   product ? std::optional<std::string>(product->id) : std::nullopt)
                          .first;
            }
            if (!found->second) {
              reject("product " + *in.product + " does not exist");
              continue;
            }
            event.product_id = found->second;
          }
          if (in.service) {
            auto found = services.find(*in.service);
            if (found == services.end()) {
              SW_ASSIGN_OR_RETURN(auto service,
                                  deps_.repos.catalog->FindServiceByCode(tx, *in.service));
              found = services
                          .emplace(*in.service,
                                   service ? std::optional<std::string>(service->id) : std::nullopt)
                          .first;
            }
            if (!found->second) {
              reject("service " + *in.service + " does not exist");
              continue;
            }
            event.service_id = found->second;
          }
          if (in.subscription_id) {
            const bool ours = std::any_of(subs.begin(), subs.end(), [&](const auto& sub) {
              return sub.id == *in.subscription_id;
            });
            if (!ours) {
              reject("subscription " + *in.subscription_id + " is not one of this team's");
              continue;
            }
            event.subscription_id = in.subscription_id;
          }
          if (*kind == core::UsageKind::kStop) {
            if (in.duration_seconds && *in.duration_seconds < 0) {
              reject("duration_seconds must not be negative");
              continue;
            }
            event.duration_seconds = in.duration_seconds.value_or(0);
          } else if (in.duration_seconds) {
            reject("duration_seconds belongs to stop events only");
            continue;
          }
          if (*kind == core::UsageKind::kCredit) {
            if (!in.credits || *in.credits < 1) {
              reject("credits must be a whole number of at least 1");
              continue;
            }
            event.credits = *in.credits;
            // The credits come off the contract of the service seat the user holds, in this
            // transaction; a replayed event is charged once (the ledger keys it too).
            SW_ASSIGN_OR_RETURN(std::string refusal, ChargeCredits(tx, caller, subs, event, now));
            if (!refusal.empty()) {
              reject(std::move(refusal));
              continue;
            }
          } else if (in.credits) {
            reject("credits belongs to credit events only");
            continue;
          }
          if (!event.subscription_id && event.product_id) {
            // The client named no subscription: the one this computer or person uses the
            // product through, so the reports can count the session.
            auto known = inferred.find(*event.product_id);
            if (known == inferred.end()) {
              SW_ASSIGN_OR_RETURN(
                  auto sub, SubscriptionInUse(tx, caller, device, subs, *event.product_id, now));
              known = inferred.emplace(*event.product_id, std::move(sub)).first;
            }
            event.subscription_id = known->second;
          }
          events.push_back(std::move(event));
        }
        // One at a time, in the order sent, so a stop finds a start sent just before it.
        const int valid = static_cast<int>(events.size());
        for (auto& event : events) {
          bool unpaired = false;
          if (event.kind == core::UsageKind::kStop && event.product_id) {
            SW_ASSIGN_OR_RETURN(unpaired, MeasureSession(tx, event));
          }
          const std::string id = event.client_event_id;
          const bool clamped = event.client_at.has_value();
          SW_ASSIGN_OR_RETURN(int added, deps_.repos.usage->RecordEvents(tx, {std::move(event)}));
          receipt.accepted += added;
          if (added > 0 && unpaired) receipt.stops_without_start.push_back(id);
          if (added > 0 && clamped) receipt.clamped.push_back(id);
        }
        receipt.duplicates = valid - receipt.accepted;
        return receipt;
      });
}

}  // namespace seatwise::service
