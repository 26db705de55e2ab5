-- retire: deletes notifications whose routes all finished (published, expired, cancelled, purged)
-- longer ago than the retention, so that Redis memory stays bounded.
--
-- KEYS[1]  retention (zset: notification id -> delete at ms); the prefix of the other keys
-- KEYS[2]  stats (hash)
-- ARGV[1]  now (ms)
-- ARGV[2]  most notifications to delete in this call
--
-- Reply: the number of notifications deleted.
--
-- The records go before their retention entries, so that a failure between the two leaves an
-- entry that the next call finds again, never a record nothing would delete.
--
-- uses: keys, slices

local retention, stats = KEYS[1], KEYS[2]
local K = herald_keys(retention, 'retention')
local ids = redis.call('ZRANGEBYSCORE', retention, '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then return 0 end
local records = {}
for _, nid in ipairs(ids) do
  records[#records + 1] = K.notification(nid)
  records[#records + 1] = K.routes(nid)
  records[#records + 1] = K.failures(nid)
end
call_in_slices('DEL', false, records, SLICE)
call_in_slices('ZREM', retention, ids, SLICE)
redis.call('HINCRBY', stats, 'notifications_retired', #ids)
return #ids
