#pragma once
// Seats held by users. The seat invariant (active assignments <= seats) is enforced here, in
// the database, under the subscription's row lock.

#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"
#include "store/page.hpp"

namespace seatwise::store {

// Seats and holders of one subscription, for the team's product list.
struct SeatCount {
  std::string subscription_id;
  int seats = 0;
  int assigned = 0;
};

class AssignmentRepository {
 public:
  virtual ~AssignmentRepository() = default;

  // Locks the subscription, counts its active assignments and inserts only if one is free.
  // kSeatLimitReached when every seat is held; kAlreadyExists when the user already holds one;
  // kNotFound for an unknown subscription. Must run in a kWrite transaction.
  virtual Result<core::Assignment> AssignSeat(Tx& tx, core::Assignment assignment) = 0;
  // Ends the user's active assignment; kNotFound when there is none.
  virtual Result<core::Assignment> Unassign(Tx& tx, const std::string& subscription_id,
                                            const std::string& user_id,
                                            const std::optional<std::string>& by,
                                            core::TimePoint now) = 0;
  // Ends every active assignment the user holds in the team's contracts (a leaver); returns
  // the subscriptions freed.
  virtual Result<std::vector<std::string>> UnassignAllInTeam(Tx& tx, const std::string& user_id,
                                                             const std::string& team_id,
                                                             const std::optional<std::string>& by,
                                                             core::TimePoint now) = 0;

  virtual Result<std::optional<core::Assignment>> FindActive(Tx& tx,
                                                             const std::string& subscription_id,
                                                             const std::string& user_id) = 0;
  // Active assignments of a subscription ordered by user id; the cursor is the user id.
  virtual Result<Page<core::Assignment>> ListActiveBySubscription(
      Tx& tx, const std::string& subscription_id, const PageRequest& page) = 0;
  virtual Result<std::vector<core::Assignment>> ListActiveByUser(Tx& tx,
                                                                 const std::string& user_id) = 0;
  virtual Result<int> CountActive(Tx& tx, const std::string& subscription_id) = 0;
  // Seats and active assignments of every subscription of the team.
  virtual Result<std::vector<SeatCount>> CountSeatsInTeam(Tx& tx, const std::string& team_id) = 0;
  // The user's active assignments whose subscription grants `product_id` (directly or through
  // a collection): what sign-in activation looks for.
  virtual Result<std::vector<core::Assignment>> FindActiveGrantingProduct(
      Tx& tx, const std::string& user_id, const std::string& product_id) = 0;
};

}  // namespace seatwise::store
