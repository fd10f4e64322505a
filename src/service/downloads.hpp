#pragma once
// Downloads and updates: the installers of each product's releases ("2027") and updates
// ("2027.1"), and which of them a person may download in a team.
//
// Who may: anyone signed in reads a product's releases (the catalog is public to them); only
// operators add or delete them (Capability::kManageCatalog), audited as release.created and
// release.deleted. In a team, a person may download the products of every seat they hold
// (sign-in seats, classic access to serial-number subscriptions, collections expanded to
// their products; services have nothing to download); the Primary and Secondary Admins (and
// operators) every product of every subscription of the team, since they install for
// others; a Software Coordinator every product of their contracts. Only contracts still in
// force count: not expired, suspended or cancelled, and not past their (or the
// subscription's own) end.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

inline constexpr std::size_t kReleaseVersionMax = 40;
inline constexpr std::size_t kReleaseTitleMax = 200;
inline constexpr std::size_t kReleaseUrlMax = 2000;
inline constexpr std::size_t kReleaseNotesMax = 10000;

// A release as the API shows it: with the code of its product.
struct Release {
  core::ProductRelease release;
  std::string product_code;
};

// A release to add. The transport parses released_at and size_bytes and reports what it
// could not read in `errors`; the service adds its own field errors and answers with all.
struct ReleaseRequest {
  std::string version;  // 1-40 of letters, digits, '.', '-', '_'
  std::string kind;     // release | update
  std::string title;    // 1-200 characters
  std::optional<core::TimePoint> released_at;
  std::string download_url;  // https://, or http:// to localhost or 127.0.0.1
  std::string sha256;        // 64 hex digits, stored lowercase
  std::optional<std::int64_t> size_bytes;
  std::string notes;
  std::vector<core::FieldError> errors;
};

// A subscription through which a product may be downloaded.
struct DownloadVia {
  core::Subscription subscription;
  core::Contract contract;
};

// One product the caller may download in a team, with every release of it, newest first.
struct Download {
  core::Product product;
  std::vector<DownloadVia> via;
  std::vector<core::ProductRelease> releases;
};

// What a person may use from one contract they hold something on: a product (a collection's
// products listed one by one) or a cloud service, and how they hold it.
struct PersonalUse {
  std::string kind;  // "product" or "service"
  std::string code;
  std::string name;
  // "seat" (a sign-in seat assigned to them), "classic" (access to a serial-number
  // subscription) or "network" (a multi-user pool every member of the team may use).
  std::string via;
  core::TimePoint expires_at{};  // the subscription's own end, else the contract's
};

// A contract as the person holding something on it sees it: no billing, company, seat
// counts or orders.
struct PersonalContract {
  core::Contract contract;
  core::Team team;
  std::vector<PersonalUse> uses;  // by name, then code
};

class DownloadService {
 public:
  explicit DownloadService(const Deps& deps) : deps_(deps) {}

  // Newest released_at first, then version descending. kNotFound for an unknown code.
  core::Result<std::vector<Release>> ListReleases(const Caller& caller,
                                                  const std::string& product_code);

  // kInvalidArgument with field errors; kNotFound for an unknown product; kConflict when
  // the product already has the version.
  core::Result<Release> AddRelease(const Caller& caller, const std::string& product_code,
                                   ReleaseRequest request);

  // kNotFound unless the release exists and belongs to the product.
  core::Result<void> DeleteRelease(const Caller& caller, const std::string& product_code,
                                   const std::string& release_id);

  // What the caller may download in the team, ordered by product name. kNotFound for a
  // team the caller is not an active member of and has no admin or coordinator role in.
  core::Result<std::vector<Download>> ListTeamDownloads(const Caller& caller,
                                                        const std::string& team_id);

  // "All users will be able to see … any contracts that they were granted use of": every
  // current contract (not expired or cancelled) on which the caller holds something in a
  // team they are an active member of — the same personal seats that decide their
  // downloads, with services too — ordered by contract number. Only the caller's own.
  core::Result<std::vector<PersonalContract>> ListMyContracts(const Caller& caller);

 private:
  Deps deps_;
};

// Field errors of a release to add (sha256 lowercased in place). Empty when valid.
std::vector<core::FieldError> ValidateRelease(ReleaseRequest& request);

}  // namespace seatwise::service
