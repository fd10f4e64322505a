// Starts the real `seatwise` binary on port 0 with a temporary SQLite database and talks to
// it over loopback sockets. Every wait is bounded; nothing sleeps.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "store/database.hpp"

namespace seatwise {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Generous bounds: sanitizer builds start several times slower.
constexpr milliseconds kStartBound{30'000};
constexpr milliseconds kExitBound{20'000};
constexpr milliseconds kIoBound{10'000};

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// A temporary directory removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "seatwise_serve_XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) ADD_FAILURE() << "mkdtemp: " << ErrnoText(errno);
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One run of the binary: stdout through a pipe, stderr into a file (the access log could
// fill a pipe nobody reads). Killed and reaped on destruction if still running.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::vector<std::string>& environment,
          const std::string& stderr_path)
      : stderr_path_(stderr_path) {
    std::array<int, 2> out{};
    if (pipe2(out.data(), O_CLOEXEC) != 0) {
      ADD_FAILURE() << "pipe2: " << ErrnoText(errno);
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

    std::vector<std::string> argv_text = {SEATWISE_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(argv_text.size() + 1);
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_text = environment;
    std::vector<char*> envp;
    envp.reserve(env_text.size() + 1);
    for (auto& e : env_text) envp.push_back(e.data());
    envp.push_back(nullptr);

    int rc = posix_spawn(&pid_, SEATWISE_BINARY, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    stdout_fd_ = out[0];
    if (rc != 0) {
      ADD_FAILURE() << "posix_spawn " << SEATWISE_BINARY << ": " << ErrnoText(rc);
      pid_ = -1;
      return;
    }
    // A pidfd makes the wait for exit a bounded poll() instead of a sleep loop.
    pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd_ < 0) ADD_FAILURE() << "pidfd_open: " << ErrnoText(errno);
  }

  ~Process() {
    if (pid_ > 0 && !exit_status_) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (stdout_fd_ >= 0) close(stdout_fd_);
    if (pidfd_ >= 0) close(pidfd_);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // The next stdout line containing `needle`, or nullopt at EOF or after `bound`.
  std::optional<std::string> ReadLineContaining(const std::string& needle, milliseconds bound) {
    auto deadline = Clock::now() + bound;
    while (true) {
      for (auto eol = buffer_.find('\n'); eol != std::string::npos; eol = buffer_.find('\n')) {
        std::string line = buffer_.substr(0, eol);
        buffer_.erase(0, eol + 1);
        stdout_seen_ += line + "\n";
        if (line.find(needle) != std::string::npos) return line;
      }
      pollfd fd{stdout_fd_, POLLIN, 0};
      int ready = poll(&fd, 1, RemainingMs(deadline));
      if (ready <= 0) return std::nullopt;
      std::array<char, 4096> chunk{};
      ssize_t n = read(stdout_fd_, chunk.data(), chunk.size());
      if (n <= 0) return std::nullopt;
      buffer_.append(chunk.data(), static_cast<std::size_t>(n));
    }
  }

  // The exit code once the process ends within `bound`; -1 when killed by a signal;
  // nullopt if it is still running.
  std::optional<int> WaitExit(milliseconds bound) {
    if (exit_status_) return Decode(*exit_status_);
    if (pid_ <= 0) return std::nullopt;
    pollfd fd{pidfd_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(bound.count())) <= 0) return std::nullopt;
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return std::nullopt;
    exit_status_ = status;
    return Decode(status);
  }

  void Signal(int signal) { kill(pid_, signal); }

  std::string Stderr() const {
    std::ifstream file(stderr_path_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }
  const std::string& StdoutSeen() const { return stdout_seen_; }

 private:
  static int Decode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  std::string buffer_;
  std::string stdout_seen_;
  std::optional<int> exit_status_;
};

struct HttpReply {
  int status = 0;
  std::string head;
  std::string body;
};

// One GET over a fresh loopback connection with "Connection: close"; reads until EOF.
std::optional<HttpReply> Get(std::uint16_t port, const std::string& target) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{static_cast<time_t>(kIoBound.count() / 1000), 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  std::string raw;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request =
        "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      std::array<char, 4096> chunk{};
      ssize_t n = 0;
      while ((n = recv(fd, chunk.data(), chunk.size(), 0)) > 0) {
        raw.append(chunk.data(), static_cast<std::size_t>(n));
      }
    }
  }
  close(fd);
  auto head_end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.1 ") || head_end == std::string::npos) return std::nullopt;
  HttpReply reply;
  reply.status = std::atoi(raw.c_str() + 9);
  reply.head = raw.substr(0, head_end);
  reply.body = raw.substr(head_end + 4);
  return reply;
}

class ServeTest : public ::testing::Test {
 protected:
  std::string DatabaseUrl() const { return "sqlite://" + dir_.path() + "/db.sqlite"; }
  std::string StderrPath(const std::string& name) const { return dir_.path() + "/" + name; }

  // Only what the binary needs: an inherited SEATWISE_* variable would be refused.
  std::vector<std::string> Environment(std::vector<std::string> extra = {}) const {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing sets the environment in this process.
    if (const char* path = std::getenv("PATH")) extra.push_back(std::string("PATH=") + path);
    return extra;
  }

  // Runs a command that is expected to finish; returns its exit code.
  int RunToExit(const std::vector<std::string>& args, std::string* err = nullptr,
                std::vector<std::string> environment = {}) {
    Process process(args, Environment(std::move(environment)), StderrPath("run.stderr"));
    auto code = process.WaitExit(kExitBound);
    if (err != nullptr) *err = process.Stderr();
    EXPECT_TRUE(code.has_value()) << "seatwise " << args.front() << " did not finish";
    return code.value_or(-2);
  }

  TempDir dir_;
};

TEST_F(ServeTest, ServesHealthAndReadinessAndExitsZeroOnSigterm) {
  Process server({"serve", "--listen", "127.0.0.1:0", "--database", DatabaseUrl()}, Environment(),
                 StderrPath("serve.stderr"));
  const std::string prefix = "seatwise listening on http://127.0.0.1:";
  auto line = server.ReadLineContaining(prefix, kStartBound);
  ASSERT_TRUE(line.has_value()) << "no listening line; stdout:\n"
                                << server.StdoutSeen() << "stderr:\n"
                                << server.Stderr();
  int port = std::atoi(line->c_str() + line->find(prefix) + prefix.size());
  ASSERT_GT(port, 0) << *line;
  ASSERT_LT(port, 65536) << *line;

  auto health = Get(static_cast<std::uint16_t>(port), "/healthz");
  ASSERT_TRUE(health.has_value());
  EXPECT_EQ(health->status, 200) << health->head << "\n" << health->body;

  auto ready = Get(static_cast<std::uint16_t>(port), "/readyz");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->status, 200) << ready->head << "\n" << ready->body;

  server.Signal(SIGTERM);
  auto code = server.WaitExit(kExitBound);
  ASSERT_TRUE(code.has_value()) << "still running after SIGTERM";
  EXPECT_EQ(*code, 0) << server.Stderr();
  EXPECT_THAT(server.Stderr(), HasSubstr(R"("event":"listening")"));
}

TEST_F(ServeTest, BadFlagValueExitsTwoNamingTheKey) {
  std::string err;
  EXPECT_EQ(RunToExit({"serve", "--listen", "127.0.0.1:0", "--threads", "lots", "--database",
                       DatabaseUrl()},
                      &err),
            2);
  EXPECT_THAT(err, HasSubstr("server.threads"));
  EXPECT_THAT(err, HasSubstr("expected an integer from 0 to 256"));
}

TEST_F(ServeTest, UnknownKeyInConfigFileExitsTwoWithItsLine) {
  std::string path = dir_.path() + "/seatwise.toml";
  std::ofstream(path) << "[server]\nlisten = \"127.0.0.1:0\"\nlisten_port = 8080\n";
  std::string err;
  EXPECT_EQ(RunToExit({"serve", "--config", path, "--database", DatabaseUrl()}, &err), 2);
  EXPECT_THAT(err, HasSubstr("unknown key server.listen_port (" + path + ":3)"));
}

TEST_F(ServeTest, BadEnvironmentValueExitsTwoNamingTheVariable) {
  std::string err;
  EXPECT_EQ(
      RunToExit({"serve", "--database", DatabaseUrl()}, &err, {"SEATWISE_SERVER_LISTEN=127.0.0.1"}),
      2);
  EXPECT_THAT(err, HasSubstr("server.listen = \"127.0.0.1\" (environment SEATWISE_SERVER_LISTEN)"));
}

TEST_F(ServeTest, MigrateThenStatusShowsNothingPending) {
  ASSERT_EQ(RunToExit({"migrate", "--database", DatabaseUrl()}), 0);
  Process status({"migrate", "--status", "--database", DatabaseUrl()}, Environment(),
                 StderrPath("status.stderr"));
  auto pending = status.ReadLineContaining("pending:", kStartBound);
  ASSERT_TRUE(pending.has_value()) << status.Stderr();
  EXPECT_THAT(*pending, ::testing::EndsWith(" 0"));
  EXPECT_EQ(status.WaitExit(kExitBound), 0);
}

TEST_F(ServeTest, RefusesADatabaseNewerThanTheBinary) {
  ASSERT_EQ(RunToExit({"migrate", "--database", DatabaseUrl()}), 0);
  {
    store::DatabaseOptions options;
    options.url = DatabaseUrl();
    options.pool_size = 1;
    auto db = store::OpenDatabase(options);
    ASSERT_TRUE(db.ok()) << db.error().message;
    auto inserted = (*db)->Transact(store::TxMode::kWrite, [](store::Tx& tx) -> core::Result<void> {
      SW_RETURN_IF_ERROR(tx.Exec(
          "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
          "VALUES (?, ?, ?, ?)",
          {std::int64_t{9999}, std::string("from_the_future"), std::string("0"), std::int64_t{0}}));
      return core::Ok();
    });
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  }
  std::string err;
  EXPECT_EQ(RunToExit({"serve", "--listen", "127.0.0.1:0", "--database", DatabaseUrl()}, &err), 1);
  EXPECT_THAT(err, HasSubstr("seatwise: "));
  EXPECT_THAT(err, HasSubstr("9999"));  // the migrator names the database's version
}

TEST_F(ServeTest, VersionExitsZero) {
  Process version({"version"}, Environment(), StderrPath("version.stderr"));
  auto line = version.ReadLineContaining("seatwise ", kStartBound);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(version.WaitExit(kExitBound), 0);
}

}  // namespace
}  // namespace seatwise
