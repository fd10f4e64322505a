// The throwaway PostgreSQL cluster behind every PostgreSQL storage test.
//
// Clean-up does not depend on the test process exiting normally: a small cleaner process,
// in its own session, waits for end-of-file on a pipe whose only writer is the test
// process. Whether the test exits, aborts, or is killed by a test timeout, the kernel
// closes the pipe and the cleaner stops the server and removes the directory.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fakes/test_databases.hpp"

extern char** environ;

namespace seatwise::testing {
namespace {

constexpr const char* kServerBin = "/usr/lib/postgresql/15/bin";
constexpr const char* kServerUser = "postgres";
constexpr const char* kRunuser = "/usr/sbin/runuser";
constexpr int kStartAttempts = 5;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

[[noreturn]] void Fatal(const std::string& what, const std::string& log_path = "") {
  std::fprintf(stderr, "\nFATAL: cannot provide the test PostgreSQL cluster: %s\n", what.c_str());
  if (!log_path.empty()) {
    std::fprintf(stderr, "---- %s ----\n%s\n----\n", log_path.c_str(), ReadFile(log_path).c_str());
  }
  std::fflush(stderr);
  std::abort();
}

bool RunningAsRoot() { return geteuid() == 0; }

// initdb and postgres refuse to run as root, so as root they run as the postgres user.
std::vector<std::string> AsServerUser(std::vector<std::string> argv) {
  if (!RunningAsRoot()) return argv;
  std::vector<std::string> wrapped = {kRunuser, "-u", kServerUser, "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// Runs a program to completion with stdin from /dev/null and stdout/stderr appended to
// `log_path`; returns its exit status (-1 if it could not run or died from a signal).
int Run(std::vector<std::string> args, const std::string& log_path, const std::string& cwd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  // The server user may not be allowed into the test's working directory.
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  std::vector<char*> argv = Argv(args);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A port nobody listens on right now; the server may still lose a race for it, which
// Start handles by trying another.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Fatal(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    close(fd);
    Fatal(std::string("cannot find a free port: ") + std::strerror(err));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

PostgresCluster& PostgresCluster::Shared() {
  static PostgresCluster cluster;
  return cluster;
}

PostgresCluster::PostgresCluster() {
  const std::string bin = kServerBin;
  if (access((bin + "/initdb").c_str(), X_OK) != 0) {
    Fatal("PostgreSQL 15 server binaries are missing from " + bin +
          " (install the postgresql-15 package)");
  }
  if (RunningAsRoot() && access(kRunuser, X_OK) != 0) {
    Fatal(std::string("running as root needs ") + kRunuser + " to start the server as " +
          kServerUser);
  }

  char dir_template[] = "/tmp/seatwise-pg-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) Fatal(std::string("mkdtemp: ") + std::strerror(errno));
  dir_ = dir_template;
  if (RunningAsRoot()) {
    const passwd* user = getpwnam(kServerUser);
    if (user == nullptr) Fatal(std::string("no OS user named ") + kServerUser);
    if (chown(dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
      Fatal("chown " + dir_ + ": " + std::strerror(errno));
    }
  }

  // Start the cleaner before anything else exists, so even an interrupted initdb is removed.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) Fatal(std::string("pipe2: ") + std::strerror(errno));
  std::string stop =
      (RunningAsRoot() ? std::string(kRunuser) + " -u " + kServerUser + " -- " : std::string()) +
      bin + "/pg_ctl";
  std::vector<std::string> cleaner = {"/bin/sh", "-c",
                                      "cat >/dev/null; " + stop +
                                          " stop -D \"$1/data\" -m immediate -w >/dev/null 2>&1; " +
                                          "rm -rf \"$1\"",
                                      "seatwise-pg-cleaner", dir_};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own session, so a signal to the test's process group does not take it down too.
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
  std::vector<char*> argv = Argv(cleaner);
  int rc = posix_spawn(&cleaner_pid_, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(fds[0]);
  cleaner_pipe_ = fds[1];
  if (rc != 0) Fatal(std::string("cannot start the cleaner: ") + std::strerror(rc));

  const std::string data = dir_ + "/data";
  const std::string initdb_log = dir_ + "/initdb.log";
  if (Run(AsServerUser({bin + "/initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                        "--no-locale", "--no-sync", "--no-instructions"}),
          initdb_log, dir_) != 0) {
    Fatal("initdb failed", initdb_log);
  }

  const std::string server_log = dir_ + "/server.log";
  const std::string pg_ctl_log = dir_ + "/pg_ctl.log";
  for (int attempt = 1;; ++attempt) {
    // Only this attempt's lines may decide whether the port was taken; truncating keeps
    // the file's owner, which the server needs to append to it.
    (void)truncate(server_log.c_str(), 0);
    port_ = FreePort();
    std::string settings = "-c listen_addresses=127.0.0.1 -c port=" + std::to_string(port_) +
                           " -c unix_socket_directories=" + dir_ +
                           " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                           " -c max_connections=200";
    if (Run(AsServerUser({bin + "/pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", server_log,
                          "-o", settings}),
            pg_ctl_log, dir_) == 0) {
      break;
    }
    const std::string log = ReadFile(server_log);
    const bool port_taken = log.find("Address already in use") != std::string::npos ||
                            log.find("could not bind") != std::string::npos;
    if (!port_taken || attempt >= kStartAttempts) {
      Fatal("pg_ctl start failed (server log follows; pg_ctl output in " + pg_ctl_log + ")",
            server_log);
    }
  }
}

PostgresCluster::~PostgresCluster() {
  // Closing the pipe is the cleaner's signal; waiting for it means the server and the
  // directory are gone when the test process exits normally.
  close(cleaner_pipe_);
  int status = 0;
  while (waitpid(cleaner_pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

std::string PostgresCluster::CreateDatabase() {
  const std::string name =
      "test_" + std::to_string(getpid()) + "_" + std::to_string(next_database_++);
  const std::string log = dir_ + "/createdb-" + name + ".log";
  if (Run({std::string(kServerBin) + "/createdb", "-h", "127.0.0.1", "-p", std::to_string(port_),
           "-U", "postgres", "--strategy=file_copy", name},
          log, dir_) != 0) {
    Fatal("createdb " + name + " failed", log);
  }
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

}  // namespace seatwise::testing
