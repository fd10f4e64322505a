#pragma once
// Admin subcommands that talk to a running server with an API token: login, whoami and
// token create/list/revoke. Tables for people, --json for scripts.

#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include <boost/json/value.hpp>

#include "app/cli.hpp"
#include "app/http_client.hpp"
#include "core/result.hpp"

namespace seatwise::app {

struct AdminIo {
  const Environment& environment;
  std::istream& in;
  bool in_is_terminal = false;  // read the password without echo
  std::ostream& out;
  std::ostream& err;
  bool json = false;
};

// The server and API token `seatwise login` stored.
struct Credentials {
  std::string server;
  std::string token;
};

// kUnauthenticated with what to run when nobody is logged in.
core::Result<Credentials> LoadCredentials(const Environment& environment);
// An authenticated request with the stored token; a JSON body when `body` is not empty.
core::Result<HttpReply> Call(const Credentials& credentials, const std::string& method,
                             const std::string& target, const std::string& body = "");
// The problem detail of an error reply and its status, or just the status.
std::string Describe(const HttpReply& reply);
// Prints "seatwise: <message>" and returns the failure exit code.
int Fail(const AdminIo& io, const std::string& message);
// A JSON value as table text: strings bare, null as "-".
std::string Str(const boost::json::value& v);

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
