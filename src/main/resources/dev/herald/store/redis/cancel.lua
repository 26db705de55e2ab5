-- cancel: cancels one notification, by id or by idempotency key, atomically: every route not
-- published yet becomes cancelled (cancelling.lua). Cancelling twice is harmless.
--
-- KEYS[1]  schedule (zset); the prefix of the other keys (keys.lua)
-- KEYS[2]  dead-letter index (zset)
-- KEYS[3]  stats (hash)
-- KEYS[4]  retention (zset)
-- KEYS[5]  route figures by type (hash, figures.lua)
-- ARGV[1]  now (ms)
-- ARGV[2]  retention of finished notifications (ms)
-- ARGV[3]  notification id, or '' to cancel by idempotency key
-- ARGV[4]  idempotency name (keys.lua), or '' to cancel by id
-- ARGV[5]  idempotency window (ms)
--
-- Reply: { id, routes cancelled, routes already published, type, then each channel and the routes
-- cancelled on it }, or {} when no notification matches.
--
-- uses: keys, idempotency, cancelling

local K = herald_keys(KEYS[1], 'schedule')
local ctx = { keys = K, schedule = KEYS[1], dead = KEYS[2], stats = KEYS[3], retention = KEYS[4],
  type_figures = KEYS[5], now = tonumber(ARGV[1]), retention_ms = tonumber(ARGV[2]) }
local nid = ARGV[3]
if nid == '' then nid = idempotent_id(K.idempotency(ARGV[4]), ctx.now, tonumber(ARGV[5])) end
if not nid then return {} end
local cancelled, published, detail = cancel_notification(ctx, nid)
if not cancelled then return {} end
local reply = { nid, cancelled, published }
for _, v in ipairs(detail) do reply[#reply + 1] = v end
return reply
