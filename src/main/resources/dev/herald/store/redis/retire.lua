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

-- The records go before their retention entries, so that a failure between the two leaves an
-- entry that the next call finds again, never a record nothing would delete.

local retention, stats = KEYS[1], KEYS[2]
local prefix = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', retention, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
if #ids == 0 then return 0 end
local records = {}
for _, nid in ipairs(ids) do
  records[#records + 1] = prefix .. 'n:' .. nid
  records[#records + 1] = prefix .. 'r:' .. nid
  records[#records + 1] = prefix .. 'f:' .. nid
end
call_in_slices('DEL', false, records, SLICE)
call_in_slices('ZREM', retention, ids, SLICE)
redis.call('HINCRBY', stats, 'notifications_retired', #ids)
return #ids
