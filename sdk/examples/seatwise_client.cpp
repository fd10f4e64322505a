// seatwise-client: a command-line stand-in for a desktop product. It drives the online flows
// of libseatwise against a Seatwise server: sign-in with the device grant, activation,
// offline check, refresh, serial-number activation, enrolment, network leases, borrowing and
// usage events.

#include <seatwise/seatwise.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// Exit codes, also listed by --help.
constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;  // not licensed: refused, revoked, invalid or expired
constexpr int kExitUsage = 2;    // bad command line
constexpr int kExitFailed = 3;   // server unreachable, cache unreadable, other failure
constexpr int kExitSignIn = 4;   // not signed in, or the sign-in was denied or expired

constexpr const char* kHelp =
    R"(usage: seatwise-client --server URL --product CODE --cache DIR [options] COMMAND

commands:
  signin [--no-wait | --poll]  sign in with a code shown here and approved in a browser;
                               --no-wait prints the code and exits, --poll finishes a
                               sign-in started earlier
  signout                      forget the sign-in (a device credential stays)
  activate                     register this computer and activate the product
  check                        check the cached licence offline; prints its state, the
                               days left and its claims as "key: value" lines
  refresh                      renew the cached licence online
  serial activate SERIAL KEY   activate with a serial number and product key (no sign-in)
  serial refresh               renew a serial activation with the device credential
  serial deactivate            deactivate it here, freeing its seat for another computer
  enroll                       give this computer a device credential (needs a sign-in once);
                               leases and usage then work without a sign-in
  lease checkout               check out a network seat; prints the lease id
  lease release ID             release a network seat
  borrow DAYS                  check out a network seat and borrow it for DAYS days
  return ID                    return a borrowed seat early (frees it)
  usage start | usage stop     queue a product start or stop event (offline)
  usage flush                  upload the queued usage events

options:
  --app-version V              the product version reported for this computer
  --machine-id-file FILE       identify this computer by FILE instead of /etc/machine-id
  --team ID                    the team this computer registers in (a user in several
                               teams must name one)
  --jwks FILE                  pinned public keys (the server's /.well-known/jwks.json), as
                               a product compiles them in; required unless the next is given
  --trust-on-first-use         demos only: fetch the keys at the first activation and keep
                               them in the cache directory; whoever can write that directory
                               can then swap them
  --now UNIX_SECONDS           the client's clock (for check, usage events and expiry
                               decisions) instead of the system time
  --help                       this text

exit codes:
  0  done (check: the licence may be used)
  1  not licensed: refused, revoked, expired or invalid, or nothing activated to
     refresh or deactivate
  2  bad command line
  3  the server could not be reached, or another failure
  4  not signed in, or the sign-in was denied or expired
)";

int ExitFor(sw_status status) {
  switch (status) {
    case SW_OK:
      return kExitOk;
    case SW_E_REFUSED:
    case SW_E_REVOKED:
    case SW_E_NO_TOKEN:
      return kExitRefused;
    case SW_E_INVALID_ARGUMENT:
      return kExitUsage;
    case SW_E_DENIED:
    case SW_E_EXPIRED:
    case SW_E_NOT_SIGNED_IN:
    case SW_PENDING:
      return kExitSignIn;
    default:
      return kExitFailed;
  }
}

int Report(sw_client* client, sw_status status, const std::string& what) {
  const std::string reason = sw_client_last_error(client);
  std::cerr << what << ": " << (reason.empty() ? sw_status_message(status) : reason) << "\n";
  return ExitFor(status);
}

std::int64_t FixedClock(void* context) { return *static_cast<const std::int64_t*>(context); }

void PrintSignin(const sw_signin& signin) {
  std::cout << "To sign in, open " << signin.verification_uri << " and enter the code "
            << signin.user_code << "\n";
  if (signin.verification_uri_complete[0] != '\0') {
    std::cout << "or open " << signin.verification_uri_complete << "\n";
  }
  std::cout << "code " << signin.user_code << "\n" << std::flush;
}

int WaitForSignin(sw_client* client) {
  sw_signin pending{};
  sw_status status = sw_signin_pending(client, &pending);
  if (status != SW_OK) {
    return Report(client, status, "sign-in");
  }
  for (;;) {
    status = sw_signin_poll(client);
    if (status == SW_OK) {
      std::cout << "signed in\n";
      return kExitOk;
    }
    if (status != SW_PENDING) {
      return Report(client, status, "sign-in");
    }
    // slow_down raises the interval; the code's expiry bounds the wait.
    if (sw_signin_pending(client, &pending) != SW_OK ||
        sw_client_now(client) >= pending.expires_at) {
      std::cerr << "sign-in: the code expired before it was approved; sign in again\n";
      return kExitSignIn;
    }
    std::this_thread::sleep_for(std::chrono::seconds(pending.interval));
  }
}

int Signin(sw_client* client, const std::map<std::string, std::string>& flags) {
  if (flags.count("poll") != 0) {
    return WaitForSignin(client);
  }
  sw_signin signin{};
  const sw_status status = sw_signin_start(client, &signin);
  if (status != SW_OK) {
    return Report(client, status, "sign-in");
  }
  PrintSignin(signin);
  if (flags.count("no-wait") != 0) {
    return kExitOk;
  }
  return WaitForSignin(client);
}

// The outcome of a check as stable "key: value" lines; claims only when a token verified (a
// revoked token dropped from the cache has none).
void PrintClaims(const sw_check_result& result) {
  std::cout << "state: " << sw_token_state_name(result.state) << "\n"
            << "days_left: " << result.days_left << "\n";
  if (result.state == SW_TOKEN_MISSING || result.state == SW_TOKEN_INVALID ||
      result.kind[0] == '\0') {
    return;
  }
  std::cout << "kind: " << result.kind << "\n"
            << "activation_id: " << result.activation_id << "\n"
            << "user: " << (result.has_user ? result.user : "none") << "\n"
            << "product: " << result.product << "\n"
            << "product_code: " << result.product_code << "\n"
            << "subscription: " << result.subscription << "\n"
            << "device: " << result.device << "\n"
            << "issued_at: " << result.issued_at << "\n"
            << "reauth_at: " << result.reauth_at << "\n"
            << "warn_from: " << result.warn_from << "\n"
            << "grace_until: " << result.grace_until << "\n";
}

int Check(sw_client* client) {
  sw_check_result result{};
  const sw_status status = sw_token_check(client, sw_client_now(client), &result);
  if (status != SW_OK) {
    return Report(client, status, "check");
  }
  std::cout << "state " << sw_token_state_name(result.state) << "\n";
  PrintClaims(result);
  switch (result.state) {
    case SW_TOKEN_VALID:
    case SW_TOKEN_REAUTHORIZE:
      std::cout << "licensed to " << (result.has_user ? result.user : "this computer") << " for "
                << result.product_code << "\n";
      return kExitOk;
    case SW_TOKEN_GRACE_WARNING:
      std::cout << "connect within " << result.days_left << " days to keep working\n";
      return kExitOk;
    case SW_TOKEN_MISSING:
      std::cout << "not licensed: sign in and activate\n";
      return kExitRefused;
    case SW_TOKEN_EXPIRED:
      std::cout << "not licensed: the offline period is over; connect to renew\n";
      return kExitRefused;
    case SW_TOKEN_REVOKED:
      std::cout << "not licensed: revoked; sign in again\n";
      return kExitRefused;
    case SW_TOKEN_INVALID:
      std::cout << "not licensed: the cached licence is invalid (" << sw_client_last_error(client)
                << "); sign in again\n";
      return kExitRefused;
  }
  return kExitRefused;
}

void PrintLease(const sw_lease& lease) {
  std::cout << "lease " << lease.lease_id << "\n";
  if (lease.expires_at[0] != '\0') {
    std::cout << "expires " << lease.expires_at << "\n";
  }
  if (lease.borrowed_until[0] != '\0') {
    std::cout << "borrowed until " << lease.borrowed_until << "\n";
  }
  if (lease.heartbeat_every_seconds > 0) {
    std::cout << "heartbeat every " << lease.heartbeat_every_seconds << " s\n";
  }
}

bool ParseDays(const std::string& text, int& days) {
  if (text.empty() || text.size() > 4 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  days = std::stoi(text);
  return days >= 1;
}

int Run(sw_client* client, const std::vector<std::string>& args,
        const std::map<std::string, std::string>& flags) {
  const std::string& command = args[0];
  sw_status status = SW_OK;
  if (command == "signin" && args.size() == 1) {
    return Signin(client, flags);
  }
  if (command == "activate" && args.size() == 1) {
    status = sw_activate(client);
    if (status != SW_OK) {
      return Report(client, status, "activation refused");
    }
    std::cout << "activated\n";
    return Check(client);
  }
  if (command == "check" && args.size() == 1) {
    return Check(client);
  }
  if (command == "refresh" && args.size() == 1) {
    status = sw_refresh(client);
    if (status != SW_OK) {
      return Report(client, status, "refresh refused");
    }
    std::cout << "refreshed\n";
    return Check(client);
  }
  if (command == "lease" && args.size() == 2 && args[1] == "checkout") {
    sw_lease lease{};
    status = sw_lease_checkout(client, &lease);
    if (status != SW_OK) {
      return Report(client, status, "checkout refused");
    }
    PrintLease(lease);
    return kExitOk;
  }
  if ((command == "lease" && args.size() == 3 && args[1] == "release") ||
      (command == "return" && args.size() == 2)) {
    const std::string& lease_id = args.back();
    status = sw_lease_release(client, lease_id.c_str());
    if (status != SW_OK) {
      return Report(client, status, command == "return" ? "return failed" : "release failed");
    }
    std::cout << (command == "return" ? "returned " : "released ") << lease_id << "\n";
    return kExitOk;
  }
  if (command == "signout" && args.size() == 1) {
    status = sw_signout(client);
    if (status != SW_OK) {
      return Report(client, status, "sign-out");
    }
    std::cout << "signed out\n";
    return kExitOk;
  }
  if (command == "serial" && args.size() == 4 && args[1] == "activate") {
    status = sw_serial_activate(client, args[2].c_str(), args[3].c_str());
    if (status != SW_OK) {
      return Report(client, status, "activation refused");
    }
    std::cout << "activated\n";
    return Check(client);
  }
  if (command == "serial" && args.size() == 2 && args[1] == "refresh") {
    status = sw_serial_refresh(client);
    if (status != SW_OK) {
      return Report(client, status, "refresh refused");
    }
    std::cout << "refreshed\n";
    return Check(client);
  }
  if (command == "serial" && args.size() == 2 && args[1] == "deactivate") {
    status = sw_serial_deactivate(client);
    if (status != SW_OK) {
      return Report(client, status, "deactivation failed");
    }
    std::cout << "deactivated\n";
    return kExitOk;
  }
  if (command == "enroll" && args.size() == 1) {
    status = sw_device_enroll(client);
    if (status != SW_OK) {
      return Report(client, status, "enrolment refused");
    }
    std::cout << "enrolled\n";
    return kExitOk;
  }
  int days = 0;
  if (command == "borrow" && args.size() == 2 && ParseDays(args[1], days)) {
    sw_lease lease{};
    status = sw_lease_checkout(client, &lease);
    if (status != SW_OK) {
      return Report(client, status, "checkout refused");
    }
    const std::string lease_id = lease.lease_id;
    status = sw_lease_borrow(client, lease_id.c_str(), days, &lease);
    if (status != SW_OK) {
      const int code = Report(client, status, "borrow refused");
      sw_lease_release(client, lease_id.c_str());
      return code;
    }
    PrintLease(lease);
    return kExitOk;
  }
  if (command == "usage" && args.size() == 2 && (args[1] == "start" || args[1] == "stop")) {
    // 0: the event takes the client's clock (--now, or the system time).
    status = sw_usage_record(client, args[1].c_str(), nullptr, 0);
    if (status != SW_OK) {
      return Report(client, status, "usage");
    }
    std::cout << "queued a " << args[1] << " event\n";
    return kExitOk;
  }
  if (command == "usage" && args.size() == 2 && args[1] == "flush") {
    sw_usage_flush_result result{};
    status = sw_usage_flush(client, &result);
    if (status != SW_OK) {
      return Report(client, status, "usage upload");
    }
    if (result.sent == 0) {
      std::cout << "nothing to send\n";
    } else {
      std::cout << "sent " << result.sent << ": accepted " << result.accepted << ", duplicates "
                << result.duplicates << ", rejected " << result.rejected << "\n";
    }
    return kExitOk;
  }
  std::cerr << "unknown command or arguments; see --help\n";
  return kExitUsage;
}

bool ReadFile(const std::string& path, std::string& text) {
  std::ifstream in(path);
  if (!in) {
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> valued{"server",          "product", "cache", "app-version",
                                        "machine-id-file", "jwks",    "now",   "team"};
  const std::vector<std::string> switches{"no-wait", "poll", "help", "trust-on-first-use"};
  std::map<std::string, std::string> flags;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      args.push_back(arg);
      continue;
    }
    const std::string name = arg.substr(2);
    bool known = false;
    for (const std::string& option : valued) {
      if (name == option) {
        if (i + 1 >= argc) {
          std::cerr << arg << " needs a value; see --help\n";
          return kExitUsage;
        }
        flags[name] = argv[++i];
        known = true;
      }
    }
    for (const std::string& option : switches) {
      if (name == option) {
        flags[name] = "";
        known = true;
      }
    }
    if (!known) {
      std::cerr << "unknown option " << arg << "; see --help\n";
      return kExitUsage;
    }
  }
  if (flags.count("help") != 0) {
    std::cout << kHelp;
    return kExitOk;
  }
  if (args.empty() || flags.count("server") == 0 || flags.count("product") == 0 ||
      flags.count("cache") == 0) {
    std::cerr << kHelp;
    return kExitUsage;
  }
  std::string jwks;
  if (flags.count("jwks") != 0 && !ReadFile(flags["jwks"], jwks)) {
    std::cerr << "cannot read the keys " << flags["jwks"] << "\n";
    return kExitFailed;
  }
  if (jwks.empty() && flags.count("trust-on-first-use") == 0) {
    std::cerr << "no keys to check licences with: pass --jwks FILE (the server's "
                 "/.well-known/jwks.json) or, for a demo, --trust-on-first-use\n";
    return kExitUsage;
  }
  std::int64_t now = 0;
  if (flags.count("now") != 0) {
    const std::string& text = flags["now"];
    if (text.empty() || text.size() > 15 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
      std::cerr << "--now needs Unix seconds (digits only); see --help\n";
      return kExitUsage;
    }
    now = std::stoll(text);
  }
  sw_config config{};
  config.server_url = flags["server"].c_str();
  config.product_code = flags["product"].c_str();
  config.jwks_json = jwks.c_str();
  config.cache_dir = flags["cache"].c_str();
  config.app_version = flags.count("app-version") != 0 ? flags["app-version"].c_str() : "";
  config.machine_id_file =
      flags.count("machine-id-file") != 0 ? flags["machine-id-file"].c_str() : nullptr;
  config.team_id = flags.count("team") != 0 ? flags["team"].c_str() : nullptr;
  config.trust_on_first_use = flags.count("trust-on-first-use") != 0 ? 1 : 0;
  if (flags.count("now") != 0) {
    config.now_unix = FixedClock;
    config.now_context = &now;
  }
  sw_client* client = nullptr;
  const sw_status status = sw_client_new(&config, &client);
  if (status != SW_OK) {
    std::cerr << "configuration refused: " << sw_status_message(status) << "\n";
    return ExitFor(status);
  }
  const int code = Run(client, args, flags);
  sw_client_free(client);
  return code;
}
