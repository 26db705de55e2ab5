-- migrate_stats: adds the counters of a one-Redis store to a shard's, once: `herald migrate` runs
-- it on the first shard of the target, then deletes the source's counters. A rerun after a kill
-- between the two finds the source's fingerprint in the migrations hash and adds nothing again.
--
-- KEYS[1]  stats (hash) of the target shard
-- KEYS[2]  route figures by type (hash) of the target shard
-- KEYS[3]  migrations (hash: fingerprint of the counters added -> when, ms)
-- ARGV[1]  fingerprint of the source's counters (SHA-1 of their fields and values)
-- ARGV[2]  now (ms)
-- ARGV[3]  n: how many stats fields follow
-- ARGV[4 .. 3 + 2n]          stats field, value, ...
-- ARGV[4 + 2n ..]            route figure field, value, ...
--
-- Every value is an integer (checked by the caller, and again here before the first write).
--
-- Reply: 1 when the counters were added, 0 when they had been already.
--
-- uses: (nothing)

local stats, figures, migrations = KEYS[1], KEYS[2], KEYS[3]
if redis.call('HGET', migrations, ARGV[1]) then return 0 end
for i = 4, #ARGV, 2 do
  if not string.match(ARGV[i + 1] or '', '^%-?%d+$') then
    return redis.error_reply('ERR counter ' .. tostring(ARGV[i]) .. ' is not an integer')
  end
end
local n = tonumber(ARGV[3])
local last_stat = 3 + 2 * n
for i = 4, #ARGV, 2 do
  local key = i <= last_stat and stats or figures
  redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1])
end
redis.call('HSET', migrations, ARGV[1], ARGV[2])
return 1
