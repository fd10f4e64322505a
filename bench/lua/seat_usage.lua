-- The seat-usage report: GET /api/v1/teams/{team}/reports/seat-usage?range=12m (the path is
-- the one bench.sh passes) with the bearer token of the team's Primary Admin, which
-- report_bench --keep wrote to report.env. Counts the replies by status, as the client-API
-- scripts do ("bench-status CODE COUNT" lines).
local token = os.getenv("BENCH_REPORT_TOKEN")
if token == nil or token == "" then
  error("BENCH_REPORT_TOKEN is not set: run this script through bench/bench.sh seat-usage")
end

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("bench-status %d %d\n", status, n))
  end
end
