#pragma once
// A real SMTP server on a free loopback port for the mail tests: tests/fakes/smtp_receiver.py
// (aiosmtpd), storing what it accepts in a temporary directory that the test reads back.

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

namespace seatwise::mail::testing {

// One message as the receiver stored it; headers and parts decoded by Python's e-mail parser.
struct ReceivedMessage {
  std::string raw;       // the bytes after DATA, as received
  std::string envelope;  // MAIL FROM, then one RCPT per line
  std::string subject, from, to, message_id, date;
  std::string structure;  // content types, one per line, outermost first
  std::string text;
  std::string html;
};

class SmtpReceiver {
 public:
  // Answers 451 to the first `fail_first` messages offered, then accepts.
  explicit SmtpReceiver(int fail_first = 0) {
    char dir_template[] = "/tmp/seatwise-smtp-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
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
    std::vector<std::string> args = {
        "/usr/bin/python3",
        std::string(SEATWISE_SOURCE_DIR) + "/tests/fakes/smtp_receiver.py",
        "--dir",
        dir_,
        "--fail-first",
        std::to_string(fail_first)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];  // the receiver stops when this closes, even if the test dies
    if (rc != 0) throw std::runtime_error("cannot start " + args[1]);
    port_ = WaitForReady(out[0]);
    close(out[0]);
  }

  ~SmtpReceiver() {
    if (stdin_ >= 0) close(stdin_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  SmtpReceiver(const SmtpReceiver&) = delete;
  SmtpReceiver& operator=(const SmtpReceiver&) = delete;

  int port() const { return port_; }

  // Every message accepted so far, in the order of arrival.
  std::vector<ReceivedMessage> Messages() const {
    std::vector<std::filesystem::path> dirs;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      if (entry.is_directory() && entry.path().extension() != ".tmp") dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    std::vector<ReceivedMessage> out;
    for (const auto& d : dirs) {
      ReceivedMessage m;
      m.raw = Read(d / "raw.eml");
      m.envelope = Read(d / "envelope");
      m.subject = Read(d / "subject");
      m.from = Read(d / "from");
      m.to = Read(d / "to");
      m.message_id = Read(d / "message_id");
      m.date = Read(d / "date");
      m.structure = Read(d / "structure");
      m.text = Read(d / "text");
      m.html = Read(d / "html");
      out.push_back(std::move(m));
    }
    return out;
  }

 private:
  static std::string Read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }

  // Reads "READY <port>" from the receiver, waiting at most 20 seconds in all.
  static int WaitForReady(int fd) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string line;
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        throw std::runtime_error("the SMTP receiver did not start within 20 s");
      }
      char buffer[64];
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n <= 0) throw std::runtime_error("the SMTP receiver exited before it was ready");
      line.append(buffer, static_cast<std::size_t>(n));
    }
    if (!line.starts_with("READY ")) throw std::runtime_error("unexpected receiver output");
    return std::atoi(line.c_str() + 6);
  }

  std::string dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

}  // namespace seatwise::mail::testing
