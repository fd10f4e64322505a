#pragma once
// Helpers for tests that run the real `seatwise` binary: a temporary directory, a child
// process with bounded waits, a small HTTP/1.1 client over loopback, and a demo server on
// either backend with the demo people signed in once. Every wait is bounded; nothing sleeps.

#include <gtest/gtest.h>
#include <boost/json/value.hpp>

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "store/database.hpp"

namespace seatwise::itest {

// Generous bounds: sanitizer builds start several times slower.
inline constexpr std::chrono::milliseconds kStartBound{30'000};
inline constexpr std::chrono::milliseconds kExitBound{20'000};
inline constexpr std::chrono::milliseconds kIoBound{10'000};

inline constexpr std::string_view kDemoPassword = "seatwise-demo";

// A temporary directory removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// PATH of this process plus `extra`: an inherited SEATWISE_* variable would be refused.
std::vector<std::string> CleanEnvironment(std::vector<std::string> extra = {});

// One run of the binary: stdout through a pipe, stderr into a file (the access log could
// fill a pipe nobody reads), stdin from `stdin_text` (or /dev/null). Killed and reaped on
// destruction if still running.
class Process {
 public:
  Process(const std::vector<std::string>& args, const std::vector<std::string>& environment,
          const std::string& stderr_path, const std::optional<std::string>& stdin_text = {});
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // The next stdout line containing `needle`, or nullopt at EOF or after `bound`.
  std::optional<std::string> ReadLineContaining(const std::string& needle,
                                                std::chrono::milliseconds bound);
  // Everything on stdout until EOF (bounded).
  std::string ReadAll(std::chrono::milliseconds bound);
  // The exit code once the process ends within `bound`; -1 when killed by a signal.
  std::optional<int> WaitExit(std::chrono::milliseconds bound);
  void Signal(int signal);

  std::string Stderr() const;
  const std::string& StdoutSeen() const { return stdout_seen_; }
  pid_t pid() const { return pid_; }

 private:
  static int Decode(int status);

  pid_t pid_ = -1;
  int pidfd_ = -1;
  int stdout_fd_ = -1;
  std::string stderr_path_;
  std::string buffer_;
  std::string stdout_seen_;
  std::optional<int> exit_status_;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names in lower case
  std::string body;

  // The first value of header `name` (any case), or "".
  std::string Header(const std::string& name) const;
  std::vector<std::string> All(const std::string& name) const;
  // The body parsed as JSON; null when it is not JSON.
  boost::json::value Json() const;
  // "STATUS body" for failure messages.
  std::string Describe() const;
};

// One request over a fresh loopback connection with "Connection: close". status 0 when
// the connection or the reply failed, or nothing came for `bound`.
HttpReply Send(std::uint16_t port, const std::string& method, const std::string& target,
               const Headers& headers = {}, const std::string& body = "",
               std::chrono::milliseconds bound = kIoBound);

// How a caller authenticates: nothing, a portal session (cookie + CSRF), or a bearer token.
struct Credential {
  std::string session;  // sw_session cookie value
  std::string csrf;     // sw_csrf / X-CSRF-Token value
  std::string bearer;   // Authorization: Bearer

  // The headers that carry this credential; `with_csrf` adds X-CSRF-Token for sessions.
  Headers HeadersFor(bool with_csrf = true) const;
};

// The Set-Cookie value of `name` in a reply ("" when absent); `attributes` receives the
// whole header.
std::string CookieFrom(const HttpReply& reply, const std::string& name,
                       std::string* attributes = nullptr);

// `seatwise serve --demo` on a fresh database of `backend`, listening on 127.0.0.1:0.
class DemoServer {
 public:
  DemoServer(store::Backend backend, std::vector<std::string> extra_environment = {});
  // A second `seatwise serve` on the database and secret key of `first` (nothing seeded): two
  // nodes of one installation.
  DemoServer(const DemoServer& first, std::vector<std::string> extra_environment);
  ~DemoServer();
  DemoServer(const DemoServer&) = delete;
  DemoServer& operator=(const DemoServer&) = delete;

  bool started() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  const std::string& database_url() const { return database_url_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Stderr() const { return process_ ? process_->Stderr() : ""; }
  // The server's process id (-1 when not started), for reading /proc and for kill -9 tests.
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  // Sends `signal` to the server and waits (bounded) for it to end.
  void Stop(int signal);
  const std::string& temp_path() const { return dir_.path(); }

  HttpReply Call(const std::string& method, const std::string& target, const Credential& who,
                 const std::string& json_body = "", Headers extra = {}) const;

  // A fresh session for `email` with the demo password (nullopt on failure).
  std::optional<Credential> SignIn(const std::string& email,
                                   std::string_view password = kDemoPassword) const;
  // The session of `email`, signed in once and reused (Argon2id is deliberately slow).
  const Credential& Person(const std::string& email);

  // Opens the server's database through the store (for reading the outbox in tests).
  core::Result<std::unique_ptr<store::Database>> OpenDatabase() const;

 private:
  TempDir dir_;
  std::string database_url_;
  std::unique_ptr<Process> process_;
  std::uint16_t port_ = 0;
  std::map<std::string, Credential> people_;

  void Start(std::vector<std::string> args, std::vector<std::string> extra_environment,
             const std::string& secret_key_file);
};

// "ann" → "ann@contoso.example"; full addresses are returned unchanged.
std::string DemoEmail(const std::string& who);

// A suite whose tests share one demo server per backend, started on first use and stopped
// when the suite ends (each suite gets fresh data). Override ServerEnvironment() for extra
// SEATWISE_* settings.
class DemoServerTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  static void TearDownTestSuite();
  void SetUp() override;
  virtual std::vector<std::string> ServerEnvironment() const { return {}; }

  // The id of the team named `team_name` among `who`'s memberships ("" with a failure).
  std::string TeamId(const Credential& who, const std::string& team_name = "Contoso Design");
  // The user id of a signed-in person.
  std::string UserId(const Credential& who);

  DemoServer* server_ = nullptr;
};

// Every e-mail the server queued for `recipient`, oldest first.
std::vector<core::OutboxMessage> QueuedMails(const DemoServer& server,
                                             const std::string& recipient);
// The first of `mails` made from `template_name`, or nullptr.
const core::OutboxMessage* FindMail(const std::vector<core::OutboxMessage>& mails,
                                    const std::string& template_name);
// The newest invitation token (swi_...) e-mailed to `recipient`; "" when none.
std::string InvitationTokenFor(const DemoServer& server, const std::string& recipient);

// One run of the seatwise command line with HOME set to `home`.
struct CliRun {
  int code = -2;
  std::string out;
  std::string err;
};
CliRun RunSeatwise(const std::vector<std::string>& args, const std::string& home,
                   const std::optional<std::string>& input = {});

}  // namespace seatwise::itest
