#pragma once
// The `seatwise` command line: serve, migrate, demo, version, config check, and the admin
// commands that use a running server (login, whoami, token).

#include <istream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace seatwise::app {

// Process exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // a runtime failure: database, bind, migration
inline constexpr int kExitUsage = 2;    // a bad command line or config; nothing was started

using Environment = std::map<std::string, std::string>;

// Runs one command. `args` excludes the program name; `environment` is the process
// environment; `out` gets the human-readable results, `err` the error messages.
int RunCli(const std::vector<std::string>& args, const Environment& environment, std::ostream& out,
           std::ostream& err);
// The same with `in` for commands that ask questions (login); `in_is_terminal` hides the
// password as it is typed.
int RunCli(const std::vector<std::string>& args, const Environment& environment, std::istream& in,
           bool in_is_terminal, std::ostream& out, std::ostream& err);

}  // namespace seatwise::app
