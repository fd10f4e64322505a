#pragma once
// Admin subcommands that talk to a running server with an API token: login, whoami and
// token create/list/revoke. Tables for people, --json for scripts.

#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "app/cli.hpp"

namespace seatwise::app {

struct AdminIo {
  const Environment& environment;
  std::istream& in;
  bool in_is_terminal = false;  // read the password without echo
  std::ostream& out;
  std::ostream& err;
  bool json = false;
};

// $XDG_CONFIG_HOME/seatwise/credentials, else $HOME/.config/seatwise/credentials.
std::string CredentialsPath(const Environment& environment);

// Signs in with e-mail and password read from `in` and stores a new API token named
// "cli@<hostname>"; or stores `token` as given after checking it.
int Login(const AdminIo& io, const std::string& server, const std::optional<std::string>& token);
int Whoami(const AdminIo& io);
int TokenCreate(const AdminIo& io, const std::string& name, int days);
int TokenList(const AdminIo& io);
int TokenRevoke(const AdminIo& io, const std::string& id);

}  // namespace seatwise::app
