-- retire: deletes notifications whose routes all finished (published, expired, cancelled) longer
-- ago than the retention, so that Redis memory stays bounded.
--
-- KEYS[1]  retention (zset: notification id -> purge at ms)
-- KEYS[2]  stats (hash)
-- ARGV[1]  key prefix
-- ARGV[2]  now (ms)
-- ARGV[3]  most notifications to delete in this call
--
-- Reply: the number of notifications deleted.

local retention, stats = KEYS[1], KEYS[2]
local prefix = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', retention, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, nid in ipairs(ids) do
  redis.call('DEL', prefix .. 'n:' .. nid, prefix .. 'r:' .. nid, prefix .. 'f:' .. nid)
  redis.call('ZREM', retention, nid)
end
if #ids > 0 then redis.call('HINCRBY', stats, 'notifications_retired', #ids) end
return #ids
