/* The smallest product that uses libseatwise: configure a client, cache the entitlement
 * token given on the command line, check it offline and print what it allows.
 *
 *   minimal TOKEN CACHE_DIR
 *
 * Replace kPinnedKeys with the text your server answers at /.well-known/jwks.json. */
#include <seatwise/seatwise.h>

#include <stdio.h>
#include <time.h>

static const char kPinnedKeys[] =
    "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"alg\":\"EdDSA\",\"use\":\"sig\","
    "\"kid\":\"example-2026\",\"x\":\"WBKfRXwf81YcFljQDIu0xjLVWdPgbv9aL42-UAW1tf4\"}]}";

int main(int argc, char** argv) {
  sw_config config = {0};
  sw_client* client = NULL;
  sw_check_result check;
  char fingerprint[SW_FINGERPRINT_LENGTH + 1];
  sw_status status;

  if (argc != 3) {
    fprintf(stderr, "usage: %s TOKEN CACHE_DIR\n", argv[0]);
    return 2;
  }
  config.server_url = "https://licences.example.com";
  config.product_code = "DRL";
  config.jwks_json = kPinnedKeys;
  config.cache_dir = argv[2];
  status = sw_client_new(&config, &client);
  if (status != SW_OK) {
    fprintf(stderr, "configuration refused: %s\n", sw_status_message(status));
    return 1;
  }

  if (sw_device_fingerprint(fingerprint, sizeof fingerprint) == SW_OK) {
    printf("device %s\n", fingerprint);
  }

  status = sw_token_store(client, argv[1]);
  if (status == SW_OK) {
    status = sw_token_check(client, (int64_t)time(NULL), &check);
  }
  if (status != SW_OK) {
    fprintf(stderr, "%s: %s\n", sw_status_message(status), sw_client_last_error(client));
    sw_client_free(client);
    return 1;
  }

  printf("state %s\n", sw_token_state_name(check.state));
  switch (check.state) {
    case SW_TOKEN_VALID:
    case SW_TOKEN_REAUTHORIZE:
      printf("licensed to %s for %s\n", check.has_user ? check.user : "this device",
             check.product_code);
      break;
    case SW_TOKEN_GRACE_WARNING:
      printf("connect within %lld days to keep working\n", (long long)check.days_left);
      break;
    default:
      printf("not licensed: %s\n", sw_client_last_error(client));
      break;
  }
  sw_client_free(client);
  return 0;
}
