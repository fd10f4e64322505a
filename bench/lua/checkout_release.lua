-- bench: one connection per thread
-- Checkout + release cycle: each wrk thread has one connection and its own computer with no
-- lease, and alternates POST /api/v1/client/leases (a new lease: the last one was released)
-- with DELETE /api/v1/client/leases/{the id just returned}. With one connection per thread
-- every reply arrives before the next request is written, so the id is always the one the
-- server just granted. req/s counts checkouts and releases alike: cycles/s is half of it.
local devices = {}
for id in string.gmatch(os.getenv("BENCH_CYCLE_DEVICES") or "", "[^,]+") do
  table.insert(devices, id)
end

function bench_setup_thread(thread)
  local n = thread:get("id")
  if devices[n] == nil then
    error("thread " .. n .. " has no computer of its own: use THREADS <= " .. #devices)
  end
  thread:set("device_id", devices[n])
end

dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local checkout_body
local lease_id = nil
local releasing = false

function init(args)
  checkout_body = '{"product":"STR","device_id":"' .. device_id ..
    '","user_name":"eve","host":"bench-cycle"}'
end

function request()
  if releasing then
    return wrk.format("DELETE", "/api/v1/client/leases/" .. (lease_id or "none"), bench_headers)
  end
  return wrk.format("POST", "/api/v1/client/leases", bench_json_headers, checkout_body)
end

function bench_response(status, headers, body)
  if releasing then
    lease_id = nil
  else
    -- nginx's static reply has no lease id; its DELETE goes to .../none and is answered alike.
    local previous = last_lease_id
    lease_id = string.match(body or "", '"lease_id"%s*:%s*"([^"]+)"')
    -- Proof that each checkout made a new lease: done() prints how many ids were new.
    if lease_id ~= nil and lease_id ~= previous then
      new_leases = (new_leases or 0) + 1
      last_lease_id = lease_id
    end
  end
  releasing = not releasing
end
