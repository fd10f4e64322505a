#include "app/admin_commands.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <boost/json.hpp>

#include <array>
#include <cctype>
#include <cerrno>
#include <filesystem>
#include <sstream>

#include "app/http_client.hpp"
#include "app/logging.hpp"

namespace seatwise::app {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string EnvOr(const Environment& environment, const std::string& name) {
  auto it = environment.find(name);
  return it == environment.end() ? "" : it->second;
}

core::Result<void> SaveCredentials(const std::string& path, const Credentials& credentials) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string text = fmt::format("# written by seatwise login\nserver = {}\ntoken = {}\n",
                                 JsonString(credentials.server), JsonString(credentials.token));
  std::string temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0 ||
      ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
      ::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    int error = errno;
    if (fd >= 0) ::unlink(temp.c_str());
    return core::MakeError(core::ErrorCode::kUnavailable,
                           fmt::format("cannot write {}: {}", path,
                                       std::error_code(error, std::generic_category()).message()));
  }
  return core::Ok();
}

}  // namespace

core::Result<Credentials> LoadCredentials(const Environment& environment) {
  std::string path = CredentialsPath(environment);
  try {
    toml::table table = toml::parse_file(path);
    Credentials credentials{table["server"].value_or(std::string()),
                            table["token"].value_or(std::string())};
    if (credentials.server.empty() || credentials.token.empty()) {
      return core::MakeError(core::ErrorCode::kUnauthenticated,
                             path + " is incomplete; run `seatwise login --server URL`");
    }
    return credentials;
  } catch (const toml::parse_error&) {
    return core::MakeError(core::ErrorCode::kUnauthenticated,
                           "not logged in (" + path + "); run `seatwise login --server URL`");
  }
}

std::string Describe(const HttpReply& reply) {
  boost::system::error_code ec;
  auto body = boost::json::parse(reply.body, ec);
  if (!ec && body.is_object()) {
    const auto& o = body.as_object();
    if (auto* detail = o.if_contains("detail"); detail && detail->is_string()) {
      return fmt::format("{} ({})", std::string(detail->as_string()), reply.status);
    }
    if (auto* error = o.if_contains("error"); error && error->is_string()) {
      return fmt::format("{} ({})", std::string(error->as_string()), reply.status);
    }
  }
  return fmt::format("the server answered {}", reply.status);
}

int Fail(const AdminIo& io, const std::string& message) {
  io.err << "seatwise: " << message << "\n";
  return kExitFailure;
}

namespace {

std::string ReadLine(const AdminIo& io, const std::string& prompt, bool secret) {
  if (io.in_is_terminal) io.err << prompt << std::flush;
  termios saved{};
  bool hide = secret && io.in_is_terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (hide) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(io.in, line);
  if (hide) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    io.err << "\n";
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

std::string Str(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "-";
  return boost::json::serialize(v);
}

core::Result<HttpReply> Call(const Credentials& credentials, const std::string& method,
                             const std::string& target, const std::string& body) {
  SW_ASSIGN_OR_RETURN(HttpClient client, HttpClient::ForUrl(credentials.server));
  Headers headers{{"Authorization", "Bearer " + credentials.token}, {"Accept", "application/json"}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return client.Send(method, target, headers, body);
}

namespace {

void PrintTokens(std::ostream& out, const boost::json::array& items) {
  out << fmt::format("{:<30} {:<24} {:<14} {:<25} {}\n", "ID", "NAME", "PREFIX", "EXPIRES",
                     "LAST USED");
  for (const auto& item : items) {
    const auto& t = item.as_object();
    out << fmt::format("{:<30} {:<24} {:<14} {:<25} {}\n", Str(t.at("id")), Str(t.at("name")),
                       Str(t.at("display_prefix")), Str(t.at("expires_at")),
                       Str(t.at("last_used_at")));
  }
}

std::string Hostname() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return "localhost";
  return name.data();
}

}  // namespace

std::string CredentialsPath(const Environment& environment) {
  std::string base = EnvOr(environment, "XDG_CONFIG_HOME");
  if (base.empty()) base = EnvOr(environment, "HOME") + "/.config";
  return base + "/seatwise/credentials";
}

int Login(const AdminIo& io, const std::string& server, const std::optional<std::string>& token) {
  auto client = HttpClient::ForUrl(server);
  if (!client.ok()) return Fail(io, client.error().message);
  Credentials credentials{client->base_url(), token.value_or("")};
  if (!token) {
    std::string email = ReadLine(io, "E-mail: ", false);
    std::string password = ReadLine(io, "Password: ", true);
    if (email.empty() || password.empty()) return Fail(io, "e-mail and password are required");
    boost::json::object sign_in{{"email", email}, {"password", password}};
    auto signed_in =
        client->Send("POST", "/api/v1/auth/sign-in", {{"Content-Type", "application/json"}},
                     boost::json::serialize(sign_in));
    if (!signed_in.ok()) return Fail(io, signed_in.error().message);
    if (signed_in->status != 200) return Fail(io, "sign-in failed: " + Describe(*signed_in));
    std::string session;
    for (const auto& cookie : signed_in->Headers("set-cookie")) {
      if (cookie.starts_with("sw_session=")) session = cookie.substr(11, cookie.find(';') - 11);
    }
    boost::system::error_code ec;
    auto body = boost::json::parse(signed_in->body, ec);
    if (ec || session.empty() || !body.is_object() || !body.as_object().contains("csrf_token")) {
      return Fail(io, "the server's sign-in answer has no session");
    }
    std::string csrf(body.as_object().at("csrf_token").as_string());
    boost::json::object create{{"name", "cli@" + Hostname()}, {"expires_in_days", 90}};
    auto created = client->Send("POST", "/api/v1/me/tokens",
                                {{"Content-Type", "application/json"},
                                 {"Cookie", "sw_session=" + session},
                                 {"X-CSRF-Token", csrf}},
                                boost::json::serialize(create));
    // The session was only needed to mint the token.
    (void)client->Send("POST", "/api/v1/auth/sign-out",
                       {{"Cookie", "sw_session=" + session}, {"X-CSRF-Token", csrf}});
    if (!created.ok()) return Fail(io, created.error().message);
    if (created->status != 201) return Fail(io, "creating a token failed: " + Describe(*created));
    auto token_body = boost::json::parse(created->body, ec);
    if (ec || !token_body.is_object() || !token_body.as_object().contains("token")) {
      return Fail(io, "the server's token answer has no token");
    }
    credentials.token = std::string(token_body.as_object().at("token").as_string());
  }
  auto me = Call(credentials, "GET", "/api/v1/me");
  if (!me.ok()) return Fail(io, me.error().message);
  if (me->status != 200) return Fail(io, "the token does not work: " + Describe(*me));
  std::string path = CredentialsPath(io.environment);
  if (auto saved = SaveCredentials(path, credentials); !saved.ok()) {
    return Fail(io, saved.error().message);
  }
  if (io.json) {
    io.out << boost::json::serialize(
                  boost::json::object{{"server", credentials.server}, {"credentials", path}})
           << "\n";
  } else {
    io.out << "Logged in to " << credentials.server << "; token stored in " << path << "\n";
  }
  return kExitOk;
}

int Whoami(const AdminIo& io) {
  auto credentials = LoadCredentials(io.environment);
  if (!credentials.ok()) return Fail(io, credentials.error().message);
  auto me = Call(*credentials, "GET", "/api/v1/me");
  if (!me.ok()) return Fail(io, me.error().message);
  if (me->status != 200) return Fail(io, Describe(*me));
  if (io.json) {
    io.out << me->body << "\n";
    return kExitOk;
  }
  boost::system::error_code ec;
  auto body = boost::json::parse(me->body, ec);
  if (ec || !body.is_object()) return Fail(io, "unexpected answer from the server");
  const auto& user = body.at("user").as_object();
  io.out << Str(user.at("first_name")) << " " << Str(user.at("last_name")) << " <"
         << Str(user.at("email")) << ">  " << Str(user.at("id")) << "\n";
  io.out << "server: " << credentials->server << "\n";
  for (const auto& m : body.at("memberships").as_array()) {
    const auto& o = m.as_object();
    io.out << "  " << Str(o.at("team_name")) << ": " << Str(o.at("role")) << "\n";
  }
  for (const auto& c : body.at("contracts").as_array()) {
    const auto& o = c.as_object();
    io.out << "  contract " << Str(o.at("number")) << ": " << Str(o.at("role")) << "\n";
  }
  return kExitOk;
}

int TokenCreate(const AdminIo& io, const std::string& name, int days) {
  auto credentials = LoadCredentials(io.environment);
  if (!credentials.ok()) return Fail(io, credentials.error().message);
  boost::json::object create{{"name", name}, {"expires_in_days", days}};
  auto created = Call(*credentials, "POST", "/api/v1/me/tokens", boost::json::serialize(create));
  if (!created.ok()) return Fail(io, created.error().message);
  if (created->status != 201) return Fail(io, Describe(*created));
  if (io.json) {
    io.out << created->body << "\n";
    return kExitOk;
  }
  auto body = boost::json::parse(created->body);
  io.out << "Token " << Str(body.at("id")) << " (" << Str(body.at("name")) << "), expires "
         << Str(body.at("expires_at")) << ":\n"
         << Str(body.at("token")) << "\nIt is shown only now.\n";
  return kExitOk;
}

int TokenList(const AdminIo& io) {
  auto credentials = LoadCredentials(io.environment);
  if (!credentials.ok()) return Fail(io, credentials.error().message);
  auto list = Call(*credentials, "GET", "/api/v1/me/tokens");
  if (!list.ok()) return Fail(io, list.error().message);
  if (list->status != 200) return Fail(io, Describe(*list));
  if (io.json) {
    io.out << list->body << "\n";
    return kExitOk;
  }
  PrintTokens(io.out, boost::json::parse(list->body).at("items").as_array());
  return kExitOk;
}

int TokenRevoke(const AdminIo& io, const std::string& id) {
  auto credentials = LoadCredentials(io.environment);
  if (!credentials.ok()) return Fail(io, credentials.error().message);
  std::string safe_id;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') safe_id.push_back(c);
  }
  if (safe_id.empty() || safe_id != id) return Fail(io, "a token id is letters, digits, _ and -");
  auto revoked = Call(*credentials, "DELETE", "/api/v1/me/tokens/" + safe_id);
  if (!revoked.ok()) return Fail(io, revoked.error().message);
  if (revoked->status != 204) return Fail(io, Describe(*revoked));
  if (io.json) {
    io.out << boost::json::serialize(boost::json::object{{"revoked", safe_id}}) << "\n";
  } else {
    io.out << "Revoked " << safe_id << "\n";
  }
  return kExitOk;
}

}  // namespace seatwise::app
