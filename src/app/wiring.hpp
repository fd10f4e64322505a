#pragma once
// How the composition root turns the typed config into each layer's options; declared so
// tests can hold the defaults a real `seatwise serve` runs with to what they must mean.

#include "app/config.hpp"
#include "app/secret_key.hpp"
#include "http/auth.hpp"
#include "http/server.hpp"
#include "service/entitlements.hpp"
#include "service/identity.hpp"
#include "service/tokens.hpp"

namespace seatwise::app {

http::ServerOptions ServerOptionsFrom(const ServerConfig& server);
http::AuthOptions AuthOptionsFrom(const Config& config);
service::IdentityOptions IdentityOptionsFrom(const Config& config, const SecretKey& key);
service::EntitlementOptions EntitlementOptionsFrom(const Config& config, const SecretKey& key);
service::TokenOptions TokenOptionsFrom(const Config& config);

}  // namespace seatwise::app
