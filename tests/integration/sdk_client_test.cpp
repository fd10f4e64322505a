// The client SDK end to end: `seatwise-client`, a stand-in for a desktop product, against
// the real `seatwise serve --demo` on both backends. Eve signs in with the device grant and
// activates Draftline; a second computer stops the first; a tampered cached token checks
// invalid; a Structa network seat is checked out, released and borrowed; usage queued offline is
// uploaded once. Then the seed stories through the same binary: a seat still held by the
// Primary Admin, a leaver's refresh, offline grace under a moved clock, serial activation up to
// the seats, and an enrolled computer checking out network seats without a sign-in.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/test_databases.hpp"
#include "service/json_writer.hpp"
#include "support.hpp"

extern char** environ;

namespace seatwise::itest {
namespace {

struct ClientRun {
  int code = -2;
  std::string out;
  std::string err;
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// The value after "prefix " on the first line of `text` that starts with it; "" if none.
std::string LineValue(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix + " ", 0) == 0) return line.substr(prefix.size() + 1);
  }
  return "";
}

class SdkClientTest : public DemoServerTest {
 protected:
  // One computer running the product: its own cache directory and machine id.
  struct Computer {
    std::string cache;
    std::string machine_id_file;
  };

  Computer NewComputer(const std::string& name) {
    Computer computer{dir_.path() + "/" + name + "-cache",
                      dir_.path() + "/" + name + "-machine-id"};
    WriteText(computer.machine_id_file, name + "-" + dir_.path() + "\n");
    return computer;
  }

  // The server's public keys, fetched once by the test as a publisher does when it builds its
  // product, and pinned in every run of seatwise-client.
  const std::string& PinnedKeysFile() {
    if (pinned_keys_file_.empty()) {
      const HttpReply keys = Send(server_->port(), "GET", "/.well-known/jwks.json");
      EXPECT_EQ(keys.status, 200) << keys.Describe();
      pinned_keys_file_ = dir_.path() + "/pinned-jwks.json";
      WriteText(pinned_keys_file_, keys.body);
    }
    return pinned_keys_file_;
  }

  // Runs seatwise-client for `product` on `computer`; every wait is bounded.
  ClientRun Client(const Computer& computer, const std::string& product,
                   const std::vector<std::string>& command) {
    std::vector<std::string> args = {SEATWISE_CLIENT_BINARY,
                                     "--server",
                                     server_->base_url(),
                                     "--product",
                                     product,
                                     "--cache",
                                     computer.cache,
                                     "--app-version",
                                     "2026.1",
                                     "--machine-id-file",
                                     computer.machine_id_file,
                                     "--jwks",
                                     PinnedKeysFile()};
    args.insert(args.end(), command.begin(), command.end());
    const std::string out_path = dir_.path() + "/client.out";
    const std::string err_path = dir_.path() + "/client.err";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ClientRun run;
    if (spawned != 0) {
      ADD_FAILURE() << "cannot start " << argv[0];
      return run;
    }
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    pollfd waiting{pidfd, POLLIN, 0};
    if (pidfd < 0 || ::poll(&waiting, 1, static_cast<int>(kExitBound.count())) != 1) {
      ADD_FAILURE() << "seatwise-client did not finish in time";
      ::kill(pid, SIGKILL);
    }
    if (pidfd >= 0) ::close(pidfd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ReadText(out_path);
    run.err = ReadText(err_path);
    return run;
  }

  // Starts a sign-in without waiting; the user code it shows ("" on failure).
  std::string StartSignIn(const Computer& computer, const std::string& product) {
    ClientRun started = Client(computer, product, {"signin", "--no-wait"});
    EXPECT_EQ(started.code, 0) << started.out << started.err;
    EXPECT_NE(started.out.find("/device"), std::string::npos) << started.out;
    return LineValue(started.out, "code");
  }

  HttpReply Decide(const std::string& decision, const std::string& user_code,
                   const std::string& who = "eve") {
    return server_->Call("POST", "/api/v1/oauth/device/" + decision,
                         server_->Person(DemoEmail(who)),
                         boost::json::serialize(boost::json::object{{"user_code", user_code}}));
  }

  // Eve signs `computer` in: the code is shown, Eve approves it in her browser session,
  // and the client's poll finishes the sign-in.
  void SignInAsEve(const Computer& computer, const std::string& product) {
    SignInAs(computer, product, "eve");
  }

  // `who` signs `computer` in, approving the code in their browser session.
  void SignInAs(const Computer& computer, const std::string& product, const std::string& who) {
    const std::string code = StartSignIn(computer, product);
    ASSERT_FALSE(code.empty());
    HttpReply approved = Decide("approve", code, who);
    ASSERT_EQ(approved.status, 204) << approved.Describe();
    ClientRun finished = Client(computer, product, {"signin", "--poll"});
    ASSERT_EQ(finished.code, 0) << finished.out << finished.err;
    EXPECT_NE(finished.out.find("signed in"), std::string::npos) << finished.out;
  }

  // The serial number and product key of Contoso Design's Formwork 3D serial contract
  // (110001234568, 4 seats), as its Contract Manager ann sees them.
  struct SerialLicense {
    std::string contract_id;
    std::string serial_number;
    std::string product_key;
    std::int64_t seats = 0;
  };
  SerialLicense FindFormwork() {
    const Credential& ann = server_->Person(DemoEmail("ann"));
    HttpReply list = server_->Call("GET", "/api/v1/contracts", ann);
    EXPECT_EQ(list.status, 200) << list.Describe();
    if (list.status != 200) return {};
    const boost::json::value contracts = list.Json();
    for (const auto& item : contracts.at("items").as_array()) {
      if (item.at("number") != "110001234568") continue;
      HttpReply contract =
          server_->Call("GET", "/api/v1/contracts/" + std::string(item.at("id").as_string()), ann);
      EXPECT_EQ(contract.status, 200) << contract.Describe();
      if (contract.status != 200) return {};
      const boost::json::value detail = contract.Json();
      for (const auto& sub : detail.at("products").as_array()) {
        if (sub.at("code") != "FRM") continue;
        return {std::string(item.at("id").as_string()),
                std::string(sub.at("serial_number").as_string()),
                std::string(sub.at("product_key").as_string()), sub.at("seats").as_int64()};
      }
    }
    ADD_FAILURE() << "no FRM serial subscription on contract 110001234568";
    return {};
  }

  // The number after "key: " in a check's output; -1 when absent.
  static std::int64_t Claim(const ClientRun& run, const std::string& key) {
    const std::string value = LineValue(run.out, key + ":");
    return value.empty() ? -1 : std::stoll(value);
  }

  TempDir dir_;
  std::string pinned_keys_file_;
};

TEST_P(SdkClientTest, EveSignsInWithTheDeviceGrantActivatesAndHerLicenceChecksValid) {
  const Computer laptop = NewComputer("laptop");
  ClientRun before = Client(laptop, "DRL", {"check"});
  EXPECT_EQ(before.code, 1) << before.out << before.err;
  EXPECT_NE(before.out.find("state missing"), std::string::npos) << before.out;

  ASSERT_NO_FATAL_FAILURE(SignInAsEve(laptop, "DRL"));
  ClientRun activated = Client(laptop, "DRL", {"activate"});
  ASSERT_EQ(activated.code, 0) << activated.out << activated.err;
  EXPECT_NE(activated.out.find("activated"), std::string::npos) << activated.out;

  ClientRun check = Client(laptop, "DRL", {"check"});
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("state valid"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("for DRL"), std::string::npos) << check.out;

  ClientRun refreshed = Client(laptop, "DRL", {"refresh"});
  EXPECT_EQ(refreshed.code, 0) << refreshed.out << refreshed.err;
  EXPECT_NE(refreshed.out.find("state valid"), std::string::npos) << refreshed.out;
}

TEST_P(SdkClientTest, ADeniedSignInEndsWithoutTokens) {
  const Computer laptop = NewComputer("denied");
  const std::string code = StartSignIn(laptop, "DRL");
  ASSERT_FALSE(code.empty());
  HttpReply denied = Decide("deny", code);
  ASSERT_EQ(denied.status, 204) << denied.Describe();
  ClientRun poll = Client(laptop, "DRL", {"signin", "--poll"});
  EXPECT_EQ(poll.code, 4) << poll.out << poll.err;
  EXPECT_NE(poll.err.find("denied"), std::string::npos) << poll.err;
  ClientRun activate = Client(laptop, "DRL", {"activate"});
  EXPECT_EQ(activate.code, 4) << activate.out << activate.err;
  EXPECT_NE(activate.err.find("sign in"), std::string::npos) << activate.err;
}

TEST_P(SdkClientTest, ActivatingOnASecondComputerStopsTheFirstAtItsNextRefresh) {
  const Computer first = NewComputer("first");
  const Computer second = NewComputer("second");
  ASSERT_NO_FATAL_FAILURE(SignInAsEve(first, "DRL"));
  ClientRun activated = Client(first, "DRL", {"activate"});
  ASSERT_EQ(activated.code, 0) << activated.out << activated.err;

  ASSERT_NO_FATAL_FAILURE(SignInAsEve(second, "DRL"));
  ClientRun moved = Client(second, "DRL", {"activate"});
  ASSERT_EQ(moved.code, 0) << moved.out << moved.err;

  ClientRun refused = Client(first, "DRL", {"refresh"});
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("signed in on another computer — sign in again to use it here"),
            std::string::npos)
      << refused.err;
  ClientRun check = Client(first, "DRL", {"check"});
  EXPECT_EQ(check.code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find("state revoked"), std::string::npos) << check.out;

  ClientRun still = Client(second, "DRL", {"check"});
  EXPECT_EQ(still.code, 0) << still.out << still.err;
}

TEST_P(SdkClientTest, ATamperedCachedTokenChecksInvalid) {
  const Computer laptop = NewComputer("tampered");
  ASSERT_NO_FATAL_FAILURE(SignInAsEve(laptop, "DRL"));
  ClientRun activated = Client(laptop, "DRL", {"activate"});
  ASSERT_EQ(activated.code, 0) << activated.out << activated.err;

  const std::string cache_file = laptop.cache + "/entitlement-DRL.json";
  boost::json::value cached = boost::json::parse(ReadText(cache_file));
  std::string token(cached.at("token").as_string());
  // Change one character of the payload: the signature no longer matches.
  const std::size_t dot = token.find('.');
  ASSERT_NE(dot, std::string::npos);
  token[dot + 5] = token[dot + 5] == 'A' ? 'B' : 'A';
  cached.as_object()["token"] = token;
  WriteText(cache_file, boost::json::serialize(cached));

  ClientRun check = Client(laptop, "DRL", {"check"});
  EXPECT_EQ(check.code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find("state invalid"), std::string::npos) << check.out;
}

TEST_P(SdkClientTest, ANetworkSeatOfStructaIsCheckedOutReleasedAndBorrowed) {
  const Computer workstation = NewComputer("structa");
  ASSERT_NO_FATAL_FAILURE(SignInAsEve(workstation, "STR"));
  ClientRun checkout = Client(workstation, "STR", {"lease", "checkout"});
  ASSERT_EQ(checkout.code, 0) << checkout.out << checkout.err;
  const std::string lease = LineValue(checkout.out, "lease");
  ASSERT_FALSE(lease.empty()) << checkout.out;
  EXPECT_NE(checkout.out.find("heartbeat every"), std::string::npos) << checkout.out;

  ClientRun released = Client(workstation, "STR", {"lease", "release", lease});
  EXPECT_EQ(released.code, 0) << released.out << released.err;
  EXPECT_NE(released.out.find("released " + lease), std::string::npos) << released.out;

  ClientRun borrowed = Client(workstation, "STR", {"borrow", "3"});
  ASSERT_EQ(borrowed.code, 0) << borrowed.out << borrowed.err;
  const std::string borrowed_lease = LineValue(borrowed.out, "lease");
  EXPECT_FALSE(LineValue(borrowed.out, "borrowed until").empty()) << borrowed.out;
  ClientRun returned = Client(workstation, "STR", {"lease", "release", borrowed_lease});
  EXPECT_EQ(returned.code, 0) << returned.out << returned.err;
}

TEST_P(SdkClientTest, UsageQueuedOfflineIsUploadedOnceAndThenNothingIsLeft) {
  const Computer workstation = NewComputer("usage");
  ClientRun queued = Client(workstation, "STR", {"usage", "start"});
  ASSERT_EQ(queued.code, 0) << queued.out << queued.err;
  const std::string queue = ReadText(workstation.cache + "/usage-queue.jsonl");
  EXPECT_NE(queue.find("\"kind\":\"start\""), std::string::npos) << queue;

  ASSERT_NO_FATAL_FAILURE(SignInAsEve(workstation, "STR"));
  ClientRun flushed = Client(workstation, "STR", {"usage", "flush"});
  EXPECT_EQ(flushed.code, 0) << flushed.out << flushed.err;
  EXPECT_NE(flushed.out.find("sent 1: accepted 1, duplicates 0, rejected 0"), std::string::npos)
      << flushed.out;

  ClientRun again = Client(workstation, "STR", {"usage", "flush"});
  EXPECT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_NE(again.out.find("nothing to send"), std::string::npos) << again.out;
}

// Issue 15, point 10: "A session recorded with `seatwise-client usage start` / `usage stop`
// shows its real length in the seat-usage report (today 0.00 h)" -- through the real
// client, queued offline and uploaded together, then rolled up by `seatwise jobs run-once`.
TEST_P(SdkClientTest, AUsageStartAndStopShowTheSessionsLengthInTheSeatUsageReport) {
  const Credential& eve = server_->Person(DemoEmail("eve"));
  const std::string team = TeamId(eve);
  ASSERT_FALSE(team.empty());
  auto roll_up = [&] {
    // At the present instant but outside the schedule, so the second run rolls up again
    // although a minute has not passed.
    CliRun run =
        RunSeatwise({"jobs", "run-once", "--at", service::FormatTime(core::SystemClock().Now()),
                     "--database", server_->database_url(), "--set",
                     "auth.secret_key_file=" + server_->temp_path() + "/secret.key"},
                    server_->temp_path());
    EXPECT_EQ(run.code, 0) << run.out << run.err;
  };
  auto eve_seconds = [&]() -> std::int64_t {
    HttpReply own =
        server_->Call("GET", "/api/v1/teams/" + team + "/reports/seat-usage?range=3m&by=user", eve);
    EXPECT_EQ(own.status, 200) << own.Describe();
    if (own.status != 200) return -1;
    const boost::json::value json = own.Json();
    const auto& items = json.at("items").as_array();
    return items.empty() ? 0 : items[0].at("seconds").as_int64();
  };
  roll_up();
  const std::int64_t before = eve_seconds();

  const Computer workstation = NewComputer("session");
  ASSERT_NO_FATAL_FAILURE(SignInAsEve(workstation, "STR"));
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  ClientRun started =
      Client(workstation, "STR", {"usage", "start", "--now", std::to_string(now - 3600)});
  ASSERT_EQ(started.code, 0) << started.out << started.err;
  ClientRun stopped =
      Client(workstation, "STR", {"usage", "stop", "--now", std::to_string(now - 1800)});
  ASSERT_EQ(stopped.code, 0) << stopped.out << stopped.err;
  // Uploaded while the computer holds a Structa network seat: the session counts against it.
  ClientRun checkout = Client(workstation, "STR", {"lease", "checkout"});
  ASSERT_EQ(checkout.code, 0) << checkout.out << checkout.err;
  ClientRun flushed = Client(workstation, "STR", {"usage", "flush"});
  ASSERT_EQ(flushed.code, 0) << flushed.out << flushed.err;
  EXPECT_NE(flushed.out.find("sent 2: accepted 2, duplicates 0, rejected 0"), std::string::npos)
      << flushed.out;
  Client(workstation, "STR", {"lease", "release", LineValue(checkout.out, "lease")});

  roll_up();
  EXPECT_EQ(eve_seconds() - before, 1800);
}

TEST_P(SdkClientTest, ASeatStillHeldByThePrimaryAdminIsNamedWhenActivationIsRefused) {
  // Draftline Architecture comes only with the AEC collection (3 seats: ann and ivy). Bob
  // takes the third, so the one left to free is the Primary Admin's own.
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string team = TeamId(ann);
  ASSERT_FALSE(team.empty());
  HttpReply products = server_->Call("GET", "/api/v1/teams/" + team + "/products", ann);
  ASSERT_EQ(products.status, 200) << products.Describe();
  std::string aec;
  const boost::json::value listed = products.Json();
  for (const auto& item : listed.at("items").as_array()) {
    if (item.at("item").at("code") == "AEC") {
      aec = std::string(item.at("subscription_id").as_string());
    }
  }
  ASSERT_FALSE(aec.empty()) << products.body;
  HttpReply assigned = server_->Call(
      "POST", "/api/v1/teams/" + team + "/subscriptions/" + aec + "/assignments", ann,
      boost::json::serialize(
          boost::json::object{{"user_id", UserId(server_->Person(DemoEmail("bob")))}}));
  ASSERT_TRUE(assigned.status == 200 || assigned.status == 201) << assigned.Describe();

  const Computer desk = NewComputer("dev-desk");
  ASSERT_NO_FATAL_FAILURE(SignInAs(desk, "DRA", "dev"));
  ClientRun refused = Client(desk, "DRA", {"activate"});
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("activation refused: "), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("held by the Primary Admin " + DemoEmail("ann")), std::string::npos)
      << refused.err;
  ClientRun check = Client(desk, "DRA", {"check"});
  EXPECT_EQ(check.code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find("state missing"), std::string::npos) << check.out;
}

TEST_P(SdkClientTest, ALeaverRemovedFromTheTeamIsRefusedAtTheNextRefreshAndChecksRevoked) {
  // Hal belongs to Contoso Design and Contoso Plant, so removing him from Design leaves his
  // sign-in working and the refresh itself answers why.
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string design = TeamId(ann);
  const std::string hal = UserId(server_->Person(DemoEmail("hal")));
  ASSERT_FALSE(design.empty());
  ASSERT_FALSE(hal.empty());
  const Computer laptop = NewComputer("leaver");
  ASSERT_NO_FATAL_FAILURE(SignInAs(laptop, "DRL", "hal"));
  ClientRun ambiguous = Client(laptop, "DRL", {"activate"});
  EXPECT_EQ(ambiguous.code, 1) << ambiguous.out << ambiguous.err;
  EXPECT_NE(ambiguous.err.find("name the team"), std::string::npos) << ambiguous.err;
  ClientRun activated = Client(laptop, "DRL", {"activate", "--team", design});
  ASSERT_EQ(activated.code, 0) << activated.out << activated.err;
  EXPECT_EQ(LineValue(activated.out, "state:"), "valid") << activated.out;

  HttpReply removed = server_->Call("DELETE", "/api/v1/teams/" + design + "/users/" + hal, ann);
  ASSERT_TRUE(removed.status == 200 || removed.status == 204) << removed.Describe();

  ClientRun refused = Client(laptop, "DRL", {"refresh", "--team", design});
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("refresh refused: you were removed from"), std::string::npos)
      << refused.err;
  ClientRun check = Client(laptop, "DRL", {"check"});
  EXPECT_EQ(check.code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find("state revoked"), std::string::npos) << check.out;
  EXPECT_EQ(LineValue(check.out, "state:"), "revoked") << check.out;
}

// "Remember to unassign the software and remove users … should the named user leave": Gia
// belongs to Contoso Design alone, so removing her ends her sign-in everywhere. Her computer's
// next online check still learns that the licence is revoked, and why, from its signed token
// alone, and the product stops at once instead of running out its 30-day offline grace.
TEST_P(SdkClientTest, ALeaverWhoseSignInEndedIsToldAtTheNextCheckThatTheLicenceIsRevoked) {
  const Credential& ann = server_->Person(DemoEmail("ann"));
  const std::string design = TeamId(ann);
  const std::string gia = UserId(server_->Person(DemoEmail("gia")));
  ASSERT_FALSE(design.empty());
  ASSERT_FALSE(gia.empty());
  const Computer desk = NewComputer("gias-desk");
  ASSERT_NO_FATAL_FAILURE(SignInAs(desk, "DRL", "gia"));
  ClientRun activated = Client(desk, "DRL", {"activate"});
  ASSERT_EQ(activated.code, 0) << activated.out << activated.err;

  HttpReply removed = server_->Call("DELETE", "/api/v1/teams/" + design + "/users/" + gia, ann);
  ASSERT_TRUE(removed.status == 200 || removed.status == 204) << removed.Describe();
  // Her sign-in has ended: nothing she holds answers any more.
  EXPECT_EQ(server_->Call("GET", "/api/v1/me", server_->Person(DemoEmail("gia"))).status, 401);

  // Two hours on, the client knows its access token has expired and cannot renew it: the
  // signed token still learns why the licence ended.
  const std::string later = std::to_string(std::time(nullptr) + 2 * 3600);
  ClientRun refused = Client(desk, "DRL", {"--now", later, "refresh"});
  EXPECT_EQ(refused.code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("refresh refused: you were removed from"), std::string::npos)
      << refused.err;
  ClientRun check = Client(desk, "DRL", {"check"});
  EXPECT_EQ(check.code, 1) << check.out << check.err;
  EXPECT_EQ(LineValue(check.out, "state:"), "revoked") << check.out;

  // The signed token proves only its own licence: without one, nothing is revealed.
  HttpReply bare = Send(server_->port(), "POST", "/api/v1/client/activations/refresh",
                        {{"Content-Type", "application/json"}}, R"({"activation_id":"anything"})");
  EXPECT_EQ(bare.status, 401) << bare.Describe();
}

TEST_P(SdkClientTest, OfflineTheLicenceAsksToReauthorizeThenWarnsThenExpiresAsTheClockMoves) {
  const Computer laptop = NewComputer("offline");
  ASSERT_NO_FATAL_FAILURE(SignInAsEve(laptop, "DRL"));
  ClientRun activated = Client(laptop, "DRL", {"activate"});
  ASSERT_EQ(activated.code, 0) << activated.out << activated.err;

  ClientRun now = Client(laptop, "DRL", {"check"});
  ASSERT_EQ(now.code, 0) << now.out << now.err;
  EXPECT_EQ(LineValue(now.out, "state:"), "valid") << now.out;
  EXPECT_EQ(LineValue(now.out, "kind:"), "sign_in") << now.out;
  EXPECT_EQ(LineValue(now.out, "product_code:"), "DRL") << now.out;
  const std::int64_t issued_at = Claim(now, "issued_at");
  const std::int64_t reauth_at = Claim(now, "reauth_at");
  const std::int64_t warn_from = Claim(now, "warn_from");
  const std::int64_t grace_until = Claim(now, "grace_until");
  ASSERT_GT(issued_at, 0) << now.out;
  ASSERT_LT(issued_at, reauth_at) << now.out;
  ASSERT_LT(reauth_at, warn_from) << now.out;
  ASSERT_LT(warn_from, grace_until) << now.out;
  constexpr std::int64_t kDay = 86400;
  EXPECT_EQ(Claim(now, "days_left"), (grace_until - issued_at + kDay - 1) / kDay) << now.out;

  ClientRun due = Client(laptop, "DRL", {"check", "--now", std::to_string(reauth_at + 1)});
  EXPECT_EQ(due.code, 0) << due.out << due.err;
  EXPECT_NE(due.out.find("state reauthorize"), std::string::npos) << due.out;

  const std::int64_t warned_at = warn_from + 1;
  ClientRun warning = Client(laptop, "DRL", {"--now", std::to_string(warned_at), "check"});
  EXPECT_EQ(warning.code, 0) << warning.out << warning.err;
  EXPECT_NE(warning.out.find("state grace_warning"), std::string::npos) << warning.out;
  const std::int64_t days_left = (grace_until - warned_at + kDay - 1) / kDay;
  EXPECT_EQ(Claim(warning, "days_left"), days_left) << warning.out;
  EXPECT_NE(warning.out.find("connect within " + std::to_string(days_left) + " days"),
            std::string::npos)
      << warning.out;

  ClientRun expired = Client(laptop, "DRL", {"check", "--now", std::to_string(grace_until + 1)});
  EXPECT_EQ(expired.code, 1) << expired.out << expired.err;
  EXPECT_NE(expired.out.find("state expired"), std::string::npos) << expired.out;
  EXPECT_EQ(Claim(expired, "days_left"), 0) << expired.out;

  // Usage events take the same clock.
  ClientRun stopped = Client(laptop, "DRL", {"usage", "stop", "--now", "1800000000"});
  ASSERT_EQ(stopped.code, 0) << stopped.out << stopped.err;
  EXPECT_NE(ReadText(laptop.cache + "/usage-queue.jsonl").find("\"at\":\"2027-01-15T08:00:00Z\""),
            std::string::npos);
}

TEST_P(SdkClientTest,
       SerialNumbersActivateUpToTheSeatsDeactivatingFreesOneAndAMoveToSignInIsRefused) {
  const SerialLicense frm = FindFormwork();
  ASSERT_FALSE(frm.serial_number.empty());
  ASSERT_EQ(frm.seats, 4);

  const Computer wrong = NewComputer("serial-wrong");
  ClientRun mismatch =
      Client(wrong, "FRM", {"serial", "activate", frm.serial_number, frm.product_key + "X"});
  EXPECT_EQ(mismatch.code, 1) << mismatch.out << mismatch.err;
  EXPECT_NE(mismatch.err.find("serial number and product key do not match a license"),
            std::string::npos)
      << mismatch.err;

  std::vector<Computer> computers;
  for (int i = 0; i < 5; ++i) computers.push_back(NewComputer("serial-" + std::to_string(i)));
  for (int i = 0; i < 4; ++i) {
    ClientRun activated =
        Client(computers[i], "FRM", {"serial", "activate", frm.serial_number, frm.product_key});
    ASSERT_EQ(activated.code, 0) << i << activated.out << activated.err;
    EXPECT_EQ(LineValue(activated.out, "kind:"), "serial") << activated.out;
    EXPECT_EQ(LineValue(activated.out, "user:"), "none") << activated.out;
  }
  ClientRun check = Client(computers[0], "FRM", {"check"});
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("state valid"), std::string::npos) << check.out;
  EXPECT_EQ(LineValue(check.out, "kind:"), "serial") << check.out;
  EXPECT_NE(check.out.find("licensed to this computer for FRM"), std::string::npos) << check.out;

  ClientRun full =
      Client(computers[4], "FRM", {"serial", "activate", frm.serial_number, frm.product_key});
  EXPECT_EQ(full.code, 1) << full.out << full.err;
  EXPECT_NE(full.err.find("all 4 activations of this serial number are in use"), std::string::npos)
      << full.err;

  ClientRun renewed = Client(computers[1], "FRM", {"serial", "refresh"});
  EXPECT_EQ(renewed.code, 0) << renewed.out << renewed.err;
  EXPECT_NE(renewed.out.find("state valid"), std::string::npos) << renewed.out;

  ClientRun freed = Client(computers[0], "FRM", {"serial", "deactivate"});
  EXPECT_EQ(freed.code, 0) << freed.out << freed.err;
  ClientRun gone = Client(computers[0], "FRM", {"check"});
  EXPECT_EQ(gone.code, 1) << gone.out << gone.err;
  EXPECT_NE(gone.out.find("state missing"), std::string::npos) << gone.out;
  ClientRun nothing = Client(computers[0], "FRM", {"serial", "refresh"});
  EXPECT_EQ(nothing.code, 1) << nothing.out << nothing.err;
  EXPECT_NE(nothing.err.find("no serial activation"), std::string::npos) << nothing.err;

  ClientRun now_fits =
      Client(computers[4], "FRM", {"serial", "activate", frm.serial_number, frm.product_key});
  EXPECT_EQ(now_fits.code, 0) << now_fits.out << now_fits.err;
  EXPECT_NE(now_fits.out.find("state valid"), std::string::npos) << now_fits.out;

  // The reseller moves the licence to sign-in: the next serial refresh says so and the
  // cached licence checks revoked.
  HttpReply migrated =
      server_->Call("POST", "/api/v1/contracts/" + frm.contract_id + "/migrate-to-sign-in",
                    server_->Person(DemoEmail("rafael")), "{}");
  ASSERT_EQ(migrated.status, 200) << migrated.Describe();
  ClientRun moved = Client(computers[4], "FRM", {"serial", "refresh"});
  EXPECT_EQ(moved.code, 1) << moved.out << moved.err;
  EXPECT_NE(moved.err.find("refresh refused: sign-in required:"), std::string::npos) << moved.err;
  ClientRun revoked = Client(computers[4], "FRM", {"check"});
  EXPECT_EQ(revoked.code, 1) << revoked.out << revoked.err;
  EXPECT_NE(revoked.out.find("state revoked"), std::string::npos) << revoked.out;
}

TEST_P(SdkClientTest, AnEnrolledComputerUsesNetworkSeatsWithoutASignIn) {
  const Computer workstation = NewComputer("enrolled");
  ASSERT_NO_FATAL_FAILURE(SignInAsEve(workstation, "STR"));
  ClientRun enrolled = Client(workstation, "STR", {"enroll"});
  ASSERT_EQ(enrolled.code, 0) << enrolled.out << enrolled.err;
  EXPECT_NE(enrolled.out.find("enrolled"), std::string::npos) << enrolled.out;
  const std::string credential_file = workstation.cache + "/device-credential.json";
  struct stat info {};
  ASSERT_EQ(::stat(credential_file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_NE(ReadText(credential_file).find("\"swm_"), std::string::npos);

  ClientRun signed_out = Client(workstation, "STR", {"signout"});
  ASSERT_EQ(signed_out.code, 0) << signed_out.out << signed_out.err;
  ASSERT_FALSE(std::ifstream(workstation.cache + "/session.json").good());

  ClientRun checkout = Client(workstation, "STR", {"lease", "checkout"});
  ASSERT_EQ(checkout.code, 0) << checkout.out << checkout.err;
  const std::string lease = LineValue(checkout.out, "lease");
  ASSERT_FALSE(lease.empty()) << checkout.out;
  ClientRun released = Client(workstation, "STR", {"lease", "release", lease});
  EXPECT_EQ(released.code, 0) << released.out << released.err;

  ClientRun borrowed = Client(workstation, "STR", {"borrow", "2"});
  ASSERT_EQ(borrowed.code, 0) << borrowed.out << borrowed.err;
  const std::string borrowed_lease = LineValue(borrowed.out, "lease");
  EXPECT_FALSE(LineValue(borrowed.out, "borrowed until").empty()) << borrowed.out;
  ClientRun returned = Client(workstation, "STR", {"return", borrowed_lease});
  EXPECT_EQ(returned.code, 0) << returned.out << returned.err;
  EXPECT_NE(returned.out.find("returned " + borrowed_lease), std::string::npos) << returned.out;

  ClientRun queued = Client(workstation, "STR", {"usage", "stop"});
  ASSERT_EQ(queued.code, 0) << queued.out << queued.err;
  ClientRun flushed = Client(workstation, "STR", {"usage", "flush"});
  EXPECT_EQ(flushed.code, 0) << flushed.out << flushed.err;
  EXPECT_NE(flushed.out.find("sent 1: accepted 1, duplicates 0, rejected 0"), std::string::npos)
      << flushed.out;

  // A computer that was never enrolled still needs a sign-in.
  const Computer other = NewComputer("not-enrolled");
  ClientRun refused = Client(other, "STR", {"lease", "checkout"});
  EXPECT_EQ(refused.code, 4) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("sign in"), std::string::npos) << refused.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, SdkClientTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
