-- Shared by the client-API scripts: the bearer token and JSON headers from the environment
-- bench.sh sets up, and a per-status count of the replies that done() prints as
-- "bench-status CODE COUNT" lines (bench.sh names them in its warning when any is not 2xx).

function bench_env(name)
  local value = os.getenv(name)
  if value == nil or value == "" then
    error(name .. " is not set: run this script through bench/bench.sh")
  end
  return value
end

bench_headers = {
  ["Authorization"] = "Bearer " .. bench_env("BENCH_API_TOKEN"),
  ["Accept"] = "application/json",
}
bench_json_headers = {
  ["Authorization"] = bench_headers["Authorization"],
  ["Accept"] = "application/json",
  ["Content-Type"] = "application/json",
}

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
  if bench_setup_thread then bench_setup_thread(thread) end
end

statuses = {}

function bench_count(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function response(status, headers, body)
  bench_count(status)
  if bench_response then bench_response(status, headers, body) end
end

function done(summary, latency, requests)
  local total = {}
  local new_leases = nil
  for _, thread in ipairs(threads) do
    local n = thread:get("new_leases")
    if n ~= nil then new_leases = (new_leases or 0) + n end
    local counts = thread:get("statuses") or {}
    for status, n in pairs(counts) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do
    io.write(string.format("bench-status %d %d\n", status, n))
  end
  if new_leases ~= nil then io.write(string.format("bench-new-leases %d\n", new_leases)) end
end
