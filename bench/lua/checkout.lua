-- Checkout: POST /api/v1/client/leases for the device that already holds a Structa lease.
-- The server answers with that lease, renewed: this measures the checkout path under the
-- subscription's row lock, not the creation of new leases (see checkout_release.lua).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

wrk.method = "POST"
wrk.headers = bench_json_headers
wrk.body = '{"product":"STR","device_id":"' .. bench_env("BENCH_DEVICE_ID") ..
  '","user_name":"eve","host":"bench-main"}'
