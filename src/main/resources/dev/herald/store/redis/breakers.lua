-- breakers: one process's report of the stream breakers it has open (BreakerBoard), replacing its
-- previous one. Informational only: nothing in Herald acts on it.
--
-- KEYS[1]  breakers (hash: "<process>|<stream>" -> "<open since ms>|<reported at ms>|<reason>")
-- ARGV[1]  the process (no '|')
-- ARGV[2]  now (ms)
-- ARGV[3]  reports older than this many ms are dropped (processes that are gone)
-- ARGV[4..] per open breaker: stream, open since (ms), reason
--
-- The hash expires a while after the last report, when no process has a breaker open any more.
--
-- Reply: the number of fields dropped.
--
-- uses: slices

local board = KEYS[1]
local process = ARGV[1]
local now = tonumber(ARGV[2])
local fresh = tonumber(ARGV[3])
local mine = process .. '|'

local all = redis.call('HGETALL', board)
local gone = {}
for i = 1, #all, 2 do
  local reported = tonumber(string.match(all[i + 1], '^%d+|(%d+)|') or '')
  if string.sub(all[i], 1, #mine) == mine or not reported or reported < now - fresh then
    gone[#gone + 1] = all[i]
  end
end
local fields = {}
for i = 4, #ARGV, 3 do
  fields[#fields + 1] = mine .. ARGV[i]
  fields[#fields + 1] = ARGV[i + 1] .. '|' .. string.format('%d', now) .. '|' .. ARGV[i + 2]
end
if #gone > 0 then call_in_slices('HDEL', board, gone, SLICE) end
if #fields > 0 then
  call_in_slices('HSET', board, fields, SLICE)
  redis.call('PEXPIRE', board, 2 * fresh)
end
return #gone
