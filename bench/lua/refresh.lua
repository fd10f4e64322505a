-- Token refresh: POST /api/v1/client/activations/refresh {"activation_id": ...} with the
-- bearer token; every reply is a freshly signed entitlement token for eve's DRL activation.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

wrk.method = "POST"
wrk.headers = bench_json_headers
wrk.body = '{"activation_id":"' .. bench_env("BENCH_ACTIVATION_ID") .. '"}'
