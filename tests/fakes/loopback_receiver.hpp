#pragma once
// A receiver script (tests/fakes/*.py) run on a free loopback port: it prints "READY <port>"
// once listening, stores one subdirectory per record in a temporary directory, and stops
// when its stdin closes (so it never outlives a test that dies).

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace seatwise::testing {

class LoopbackReceiver {
 public:
  // Starts `python3 tests/fakes/<script> --dir <temporary dir> <args...>`; `what` names it in
  // errors ("the SMTP receiver").
  LoopbackReceiver(std::string what, const std::string& script, std::vector<std::string> args)
      : what_(std::move(what)) {
    std::string dir_template = "/tmp/seatwise-receiver-XXXXXX";
    if (mkdtemp(dir_template.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    args.insert(args.begin(),
                {"/usr/bin/python3", std::string(SEATWISE_SOURCE_DIR) + "/tests/fakes/" + script,
                 "--dir", dir_});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    if (rc != 0) {
      close(out[0]);
      throw std::runtime_error("cannot start " + what_);
    }
    port_ = WaitForReady(out[0]);
    close(out[0]);
  }

  ~LoopbackReceiver() {
    if (stdin_ >= 0) close(stdin_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  LoopbackReceiver(const LoopbackReceiver&) = delete;
  LoopbackReceiver& operator=(const LoopbackReceiver&) = delete;

  int port() const { return port_; }

  // The finished records, oldest first (a record still being written ends in ".tmp").
  std::vector<std::filesystem::path> Records() const {
    std::vector<std::filesystem::path> dirs;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.is_directory() && entry.path().extension() != ".tmp") dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
  }

  static std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }

 private:
  // Reads "READY <port>", waiting at most 20 seconds in all.
  int WaitForReady(int fd) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string line;
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        throw std::runtime_error(what_ + " did not start within 20 s");
      }
      char buffer[64];
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) throw std::runtime_error(what_ + " exited before it was ready");
      line.append(buffer, static_cast<std::size_t>(n));
    }
    if (!line.starts_with("READY ")) throw std::runtime_error("unexpected output of " + what_);
    return std::atoi(line.c_str() + 6);
  }

  std::string what_;
  std::string dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

}  // namespace seatwise::testing
