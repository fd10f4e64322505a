// The customer-administration subcommands against a running server: an admin invites and
// imports people, lists products, assigns and unassigns seats by product code and e-mail; a
// reseller lists, renews and dry-runs a migration. HOME is a temp dir per test.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "fakes/test_databases.hpp"
#include "support.hpp"

namespace seatwise::itest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AdminCliTest : public DemoServerTest {
 protected:
  CliRun Run(const std::vector<std::string>& args, const std::optional<std::string>& input = {}) {
    return RunSeatwise(args, home_.path(), input);
  }

  void Login(const std::string& who) {
    CliRun login = Run({"login", "--server", server_->base_url()},
                       DemoEmail(who) + "\n" + std::string(kDemoPassword) + "\n");
    ASSERT_EQ(login.code, 0) << login.out << login.err;
  }

  boost::json::value Json(const CliRun& run) {
    boost::system::error_code ec;
    auto json = boost::json::parse(run.out, ec);
    EXPECT_FALSE(ec) << run.out << run.err;
    return json;
  }

  // The DRL subscription row of `products list --json`.
  boost::json::object Drl() {
    CliRun products = Run({"products", "list", "--team", "Contoso Design", "--json"});
    EXPECT_EQ(products.code, 0) << products.err;
    const boost::json::value json = Json(products);
    for (const auto& item : json.at("items").as_array()) {
      if (item.at("item").at("code") == "DRL") return item.as_object();
    }
    ADD_FAILURE() << "no DRL subscription in " << products.out;
    return {};
  }

  TempDir home_;
};

TEST_P(AdminCliTest, AnAdminInvitesImportsAssignsAndUnassigns) {
  ASSERT_NO_FATAL_FAILURE(Login("ann"));
  const std::string suffix(store::BackendName(GetParam()));

  const std::string invited = "cli.one." + suffix + "@contoso.example";
  CliRun invite = Run({"users", "invite", "--team", "Contoso Design", "--email", invited,
                       "--first-name", "Cleo", "--last-name", "Ly"});
  ASSERT_EQ(invite.code, 0) << invite.err;
  EXPECT_THAT(invite.out, HasSubstr("Invited " + invited));

  const std::string csv_path = home_.path() + "/people.csv";
  std::ofstream(csv_path) << "first_name,last_name,email\n"
                          << "Ada,Quist,cli.two." << suffix << "@contoso.example\n"
                          << "Bad,Row,not-an-address\n";
  CliRun import = Run({"users", "import", "--team", "Contoso Design", csv_path});
  ASSERT_EQ(import.code, 0) << import.err;
  EXPECT_THAT(import.out, HasSubstr("invited 1"));
  EXPECT_THAT(import.out, HasSubstr("invalid 1"));
  EXPECT_THAT(import.out, HasSubstr("not-an-address"));

  CliRun list = Run({"users", "list", "--team", "Contoso Design", "--search", "cli."});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(invited));
  EXPECT_THAT(list.out, HasSubstr("invited"));

  const int before = static_cast<int>(Drl().at("assigned").as_int64());
  CliRun assign = Run({"assign", "--team", "Contoso Design", "--product", "DRL", "--user", invited,
                       "--user", "cli.two." + suffix + "@contoso.example"});
  ASSERT_EQ(assign.code, 0) << assign.err;
  EXPECT_THAT(assign.out, HasSubstr("Assigned 2 seats"));
  EXPECT_EQ(Drl().at("assigned").as_int64(), before + 2);

  CliRun unassign =
      Run({"unassign", "--team", "Contoso Design", "--product", "DRL", "--user", invited});
  ASSERT_EQ(unassign.code, 0) << unassign.err;
  EXPECT_EQ(Drl().at("assigned").as_int64(), before + 1);

  // A person who is not in the team is named in the refusal.
  CliRun stranger = Run({"assign", "--team", "Contoso Design", "--product", "DRL", "--user",
                         "nobody@elsewhere.example"});
  EXPECT_NE(stranger.code, 0);
  EXPECT_THAT(stranger.err, HasSubstr("nobody@elsewhere.example is not a member"));
}

TEST_P(AdminCliTest, AUserCannotAssignAndIsToldWhy) {
  ASSERT_NO_FATAL_FAILURE(Login("eve"));
  CliRun assign = Run({"assign", "--team", "Contoso Design", "--product", "sub_does_not_matter",
                       "--user", "usr_x"});
  EXPECT_NE(assign.code, 0);
  EXPECT_THAT(assign.err, HasSubstr("(403)"));
}

TEST_P(AdminCliTest, AResellerListsRenewsAndDryRunsAMigration) {
  ASSERT_NO_FATAL_FAILURE(Login("rafael"));
  CliRun list = Run({"contracts", "list"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("110001234567"));
  EXPECT_THAT(list.out, Not(HasSubstr("110001234571")));  // another reseller's customer

  CliRun dry = Run({"contracts", "migrate", "110001234568", "--dry-run", "--json"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  const auto plan = Json(dry);
  EXPECT_EQ(plan.at("dry_run"), true);
  ASSERT_EQ(plan.at("migrated").as_array().size(), 1U) << dry.out;

  // The dry run changed nothing: a second one plans the same switch.
  CliRun again = Run({"contracts", "migrate", "110001234568", "--dry-run"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("Would switch to sign-in"));
  EXPECT_THAT(again.out, HasSubstr("Formwork 3D"));
  EXPECT_THAT(again.out, HasSubstr("the Primary Admin holds the seat"));

  CliRun network = Run({"contracts", "migrate", "110001234569"});
  EXPECT_NE(network.code, 0);
  EXPECT_THAT(network.err, HasSubstr("(409)"));

  CliRun renew = Run({"contracts", "renew", "110001234570", "--months", "12", "--json"});
  ASSERT_EQ(renew.code, 0) << renew.err;
  EXPECT_EQ(Json(renew).at("status"), "active");
}

INSTANTIATE_TEST_SUITE_P(Backends, AdminCliTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
