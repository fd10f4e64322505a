// The admin CLI against a running server: `seatwise login` with the e-mail and password on
// stdin, then whoami, token list --json and token revoke, with HOME in a temp dir.

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

using ::testing::HasSubstr;

class CliTest : public DemoServerTest {
 protected:
  CliRun Run(const std::vector<std::string>& args, const std::optional<std::string>& input = {}) {
    return RunSeatwise(args, home_.path(), input);
  }

  TempDir home_;
};

TEST_P(CliTest, LoginWhoamiListAndRevokeTheStoredToken) {
  CliRun login = Run({"login", "--server", server_->base_url()},
                     DemoEmail("dev") + "\n" + std::string(kDemoPassword) + "\n");
  ASSERT_EQ(login.code, 0) << login.out << login.err;
  EXPECT_THAT(login.out, HasSubstr("Logged in to " + server_->base_url()));

  const std::string credentials = home_.path() + "/.config/seatwise/credentials";
  struct stat info {};
  ASSERT_EQ(stat(credentials.c_str(), &info), 0) << credentials;
  EXPECT_EQ(info.st_mode & 0777, 0600U);

  CliRun whoami = Run({"whoami"});
  ASSERT_EQ(whoami.code, 0) << whoami.err;
  EXPECT_THAT(whoami.out, HasSubstr("<" + DemoEmail("dev") + ">"));
  EXPECT_THAT(whoami.out, HasSubstr("Contoso Design"));
  EXPECT_THAT(whoami.out, HasSubstr("contract 110001234568: software_coordinator"));

  CliRun list = Run({"token", "list", "--json"});
  ASSERT_EQ(list.code, 0) << list.err;
  boost::system::error_code ec;
  auto json = boost::json::parse(list.out, ec);
  ASSERT_FALSE(ec) << list.out;
  const auto& items = json.at("items").as_array();
  ASSERT_EQ(items.size(), 1U) << list.out;
  const std::string id(items[0].at("id").as_string());
  EXPECT_THAT(std::string(items[0].at("name").as_string()), ::testing::StartsWith("cli@"));
  EXPECT_FALSE(items[0].as_object().contains("token")) << "a listed token shows its secret";

  CliRun revoke = Run({"token", "revoke", id});
  ASSERT_EQ(revoke.code, 0) << revoke.err;
  EXPECT_THAT(revoke.out, HasSubstr("Revoked " + id));

  // The stored token was the one revoked: the CLI is logged out in effect.
  CliRun after = Run({"whoami"});
  EXPECT_NE(after.code, 0) << after.out;
  EXPECT_THAT(after.err, HasSubstr("(401)"));
}

TEST_P(CliTest, LoginWithAWrongPasswordStoresNothing) {
  CliRun login =
      Run({"login", "--server", server_->base_url()}, DemoEmail("eve") + "\nwrong-password\n");
  EXPECT_NE(login.code, 0);
  EXPECT_THAT(login.err, HasSubstr("sign-in failed"));
  struct stat info {};
  EXPECT_NE(stat((home_.path() + "/.config/seatwise/credentials").c_str(), &info), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, CliTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
