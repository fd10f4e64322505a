-- Lease heartbeat: PUT /api/v1/client/leases/{id} (the id is in the URL bench.sh passes)
-- with the bearer token; every reply extends the same Structa lease.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

wrk.method = "PUT"
wrk.headers = bench_headers
