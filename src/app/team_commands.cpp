#include "app/team_commands.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

namespace seatwise::app {
namespace {

namespace json = boost::json;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// The reply's JSON body when it has the expected status, else the failure to report.
core::Result<json::value> Expect(const core::Result<HttpReply>& reply,
                                 std::initializer_list<int> ok) {
  if (!reply.ok()) return reply.error();
  if (std::find(ok.begin(), ok.end(), reply->status) == ok.end()) {
    return core::MakeError(core::ErrorCode::kFailedPrecondition, Describe(*reply));
  }
  boost::system::error_code ec;
  json::value body = json::parse(reply->body, ec);
  if (ec) return core::MakeError(core::ErrorCode::kInternal, "the server's answer is not JSON");
  return body;
}

const json::value* Field(const json::value& value, std::string_view name) {
  if (!value.is_object()) return nullptr;
  return value.as_object().if_contains(name);
}

std::string Text(const json::value& value, std::string_view name) {
  const json::value* field = Field(value, name);
  return field ? Str(*field) : "-";
}

// One session of commands: the stored credentials and the output settings.
class Client {
 public:
  explicit Client(const AdminIo& io) : io_(io) {}

  bool Ready() {
    auto loaded = LoadCredentials(io_.environment);
    if (!loaded.ok()) {
      Fail(io_, loaded.error().message);
      return false;
    }
    credentials_ = std::move(*loaded);
    return true;
  }

  core::Result<json::value> Get(const std::string& target) {
    return Expect(Call(credentials_, "GET", target), {200});
  }
  core::Result<json::value> Send(const std::string& method, const std::string& target,
                                 const json::value& body, std::initializer_list<int> ok) {
    return Expect(Call(credentials_, method, target, json::serialize(body)), ok);
  }

  // A team id from an id, a team name, or (when empty) the one team the caller administers.
  core::Result<std::string> ResolveTeam(const std::string& team) {
    if (team.starts_with("team_")) return team;
    SW_ASSIGN_OR_RETURN(json::value me, Get("/api/v1/me"));
    std::vector<std::pair<std::string, std::string>> candidates;  // id, name
    const json::value* memberships = Field(me, "memberships");
    if (memberships != nullptr && memberships->is_array()) {
      for (const auto& m : memberships->as_array()) {
        const std::string name = Text(m, "team_name");
        const std::string role = Text(m, "role");
        if (team.empty() ? (role == "primary_admin" || role == "secondary_admin")
                         : Lower(name) == Lower(team)) {
          candidates.emplace_back(Text(m, "team_id"), name);
        }
      }
    }
    if (candidates.size() == 1) return candidates.front().first;
    if (team.empty()) {
      return core::MakeError(core::ErrorCode::kInvalidArgument,
                             candidates.empty()
                                 ? "you administer no team; name one with --team"
                                 : "you administer several teams; name one with --team");
    }
    return core::MakeError(core::ErrorCode::kNotFound,
                           candidates.empty() ? "you are not a member of a team named \"" + team +
                                                    "\"; give its id (team_...) instead"
                                              : "several teams are named \"" + team +
                                                    "\"; give the id (team_...) instead");
  }

  // A user id from an id or an e-mail address of a member of `team`.
  core::Result<std::string> ResolveUser(const std::string& team, const std::string& user) {
    if (user.find('@') == std::string::npos) return user;
    SW_ASSIGN_OR_RETURN(json::value page, Get("/api/v1/teams/" + team +
                                              "/users?limit=50&search=" + PercentEncode(user)));
    const json::value* items = Field(page, "items");
    if (items != nullptr && items->is_array()) {
      for (const auto& item : items->as_array()) {
        if (Lower(Text(item, "email")) == Lower(user)) return Text(item, "id");
      }
    }
    return core::MakeError(core::ErrorCode::kNotFound, user + " is not a member of the team");
  }

  // A subscription id from an id or a product, collection or service code on the team.
  core::Result<std::string> ResolveSubscription(const std::string& team, const std::string& sub) {
    if (sub.starts_with("sub_")) return sub;
    SW_ASSIGN_OR_RETURN(json::value products, Get("/api/v1/teams/" + team + "/products"));
    std::vector<std::string> found;
    const json::value* items = Field(products, "items");
    if (items != nullptr && items->is_array()) {
      for (const auto& item : items->as_array()) {
        const json::value* what = Field(item, "item");
        if (what != nullptr && Lower(Text(*what, "code")) == Lower(sub)) {
          found.push_back(Text(item, "subscription_id"));
        }
      }
    }
    if (found.size() == 1) return found.front();
    if (found.empty()) {
      return core::MakeError(
          core::ErrorCode::kNotFound,
          "the team has no subscription for \"" + sub + "\"; see `seatwise products list`");
    }
    std::string ids;
    for (const auto& id : found) ids += (ids.empty() ? "" : ", ") + id;
    return core::MakeError(
        core::ErrorCode::kInvalidArgument,
        "several subscriptions are for \"" + sub + "\" (" + ids + "); give the subscription id");
  }

  // A contract id from an id or a contract number.
  core::Result<std::string> ResolveContract(const std::string& contract) {
    if (contract.starts_with("ctr_")) return contract;
    std::string after;
    for (int pages = 0; pages < 100; ++pages) {
      SW_ASSIGN_OR_RETURN(json::value page,
                          Get("/api/v1/contracts?limit=200" +
                              (after.empty() ? std::string() : "&after=" + PercentEncode(after))));
      const json::value* items = Field(page, "items");
      if (items != nullptr && items->is_array()) {
        for (const auto& item : items->as_array()) {
          if (Text(item, "number") == contract) return Text(item, "id");
        }
      }
      const json::value* next = Field(page, "next_after");
      if (next == nullptr || !next->is_string() || next->as_string().empty()) break;
      after = std::string(next->as_string());
    }
    return core::MakeError(core::ErrorCode::kNotFound,
                           "no contract you may see has the number " + contract);
  }

  // Prints the body as JSON, or runs `table` on it; the exit code.
  int Print(const core::Result<json::value>& body,
            const std::function<void(const json::value&)>& table) {
    if (!body.ok()) return Fail(io_, body.error().message);
    if (io_.json) {
      io_.out << json::serialize(*body) << "\n";
    } else {
      table(*body);
    }
    return kExitOk;
  }

  std::ostream& out() { return io_.out; }
  int Failed(const core::Error& error) { return Fail(io_, error.message); }

 private:
  const AdminIo& io_;
  Credentials credentials_;
};

void PrintAssignments(std::ostream& out, const json::value& body) {
  int count = 0;
  if (const json::value* assigned = Field(body, "assigned"); assigned && assigned->is_array()) {
    count = static_cast<int>(assigned->as_array().size());
  } else if (Field(body, "id") != nullptr) {
    count = 1;
  }
  out << "Assigned " << count << (count == 1 ? " seat" : " seats");
  if (const json::value* already = Field(body, "already_assigned");
      already && already->is_array() && !already->as_array().empty()) {
    out << "; " << already->as_array().size() << " already held one";
  }
  out << "\n";
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

int UsersList(const AdminIo& io, const UserListOptions& options) {
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto team = client.ResolveTeam(options.team);
  if (!team.ok()) return client.Failed(team.error());
  std::string query = "?limit=200";
  if (!options.search.empty()) query += "&search=" + PercentEncode(options.search);
  if (!options.role.empty()) query += "&role=" + PercentEncode(options.role);
  if (!options.status.empty()) query += "&status=" + PercentEncode(options.status);
  // Every page, printed as one list.
  json::array all;
  std::string after;
  for (;;) {
    auto page = client.Get("/api/v1/teams/" + *team + "/users" + query +
                           (after.empty() ? "" : "&after=" + PercentEncode(after)));
    if (!page.ok()) return client.Failed(page.error());
    if (const json::value* items = Field(*page, "items"); items && items->is_array()) {
      for (const auto& item : items->as_array()) all.push_back(item);
    }
    const json::value* next = Field(*page, "next_after");
    if (next == nullptr || !next->is_string() || next->as_string().empty()) break;
    after = std::string(next->as_string());
  }
  return client.Print(json::value(json::object{{"items", all}}), [&](const json::value&) {
    client.out() << fmt::format("{:<30} {:<36} {:<28} {:<16} {}\n", "ID", "E-MAIL", "NAME", "ROLE",
                                "STATUS");
    for (const auto& u : all) {
      client.out() << fmt::format("{:<30} {:<36} {:<28} {:<16} {}\n", Text(u, "id"),
                                  Text(u, "email"),
                                  Text(u, "first_name") + " " + Text(u, "last_name"),
                                  Text(u, "role"), Text(u, "membership_status"));
    }
  });
}

int UsersInvite(const AdminIo& io, const std::string& team_name, const std::string& email,
                const std::string& first_name, const std::string& last_name) {
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto team = client.ResolveTeam(team_name);
  if (!team.ok()) return client.Failed(team.error());
  auto member = client.Send(
      "POST", "/api/v1/teams/" + *team + "/users",
      json::object{{"email", email}, {"first_name", first_name}, {"last_name", last_name}}, {201});
  return client.Print(member, [&](const json::value& m) {
    client.out() << "Invited " << Text(m, "email") << " (" << Text(m, "id")
                 << "); pending until they accept the e-mailed invitation\n";
  });
}

int UsersImport(const AdminIo& io, const std::string& team_name, const std::string& file) {
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  std::string csv;
  if (file == "-") {
    csv.assign(std::istreambuf_iterator<char>(io.in), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Fail(io, "cannot read " + file);
    csv.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  auto team = client.ResolveTeam(team_name);
  if (!team.ok()) return client.Failed(team.error());
  auto result = client.Send("POST", "/api/v1/teams/" + *team + "/users/import",
                            json::object{{"csv", csv}}, {200});
  return client.Print(result, [&](const json::value& r) {
    const json::value* summary = Field(r, "summary");
    if (summary != nullptr) {
      client.out() << "invited " << Text(*summary, "invited") << ", already members "
                   << Text(*summary, "already_member") << ", invalid " << Text(*summary, "invalid")
                   << "\n";
    }
    if (const json::value* rows = Field(r, "rows"); rows && rows->is_array()) {
      for (const auto& row : rows->as_array()) {
        const std::string outcome = Text(row, "result");
        if (outcome == "invited") continue;
        client.out() << "  line " << Text(row, "line") << " " << Text(row, "email") << ": "
                     << outcome << " — " << Text(row, "message") << "\n";
      }
    }
  });
}

int UsersRemove(const AdminIo& io, const std::string& team_name, const std::string& user_name) {
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto team = client.ResolveTeam(team_name);
  if (!team.ok()) return client.Failed(team.error());
  auto user = client.ResolveUser(*team, user_name);
  if (!user.ok()) return client.Failed(user.error());
  auto removal = client.Send("DELETE", "/api/v1/teams/" + *team + "/users/" + PercentEncode(*user),
                             json::object{}, {200});
  return client.Print(removal, [&](const json::value& r) {
    client.out() << "Removed " << user_name << ": " << Text(r, "seats_freed") << " seat(s) freed, "
                 << Text(r, "activations_revoked") << " activation(s) revoked, "
                 << Text(r, "leases_released") << " lease(s) released\n";
  });
}

int ProductsList(const AdminIo& io, const std::string& team_name) {
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto team = client.ResolveTeam(team_name);
  if (!team.ok()) return client.Failed(team.error());
  auto products = client.Get("/api/v1/teams/" + *team + "/products");
  return client.Print(products, [&](const json::value& body) {
    client.out() << fmt::format("{:<30} {:<10} {:<40} {:<12} {:<14} {:>5} {:>8}  {}\n",
                                "SUBSCRIPTION", "CODE", "NAME", "ACCESS", "ACTIVATION", "SEATS",
                                "ASSIGNED", "ENDS");
    const json::value* items = Field(body, "items");
    if (items == nullptr || !items->is_array()) return;
    for (const auto& s : items->as_array()) {
      const json::value* what = Field(s, "item");
      client.out() << fmt::format(
          "{:<30} {:<10} {:<40} {:<12} {:<14} {:>5} {:>8}  {}\n", Text(s, "subscription_id"),
          what ? Text(*what, "code") : "-", what ? Text(*what, "name") : "-", Text(s, "access"),
          Text(s, "activation"), Text(s, "seats"), Text(s, "assigned"), Text(s, "ends_at"));
    }
  });
}

int Assign(const AdminIo& io, const std::string& team_name,
           const std::vector<std::string>& subscriptions, const std::vector<std::string>& users) {
  if (subscriptions.empty() || users.empty()) {
    return Fail(io, "name at least one subscription (--product) and one person (--user)");
  }
  if (subscriptions.size() > 1 && users.size() > 1) {
    return Fail(io, "assign several people to one product, or several products to one person");
  }
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto team = client.ResolveTeam(team_name);
  if (!team.ok()) return client.Failed(team.error());
  std::vector<std::string> sub_ids;
  for (const auto& s : subscriptions) {
    auto id = client.ResolveSubscription(*team, s);
    if (!id.ok()) return client.Failed(id.error());
    sub_ids.push_back(*id);
  }
  json::array user_ids;
  for (const auto& u : users) {
    auto id = client.ResolveUser(*team, u);
    if (!id.ok()) return client.Failed(id.error());
    user_ids.push_back(json::value(*id));
  }
  if (sub_ids.size() == 1) {
    auto result = client.Send("POST",
                              "/api/v1/teams/" + *team + "/subscriptions/" +
                                  PercentEncode(sub_ids.front()) + "/assignments",
                              json::object{{"user_ids", user_ids}}, {200, 201});
    return client.Print(result, [&](const json::value& r) { PrintAssignments(client.out(), r); });
  }
  json::array subs;
  for (const auto& id : sub_ids) subs.push_back(json::value(id));
  auto result = client.Send("POST",
                            "/api/v1/teams/" + *team + "/users/" +
                                PercentEncode(std::string(user_ids[0].as_string())) + "/products",
                            json::object{{"subscription_ids", subs}}, {200, 201});
  return client.Print(result, [&](const json::value& r) { PrintAssignments(client.out(), r); });
}

int Unassign(const AdminIo& io, const std::string& team_name, const std::string& subscription,
             const std::vector<std::string>& users) {
  if (users.empty()) return Fail(io, "name at least one person (--user)");
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto team = client.ResolveTeam(team_name);
  if (!team.ok()) return client.Failed(team.error());
  auto sub = client.ResolveSubscription(*team, subscription);
  if (!sub.ok()) return client.Failed(sub.error());
  json::array user_ids;
  for (const auto& u : users) {
    auto id = client.ResolveUser(*team, u);
    if (!id.ok()) return client.Failed(id.error());
    user_ids.push_back(json::value(*id));
  }
  const std::string base =
      "/api/v1/teams/" + *team + "/subscriptions/" + PercentEncode(*sub) + "/assignments";
  auto result =
      user_ids.size() == 1
          ? client.Send("DELETE", base + "/" + PercentEncode(std::string(user_ids[0].as_string())),
                        json::object{}, {200})
          : client.Send("DELETE", base, json::object{{"user_ids", user_ids}}, {200});
  return client.Print(result, [&](const json::value&) {
    client.out() << "Unassigned " << user_ids.size() << (user_ids.size() == 1 ? " seat" : " seats")
                 << "; the seat" << (user_ids.size() == 1 ? " is" : "s are") << " free to assign\n";
  });
}

int ContractsList(const AdminIo& io) {
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto contracts = client.Get("/api/v1/contracts?limit=200");
  return client.Print(contracts, [&](const json::value& body) {
    client.out() << fmt::format("{:<30} {:<14} {:<16} {:<10} {:<26} {:>8}  {}\n", "ID", "NUMBER",
                                "SUBSCRIPTION ID", "STATUS", "ENDS", "CREDITS", "TEAM");
    const json::value* items = Field(body, "items");
    if (items == nullptr || !items->is_array()) return;
    for (const auto& c : items->as_array()) {
      const json::value* team = Field(c, "team");
      client.out() << fmt::format("{:<30} {:<14} {:<16} {:<10} {:<26} {:>8}  {}\n", Text(c, "id"),
                                  Text(c, "number"), Text(c, "subscription_ref"), Text(c, "status"),
                                  Text(c, "ends_at"), Text(c, "credit_balance"),
                                  team ? Text(*team, "name") : "-");
    }
  });
}

int ContractRenew(const AdminIo& io, const std::string& contract_name, std::optional<int> months) {
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto contract = client.ResolveContract(contract_name);
  if (!contract.ok()) return client.Failed(contract.error());
  json::object body;
  if (months) body["term_months"] = *months;
  auto renewed =
      client.Send("POST", "/api/v1/contracts/" + PercentEncode(*contract) + "/renew", body, {200});
  return client.Print(renewed, [&](const json::value& c) {
    client.out() << "Renewed contract " << Text(c, "number") << " until " << Text(c, "ends_at")
                 << " (" << Text(c, "status") << ")\n";
  });
}

int ContractMigrate(const AdminIo& io, const std::string& contract_name, bool dry_run) {
  Client client(io);
  if (!client.Ready()) return kExitFailure;
  auto contract = client.ResolveContract(contract_name);
  if (!contract.ok()) return client.Failed(contract.error());
  auto result =
      client.Send("POST", "/api/v1/contracts/" + PercentEncode(*contract) + "/migrate-to-sign-in",
                  json::object{{"dry_run", dry_run}}, {200});
  return client.Print(result, [&](const json::value& r) {
    client.out() << (dry_run ? "Would switch to sign-in:\n" : "Switched to sign-in:\n");
    if (const json::value* moved = Field(r, "migrated"); moved && moved->is_array()) {
      for (const auto& m : moved->as_array()) {
        client.out() << "  " << Text(m, "product") << " (serial " << Text(m, "serial_number")
                     << "): " << Text(m, "seats") << " seat(s); " << Text(m, "assignments_ended")
                     << " assignment(s) ended, " << Text(m, "activations_revoked")
                     << " serial activation(s) told to sign in; the Primary Admin holds the "
                        "seat until it is reassigned\n";
      }
    }
    if (const json::value* kept = Field(r, "skipped"); kept && kept->is_array()) {
      for (const auto& k : kept->as_array()) {
        client.out() << "  kept " << Text(k, "product") << ": " << Text(k, "reason") << "\n";
      }
    }
  });
}

}  // namespace seatwise::app
