-- heartbeat: one process's heartbeat (ProcessBoard), replacing its previous one, and the removal
-- of heartbeats older than the TTL (processes that are gone). Informational only.
--
-- KEYS[1]  processes (hash: process -> heartbeat JSON with "reported_at":<ms>)
-- ARGV[1]  the process
-- ARGV[2]  now (ms)
-- ARGV[3]  heartbeats older than this many ms are dropped
-- ARGV[4]  the heartbeat (JSON)
--
-- The hash expires a while after the last heartbeat, when no process runs any more.
--
-- Reply: the number of heartbeats dropped.
--
-- uses: slices

local board = KEYS[1]
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])

local all = redis.call('HGETALL', board)
local gone = {}
for i = 1, #all, 2 do
  local reported = tonumber(string.match(all[i + 1], '"reported_at":(%d+)') or '')
  if all[i] ~= ARGV[1] and (not reported or reported < now - ttl) then
    gone[#gone + 1] = all[i]
  end
end
if #gone > 0 then call_in_slices('HDEL', board, gone, SLICE) end
redis.call('HSET', board, ARGV[1], ARGV[4])
redis.call('PEXPIRE', board, 2 * ttl)
return #gone
