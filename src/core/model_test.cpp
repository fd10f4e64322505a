#include "core/model.hpp"

#include <gtest/gtest.h>

namespace seatwise::core {
namespace {

template <typename E>
void ExpectRoundTrip(std::initializer_list<E> values) {
  for (E value : values) {
    auto parsed = ParseEnum<E>(EnumName(value));
    ASSERT_TRUE(parsed.has_value()) << EnumName(value);
    EXPECT_EQ(*parsed, value);
  }
}

TEST(ModelTest, EnumNamesRoundTrip) {
  ExpectRoundTrip({UserStatus::kInvited, UserStatus::kActive, UserStatus::kRemoved});
  ExpectRoundTrip({TeamRole::kPrimaryAdmin, TeamRole::kSecondaryAdmin, TeamRole::kUser});
  ExpectRoundTrip({ContractStatus::kActive, ContractStatus::kExpiring, ContractStatus::kExpired,
                   ContractStatus::kSuspended, ContractStatus::kCancelled,
                   ContractStatus::kRenewed});
  ExpectRoundTrip(
      {LicenseModel::kTerm, LicenseModel::kPerpetualMaintenance, LicenseModel::kPerpetual});
  ExpectRoundTrip({RevocationReason::kSignedInElsewhere, RevocationReason::kAdmin});
}

TEST(ModelTest, StorageNamesMatchTheSchema) {
  EXPECT_EQ(EnumName(Access::kMultiUser), "multi_user");
  EXPECT_EQ(EnumName(ActivationMethod::kSerialNumber), "serial_number");
  EXPECT_EQ(EnumName(TeamRole::kPrimaryAdmin), "primary_admin");
  EXPECT_EQ(EnumName(OutboxStatus::kPending), "pending");
}

TEST(ModelTest, UnknownNameDoesNotParse) {
  EXPECT_FALSE(ParseEnum<UserStatus>("Active").has_value());
  EXPECT_FALSE(ParseEnum<Access>("").has_value());
}

TEST(ModelTest, LeaseIsHeldUntilExpiryOrBorrowEnd) {
  Lease lease;
  lease.expires_at = FromUnixMillis(1000);
  EXPECT_TRUE(lease.HeldAt(FromUnixMillis(999)));
  EXPECT_FALSE(lease.HeldAt(FromUnixMillis(1000)));
  lease.borrowed_until = FromUnixMillis(5000);
  EXPECT_TRUE(lease.HeldAt(FromUnixMillis(4000)));
  lease.released_at = FromUnixMillis(10);
  EXPECT_FALSE(lease.HeldAt(FromUnixMillis(500)));
}

}  // namespace
}  // namespace seatwise::core
