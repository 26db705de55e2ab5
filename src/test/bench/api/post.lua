-- wrk -s post.lua: POST /v1/notifications, one notification of 10 recipients (~250-byte
-- payload) per request, over keep-alive connections. Each request is a new notification (no
-- idempotency key). SEND_AT (ISO-8601) schedules them for later, so that the publisher stays idle
-- and the figure is the API's alone; without it they are due at once and the publisher publishes
-- them while the API accepts (200,000 routes/s at 20,000 requests/s: more than one Redis does).
-- BATCH=n posts arrays of n notifications instead.
local send_at = os.getenv("SEND_AT")
local batch = tonumber(os.getenv("BATCH") or "1")

local recipients = {}
for i = 1, 10 do recipients[i] = string.format('"u-%02d"', i) end

local payload = '{"game":"g-7341","turn":42,"board":"' .. string.rep("x", 160) ..
  '","players":["alice","bob"],"deadline":"2026-11-25T12:00:00Z"}'

local one = '{"type":"game.turn_ready","producer":"bench-api","recipients":[' ..
  table.concat(recipients, ",") .. '],"channels":["push"],"payload":' .. payload ..
  (send_at and (',"send_at":"' .. send_at .. '"') or "") .. '}'

local body = one
if batch > 1 then
  local items = {}
  for i = 1, batch do items[i] = one end
  body = "[" .. table.concat(items, ",") .. "]"
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = body

-- Counts per status, summed over the threads in done() (a thread's globals are read one number
-- at a time): a run answered 202 (spool) or 503 is not a run of the accept path.
local counted = {200, 201, 202, 207, 400, 503, 504}
for _, s in ipairs(counted) do _G["n" .. s] = 0 end
other = 0
function response(status, headers, body)
  local name = "n" .. status
  if _G[name] then _G[name] = _G[name] + 1 else other = other + 1 end
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local parts = {}
  for _, s in ipairs(counted) do
    local n = 0
    for _, t in ipairs(threads) do n = n + t:get("n" .. s) end
    if n > 0 then table.insert(parts, s .. "=" .. n) end
  end
  local o = 0
  for _, t in ipairs(threads) do o = o + t:get("other") end
  if o > 0 then table.insert(parts, "other=" .. o) end
  io.write(string.format("statuses %s\n", table.concat(parts, " ")))
  io.write(string.format("notifications/s %.0f\n",
    summary.requests / (summary.duration / 1e6) * batch))
end
