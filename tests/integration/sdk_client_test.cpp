// The client SDK end to end: `seatwise-client`, a stand-in for a desktop product, against
// the real `seatwise serve --demo` on both backends. Eve signs in with the device grant and
// activates Draftline; a second computer stops the first; a tampered cached token checks
// invalid; a Structa network seat is checked out, released and borrowed; usage queued offline is
// uploaded once.

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/test_databases.hpp"
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
                                     computer.machine_id_file};
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

  HttpReply Decide(const std::string& decision, const std::string& user_code) {
    return server_->Call("POST", "/api/v1/oauth/device/" + decision,
                         server_->Person(DemoEmail("eve")),
                         boost::json::serialize(boost::json::object{{"user_code", user_code}}));
  }

  // Eve signs `computer` in: the code is shown, Eve approves it in her browser session,
  // and the client's poll finishes the sign-in.
  void SignInAsEve(const Computer& computer, const std::string& product) {
    const std::string code = StartSignIn(computer, product);
    ASSERT_FALSE(code.empty());
    HttpReply approved = Decide("approve", code);
    ASSERT_EQ(approved.status, 204) << approved.Describe();
    ClientRun finished = Client(computer, product, {"signin", "--poll"});
    ASSERT_EQ(finished.code, 0) << finished.out << finished.err;
    EXPECT_NE(finished.out.find("signed in"), std::string::npos) << finished.out;
  }

  TempDir dir_;
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

INSTANTIATE_TEST_SUITE_P(Backends, SdkClientTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         seatwise::testing::BackendParamName);

}  // namespace
}  // namespace seatwise::itest
