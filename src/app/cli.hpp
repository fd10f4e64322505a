#pragma once
// The `seatwise` command line: serve, migrate, demo, version, config check.

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

}  // namespace seatwise::app
