#pragma once
// The publisher's resellers as the operator console manages them: list and look one up,
// create and rename, and add or remove the reseller's staff (users whose reseller_id names
// it, who act as Reseller for its customers).
//
// Who may: operators everything; a reseller's staff may read their own reseller; everyone
// else is refused (audited). A staff member's rights come from their user row, which every
// request reads again, so removing them takes the reseller's customers away at once.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"
#include "store/page.hpp"

namespace seatwise::service {

// The largest page of GET /resellers.
inline constexpr int kMaxResellerPageSize = 200;
// How long the set-password link of a new staff member works.
inline constexpr std::chrono::hours kStaffPasswordLinkLifetime{24 * 7};

// A reseller with how many customers and staff it has.
struct ResellerSummary {
  core::Reseller reseller;
  std::int64_t customers = 0;  // accounts it sells to
  std::int64_t staff = 0;      // staff not removed or erased
};

struct ResellerDetails {
  ResellerSummary summary;
  std::vector<core::User> staff_members;        // by e-mail; no secrets
  std::vector<core::Account> recent_customers;  // up to kRecentCustomers, by name
};
inline constexpr int kRecentCustomers = 20;

struct ResellerQuery {
  std::string search;  // case-insensitive substring of the name or contact e-mail
  std::string after;   // cursor: id of the last reseller seen
  int limit = 50;
};

struct ResellerRequest {
  std::string name;
  std::string contact_email;
};

// The fields a PATCH changes; unset ones stay.
struct ResellerPatch {
  std::optional<std::string> name;
  std::optional<std::string> contact_email;
};

struct StaffRequest {
  std::string email;
  std::string first_name;
  std::string last_name;
};

struct StaffAdded {
  core::User user;  // no secrets
  bool created = false;
};

class ResellerService {
 public:
  // `public_url`: origin of the portal for the links in e-mails; no trailing slash.
  ResellerService(const Deps& deps, std::string public_url)
      : deps_(deps), public_url_(std::move(public_url)) {}

  // Every reseller for operators, by name then id; the caller's own reseller for its staff.
  core::Result<store::Page<ResellerSummary>> ListResellers(const Caller& caller,
                                                           const ResellerQuery& query);

  // kNotFound for an unknown id, and for another reseller when the caller is reseller staff.
  core::Result<ResellerDetails> GetReseller(const Caller& caller, const std::string& reseller_id);

  // Operators only. kInvalidArgument with field errors; kAlreadyExists when another
  // reseller has the name in any letter case.
  core::Result<ResellerSummary> CreateReseller(const Caller& caller,
                                               const ResellerRequest& request);

  // Operators only; the same checks as CreateReseller for the fields given.
  core::Result<ResellerSummary> UpdateReseller(const Caller& caller, const std::string& reseller_id,
                                               const ResellerPatch& patch);

  // Operators only. Makes the person with this e-mail staff of the reseller, creating their
  // user when nobody has the address, and e-mails them: a link to choose a password when
  // they have none, else a link to the reseller portal. kConflict when they are an
  // operator, removed, or already staff of this or another reseller.
  core::Result<StaffAdded> AddStaff(const Caller& caller, const std::string& reseller_id,
                                    const StaffRequest& request);

  // Operators only. The user is no longer staff of the reseller (kNotFound when not).
  core::Result<void> RemoveStaff(const Caller& caller, const std::string& reseller_id,
                                 const std::string& user_id);

 private:
  Deps deps_;
  std::string public_url_;
};

// Field errors for a reseller's name and contact e-mail (trimmed in place); the fields that
// are unset are not checked. Empty when valid.
std::vector<core::FieldError> ValidateReseller(std::optional<std::string>& name,
                                               std::optional<std::string>& contact_email);

}  // namespace seatwise::service
