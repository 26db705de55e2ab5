-- cancel: cancels one notification, by id or by idempotency key, atomically: every route not
-- published yet becomes cancelled (cancel_notification in lib.lua). Cancelling twice is harmless.
--
-- KEYS[1]  schedule (zset)
-- KEYS[2]  dead-letter index (zset)
-- KEYS[3]  stats (hash)
-- KEYS[4]  retention (zset)
-- KEYS[5]  route figures by type (hash, see lib.lua)
-- ARGV[1]  key prefix
-- ARGV[2]  now (ms)
-- ARGV[3]  retention of finished notifications (ms)
-- ARGV[4]  notification id, or '' to cancel by idempotency key
-- ARGV[5]  idempotency key name, or '' to cancel by id
-- ARGV[6]  idempotency window (ms)
--
-- Reply: { id, routes cancelled, routes already published, type, then each channel and the routes
-- cancelled on it }, or {} when no notification matches.

local ctx = { schedule = KEYS[1], dead = KEYS[2], stats = KEYS[3], retention = KEYS[4],
  type_figures = KEYS[5], prefix = ARGV[1], now = tonumber(ARGV[2]),
  retention_ms = tonumber(ARGV[3]) }
local nid = ARGV[4]
if nid == '' then nid = idempotent_id(ARGV[5], ctx.now, tonumber(ARGV[6])) end
if not nid then return {} end
local cancelled, published, detail = cancel_notification(ctx, nid)
if not cancelled then return {} end
local reply = { nid, cancelled, published }
for _, v in ipairs(detail) do reply[#reply + 1] = v end
return reply
