#pragma once
// The computers of a team as its admins see them: list with filters and sorting, details
// with what runs there, rename, describe, default access, CSV export.
//
// Who may: the team's Primary and Secondary Admins and operators see every device of the
// team. A Software Coordinator sees the devices that used a subscription of their contracts
// (an activation, active or revoked, or a floating-seat lease, held or released, on one of
// them), and of those devices only the products, activations and leases of their
// contracts; they may edit those devices too. Users are refused.
//
// Status, computed at the time of the request from `last check-in`, the later of the
// device's recorded check-in (registration, activation, refresh) and the last heartbeat of a
// floating seat it holds now:
//   online       a check-in within the last kOnlineWindow (15 minutes);
//   out_of_date  no check-in for more than kOutOfDateAfter (30 days), or never;
//   offline      otherwise.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/result.hpp"
#include "service/context.hpp"

namespace seatwise::service {

inline constexpr std::chrono::minutes kOnlineWindow{15};
inline constexpr std::chrono::days kOutOfDateAfter{30};

enum class DeviceStatus { kOnline, kOffline, kOutOfDate };
std::string_view DeviceStatusName(DeviceStatus status);
std::optional<DeviceStatus> ParseDeviceStatus(std::string_view name);

// kOnline, kOffline or kOutOfDate for a device last seen at `last_check_in` (see above).
DeviceStatus DeviceStatusAt(const std::optional<core::TimePoint>& last_check_in,
                            core::TimePoint now);

struct DeviceProduct {
  std::string id;
  std::string code;
  std::string name;
};

struct DeviceUser {
  std::string id;
  std::string name;  // "First Last"
  std::string email;
};

// One row of the devices list.
struct DeviceView {
  core::Device device;
  DeviceStatus status = DeviceStatus::kOutOfDate;
  std::optional<core::TimePoint> last_check_in_at;  // see the status above
  std::optional<DeviceUser> last_user;
  std::vector<DeviceProduct> products;  // of active activations and held leases, by name
};

struct DeviceActivationView {
  core::Activation activation;
  DeviceProduct product;
  std::optional<DeviceUser> user;  // sign-in activations
};

struct DeviceLeaseView {
  core::Lease lease;
  DeviceProduct product;
};

struct DeviceDetails {
  DeviceView view;
  std::vector<DeviceActivationView> activations;  // active ones
  std::vector<DeviceLeaseView> leases;            // held now
};

// The list's filters, order and page. Text filters are case-insensitive.
struct DeviceQuery {
  std::optional<DeviceStatus> status;
  std::string os;       // part of the OS
  std::string product;  // a product id or code in use on the device
  std::string search;   // part of the asset name or the last user's name or e-mail
  // A column, "-" first for descending: asset_name, os, app_version, products,
  // last_check_in_at, last_user, status, description, registered_at. Ties go by id.
  std::string sort = "asset_name";
  std::string after;  // the id of the last device of the previous page
  int limit = 50;
};

struct DevicePage {
  std::vector<DeviceView> items;
  std::string next_after;  // empty on the last page
};

// What an admin may change; absent fields stay as they are.
struct DeviceChange {
  std::optional<std::string> asset_name;   // 1 to 200 characters, no control characters
  std::optional<std::string> description;  // up to 2,000 characters; line breaks allowed
  std::optional<bool> default_product_access;
  std::optional<bool> default_update_access;
};

// Every device of a listing as a CSV document (header row, UTF-8, CRLF).
struct DeviceExport {
  std::string filename;  // devices-<team>-<YYYY-MM-DD>.csv
  std::string csv;
};

class DeviceService {
 public:
  explicit DeviceService(const Deps& deps) : deps_(deps) {}

  // kInvalidArgument (field errors) for an unknown sort column or cursor.
  core::Result<DevicePage> ListDevices(const Caller& caller, const std::string& team_id,
                                       const DeviceQuery& query);
  // Every device matching the query's filters, in its order (cursor and limit ignored).
  core::Result<DeviceExport> ExportDevices(const Caller& caller, const std::string& team_id,
                                           const DeviceQuery& query);
  // kNotFound for a device of another team or out of a Software Coordinator's reach.
  core::Result<DeviceDetails> GetDevice(const Caller& caller, const std::string& team_id,
                                        const std::string& device_id);
  // Writes the change, audited with the fields before and after. kInvalidArgument (field
  // errors) for invalid values or an empty change.
  core::Result<DeviceView> UpdateDevice(const Caller& caller, const std::string& team_id,
                                        const std::string& device_id, const DeviceChange& change);

 private:
  Deps deps_;
};

// The CSV document of `devices`, one row each.
std::string DevicesCsv(const std::vector<DeviceView>& devices);

}  // namespace seatwise::service
