#include "support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <system_error>

#include "fakes/fake_random.hpp"
#include "fakes/test_databases.hpp"
#include "store/repositories.hpp"

namespace seatwise::itest {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Decodes a chunked body; returns the input unchanged when it is malformed.
std::string Dechunk(const std::string& raw) {
  std::string out;
  std::size_t at = 0;
  while (at < raw.size()) {
    auto eol = raw.find("\r\n", at);
    if (eol == std::string::npos) return raw;
    std::size_t size = std::strtoul(raw.substr(at, eol - at).c_str(), nullptr, 16);
    if (size == 0) return out;
    if (eol + 2 + size > raw.size()) return raw;
    out.append(raw, eol + 2, size);
    at = eol + 2 + size + 2;
  }
  return out;
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = ::testing::TempDir() + "seatwise_itest_XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) ADD_FAILURE() << "mkdtemp: " << ErrnoText(errno);
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> CleanEnvironment(std::vector<std::string> extra) {
  // NOLINTNEXTLINE(concurrency-mt-unsafe): nothing sets the environment in this process.
  if (const char* path = std::getenv("PATH")) extra.push_back(std::string("PATH=") + path);
  return extra;
}

Process::Process(const std::vector<std::string>& args, const std::vector<std::string>& environment,
                 const std::string& stderr_path, const std::optional<std::string>& stdin_text)
    : stderr_path_(stderr_path) {
  std::array<int, 2> out{};
  if (pipe2(out.data(), O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe2: " << ErrnoText(errno);
    return;
  }
  std::string stdin_path = "/dev/null";
  if (stdin_text) {
    // A file rather than a pipe: the child reads it at its own pace, nothing can block.
    stdin_path = stderr_path + ".stdin";
    std::ofstream(stdin_path) << *stdin_text;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, stdin_path.c_str(), O_RDONLY, 0);

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

Process::~Process() {
  if (pid_ > 0 && !exit_status_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
  if (pidfd_ >= 0) close(pidfd_);
}

std::optional<std::string> Process::ReadLineContaining(const std::string& needle,
                                                       milliseconds bound) {
  auto deadline = Clock::now() + bound;
  while (true) {
    for (auto eol = buffer_.find('\n'); eol != std::string::npos; eol = buffer_.find('\n')) {
      std::string line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 1);
      stdout_seen_ += line + "\n";
      if (line.find(needle) != std::string::npos) return line;
    }
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (poll(&fd, 1, RemainingMs(deadline)) <= 0) return std::nullopt;
    std::array<char, 4096> chunk{};
    ssize_t n = read(stdout_fd_, chunk.data(), chunk.size());
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk.data(), static_cast<std::size_t>(n));
  }
}

std::string Process::ReadAll(milliseconds bound) {
  auto deadline = Clock::now() + bound;
  while (true) {
    pollfd fd{stdout_fd_, POLLIN, 0};
    if (poll(&fd, 1, RemainingMs(deadline)) <= 0) break;
    std::array<char, 4096> chunk{};
    ssize_t n = read(stdout_fd_, chunk.data(), chunk.size());
    if (n <= 0) break;
    buffer_.append(chunk.data(), static_cast<std::size_t>(n));
  }
  stdout_seen_ += buffer_;
  buffer_.clear();
  return stdout_seen_;
}

std::optional<int> Process::WaitExit(milliseconds bound) {
  if (exit_status_) return Decode(*exit_status_);
  if (pid_ <= 0) return std::nullopt;
  pollfd fd{pidfd_, POLLIN, 0};
  if (poll(&fd, 1, static_cast<int>(bound.count())) <= 0) return std::nullopt;
  int status = 0;
  if (waitpid(pid_, &status, 0) != pid_) return std::nullopt;
  exit_status_ = status;
  return Decode(status);
}

void Process::Signal(int signal) {
  if (pid_ > 0 && !exit_status_) kill(pid_, signal);
}

std::string Process::Stderr() const {
  std::ifstream file(stderr_path_);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

int Process::Decode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

std::string HttpReply::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

std::vector<std::string> HttpReply::All(const std::string& name) const {
  std::vector<std::string> out;
  auto [first, last] = headers.equal_range(Lower(name));
  for (auto it = first; it != last; ++it) out.push_back(it->second);
  return out;
}

boost::json::value HttpReply::Json() const {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) return nullptr;
  return value;
}

std::string HttpReply::Describe() const { return std::to_string(status) + " " + body; }

HttpReply Send(std::uint16_t port, const std::string& method, const std::string& target,
               const Headers& headers, const std::string& body, std::chrono::milliseconds bound) {
  HttpReply reply;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return reply;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{static_cast<time_t>(bound.count() / 1000), 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  std::string raw;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
      request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    request += "Connection: close\r\n\r\n" + body;
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      std::array<char, 8192> chunk{};
      ssize_t n = 0;
      while ((n = recv(fd, chunk.data(), chunk.size(), 0)) > 0) {
        raw.append(chunk.data(), static_cast<std::size_t>(n));
      }
    }
  }
  close(fd);
  auto head_end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.1 ") || head_end == std::string::npos) return reply;
  reply.status = std::atoi(raw.c_str() + 9);
  std::istringstream head(raw.substr(0, head_end));
  std::string line;
  std::getline(head, line);  // status line
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    reply.headers.emplace(Lower(line.substr(0, colon)), value);
  }
  reply.body = raw.substr(head_end + 4);
  if (Lower(reply.Header("Transfer-Encoding")).find("chunked") != std::string::npos) {
    reply.body = Dechunk(reply.body);
  }
  return reply;
}

Headers Credential::HeadersFor(bool with_csrf) const {
  Headers out;
  if (!bearer.empty()) out.emplace_back("Authorization", "Bearer " + bearer);
  if (!session.empty()) {
    std::string cookie = "sw_session=" + session;
    if (!csrf.empty()) cookie += "; sw_csrf=" + csrf;
    out.emplace_back("Cookie", cookie);
    if (with_csrf && !csrf.empty()) out.emplace_back("X-CSRF-Token", csrf);
  }
  return out;
}

std::string CookieFrom(const HttpReply& reply, const std::string& name, std::string* attributes) {
  for (const auto& cookie : reply.All("Set-Cookie")) {
    if (cookie.starts_with(name + "=")) {
      if (attributes != nullptr) *attributes = cookie;
      auto end = cookie.find(';');
      return cookie.substr(name.size() + 1,
                           end == std::string::npos ? std::string::npos : end - name.size() - 1);
    }
  }
  return "";
}

DemoServer::DemoServer(store::Backend backend, std::vector<std::string> extra_environment) {
  database_url_ = backend == store::Backend::kSqlite
                      ? "sqlite://" + dir_.path() + "/seatwise.db"
                      : seatwise::testing::PostgresCluster::Shared().CreateDatabase();
  // The bare demo: the tests count usage, devices, leases and mail from a known start.
  Start({"serve", "--demo", "--demo-bare"}, std::move(extra_environment),
        dir_.path() + "/secret.key");
}

DemoServer::DemoServer(const DemoServer& first, std::vector<std::string> extra_environment) {
  database_url_ = first.database_url_;
  Start({"serve"}, std::move(extra_environment), first.dir_.path() + "/secret.key");
}

void DemoServer::Start(std::vector<std::string> args, std::vector<std::string> extra_environment,
                       const std::string& secret_key_file) {
  // The secret key and anything else the server writes stay in a temp dir.
  extra_environment.push_back("HOME=" + dir_.path());
  extra_environment.push_back("SEATWISE_AUTH_SECRET_KEY_FILE=" + secret_key_file);
  for (std::string arg : {"--listen", "127.0.0.1:0", "--database"}) args.push_back(arg);
  args.push_back(database_url_);
  process_ = std::make_unique<Process>(args, CleanEnvironment(std::move(extra_environment)),
                                       dir_.path() + "/serve.stderr");
  const std::string prefix = "seatwise listening on http://127.0.0.1:";
  auto line = process_->ReadLineContaining(prefix, kStartBound);
  if (!line) {
    ADD_FAILURE() << "no listening line; stdout:\n"
                  << process_->StdoutSeen() << "stderr:\n"
                  << process_->Stderr();
    return;
  }
  int port = std::atoi(line->c_str() + line->find(prefix) + prefix.size());
  if (port <= 0 || port > 65535) {
    ADD_FAILURE() << "bad listening line: " << *line;
    return;
  }
  port_ = static_cast<std::uint16_t>(port);
}

DemoServer::~DemoServer() {
  if (!process_) return;
  process_->Signal(SIGTERM);
  auto code = process_->WaitExit(kExitBound);
  EXPECT_EQ(code, 0) << "serve did not exit cleanly:\n" << process_->Stderr();
}

HttpReply DemoServer::Call(const std::string& method, const std::string& target,
                           const Credential& who, const std::string& json_body,
                           Headers extra) const {
  Headers headers = who.HeadersFor();
  if (!json_body.empty()) headers.emplace_back("Content-Type", "application/json");
  headers.emplace_back("Accept", "application/json");
  for (auto& header : extra) headers.push_back(std::move(header));
  return Send(port_, method, target, headers, json_body);
}

std::optional<Credential> DemoServer::SignIn(const std::string& email,
                                             std::string_view password) const {
  boost::json::object body{{"email", email}, {"password", password}};
  HttpReply reply = Call("POST", "/api/v1/auth/sign-in", {}, boost::json::serialize(body));
  if (reply.status != 200) {
    ADD_FAILURE() << "sign-in of " << email << ": " << reply.Describe();
    return std::nullopt;
  }
  Credential who;
  who.session = CookieFrom(reply, "sw_session");
  who.csrf = CookieFrom(reply, "sw_csrf");
  auto json = reply.Json();
  if (json.is_object() && json.as_object().contains("csrf_token")) {
    EXPECT_EQ(who.csrf, json.at("csrf_token").as_string()) << "the CSRF cookie and body differ";
  }
  if (who.session.empty() || who.csrf.empty()) {
    ADD_FAILURE() << "sign-in of " << email << " set no session: " << reply.Describe();
    return std::nullopt;
  }
  return who;
}

const Credential& DemoServer::Person(const std::string& email) {
  auto it = people_.find(email);
  if (it != people_.end()) return it->second;
  Credential who = SignIn(email).value_or(Credential{});
  return people_.emplace(email, who).first->second;
}

void DemoServer::Stop(int signal) {
  if (!process_) return;
  process_->Signal(signal);
  (void)process_->WaitExit(std::chrono::seconds(30));
  process_.reset();
  port_ = 0;
}

core::Result<std::unique_ptr<store::Database>> DemoServer::OpenDatabase() const {
  store::DatabaseOptions options;
  options.url = database_url_;
  options.pool_size = 1;
  return store::OpenDatabase(options);
}

std::string DemoEmail(const std::string& who) {
  if (who.find('@') != std::string::npos) return who;
  if (who == "operator") return "operator@seatwise.example";
  if (who == "rafael") return "rafael@northwind-cad.example";
  if (who == "rosa") return "rosa@fabrikam-resellers.example";
  if (who == "pat") return "pat@litware.example";
  return who + "@contoso.example";
}

namespace {

std::map<store::Backend, std::unique_ptr<DemoServer>>& SuiteServers() {
  static std::map<store::Backend, std::unique_ptr<DemoServer>> servers;
  return servers;
}

}  // namespace

void DemoServerTest::TearDownTestSuite() { SuiteServers().clear(); }

void DemoServerTest::SetUp() {
  auto& slot = SuiteServers()[GetParam()];
  if (!slot) slot = std::make_unique<DemoServer>(GetParam(), ServerEnvironment());
  server_ = slot.get();
  ASSERT_TRUE(server_->started()) << server_->Stderr();
}

std::string DemoServerTest::TeamId(const Credential& who, const std::string& team_name) {
  HttpReply me = server_->Call("GET", "/api/v1/me", who);
  EXPECT_EQ(me.status, 200) << me.Describe();
  if (me.status != 200) return "";
  const boost::json::value json = me.Json();
  for (const auto& m : json.at("memberships").as_array()) {
    if (m.at("team_name") == boost::json::value(team_name)) {
      return std::string(m.at("team_id").as_string());
    }
  }
  ADD_FAILURE() << "no team named " << team_name << " in " << me.body;
  return "";
}

std::string DemoServerTest::UserId(const Credential& who) {
  HttpReply me = server_->Call("GET", "/api/v1/me", who);
  EXPECT_EQ(me.status, 200) << me.Describe();
  return me.status == 200 ? std::string(me.Json().at("user").at("id").as_string()) : "";
}

std::vector<core::OutboxMessage> QueuedMails(const DemoServer& server,
                                             const std::string& recipient) {
  std::vector<core::OutboxMessage> found;
  auto db = server.OpenDatabase();
  EXPECT_TRUE(db.ok()) << db.error().message;
  if (!db.ok()) return found;
  seatwise::testing::FakeRandom random(3);
  store::Repositories repos = store::MakeRepositories(random);
  store::PageRequest page{"", store::kMaxPageSize};
  for (;;) {
    auto batch = (*db)->Transact<store::Page<core::OutboxMessage>>(
        store::TxMode::kRead,
        [&](store::Tx& tx) { return repos.outbox->List(tx, std::nullopt, page); });
    EXPECT_TRUE(batch.ok()) << batch.error().message;
    if (!batch.ok()) break;
    for (auto& m : batch->items) {
      if (m.recipient == recipient) found.push_back(std::move(m));
    }
    if (batch->next_after.empty()) break;
    page.after = batch->next_after;
  }
  return found;
}

const core::OutboxMessage* FindMail(const std::vector<core::OutboxMessage>& mails,
                                    const std::string& template_name) {
  for (const auto& m : mails) {
    if (m.template_name == template_name) return &m;
  }
  return nullptr;
}

std::string InvitationTokenFor(const DemoServer& server, const std::string& recipient) {
  std::string token;
  for (const auto& m : QueuedMails(server, recipient)) {
    std::smatch found;
    if (m.template_name == "invitation" &&
        std::regex_search(m.body_text, found, std::regex("swi_[A-Za-z0-9_-]+"))) {
      token = found.str();
    }
  }
  return token;
}

CliRun RunSeatwise(const std::vector<std::string>& args, const std::string& home,
                   const std::optional<std::string>& input) {
  Process process(args, CleanEnvironment({"HOME=" + home}), home + "/cli.stderr", input);
  CliRun run;
  run.out = process.ReadAll(kExitBound);
  run.code = process.WaitExit(kExitBound).value_or(-2);
  run.err = process.Stderr();
  return run;
}

}  // namespace seatwise::itest
