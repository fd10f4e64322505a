#pragma once
// What every use case receives: who is calling and from where, and the shared objects it
// works with. The http layer builds a Caller per request; jobs and the CLI build their own.

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/database.hpp"
#include "store/repositories.hpp"

namespace seatwise::service {

// How the caller proved who they are.
enum class AuthMethod {
  kAnonymous,    // nobody signed in (sign-in, invitation accept, password reset, ...)
  kSession,      // portal session cookie (+ CSRF token on state changes)
  kApiToken,     // personal API token, `Authorization: Bearer swp_...`
  kAccessToken,  // OAuth access token from the device grant, `Authorization: Bearer swa_...`
  kDevice,       // a computer's own credential, `Authorization: Bearer swm_...` (client routes)
  kSystem,       // a scheduled job or a local admin command
};

// The authenticated identity behind a request. Team roles are not cached here: services
// read them inside their transaction, so a role change takes effect at once.
struct Principal {
  AuthMethod method = AuthMethod::kAnonymous;
  std::string user_id;                     // empty when anonymous, system or a device
  bool is_operator = false;                // the publisher's staff
  std::optional<std::string> reseller_id;  // staff of this reseller
  std::string credential_id;               // session, API token or refresh-token family id
  bool mfa_verified = false;               // sessions: TOTP passed at sign-in (or not enrolled)
  std::string device_id;                   // kDevice: the computer that proved itself

  bool authenticated() const {
    return method != AuthMethod::kAnonymous && method != AuthMethod::kSystem;
  }
};

// Where a request came from, for audit entries and rate limits.
struct RequestMeta {
  std::string ip;
  std::string request_id;
  std::string user_agent;
};

struct Caller {
  Principal principal;
  RequestMeta meta;
};

// The shared objects a service works with; owned by the composition root.
struct Deps {
  store::Database& db;
  store::Repositories& repos;
  const core::Clock& clock;
  core::Random& random;
};

}  // namespace seatwise::service
