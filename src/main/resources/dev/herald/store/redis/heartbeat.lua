-- heartbeat: one process's heartbeat (ProcessBoard), replacing its previous one, the removal of
-- heartbeats older than the TTL (processes that are gone), and the gate of the stored format.
--
-- KEYS[1]  processes (hash: process -> heartbeat JSON with "reported_at":<ms> and, since stored
--          format 2, "formats":<the highest stored format it reads>)
-- KEYS[2]  the stored format (string, StoredFormat): the format every process writes new
--          notifications in; absent until it moves past 1
-- ARGV[1]  the process
-- ARGV[2]  now (ms)
-- ARGV[3]  heartbeats older than this many ms are dropped
-- ARGV[4]  the heartbeat (JSON)
--
-- The gate: a heartbeat without "formats" is of a version before format 2, which reads format 1
-- only. When every heartbeat kept (this one included) reads a format newer than KEYS[2] holds,
-- KEYS[2] moves to the oldest of them, in this call, so that the first process told to write it
-- is told so only once every process then running reads it. It never moves back: notifications
-- stored in it stay, and a process started later that cannot read it is named in the reply (its
-- operator must stop it). Both keys are in one slot (shard 0's tag on a cluster); the accepts of
-- every shard are given the format by Java (AcceptCall), never read it here.
--
-- The hash expires a while after the last heartbeat, when no process runs any more; KEYS[2] stays.
--
-- Reply: { heartbeats dropped, the stored format to write (at most what this process reads),
--          then per kept heartbeat that reads less than that format: process, its highest format }
--
-- uses: slices

local board, gate = KEYS[1], KEYS[2]
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])

local function formats_read(beat)
  return tonumber(string.match(beat, '"formats":(%d+)') or '1') or 1
end

local ours = formats_read(ARGV[4])
local all = redis.call('HGETALL', board)
local gone, kept = {}, {}
local oldest = ours
for i = 1, #all, 2 do
  if all[i] ~= ARGV[1] then
    local reported = tonumber(string.match(all[i + 1], '"reported_at":(%d+)') or '')
    if not reported or reported < now - ttl then
      gone[#gone + 1] = all[i]
    else
      local formats = formats_read(all[i + 1])
      kept[#kept + 1] = all[i]
      kept[#kept + 1] = formats
      oldest = math.min(oldest, formats)
    end
  end
end
if #gone > 0 then call_in_slices('HDEL', board, gone, SLICE) end
redis.call('HSET', board, ARGV[1], ARGV[4])
redis.call('PEXPIRE', board, 2 * ttl)

local stored = tonumber(redis.call('GET', gate) or '1') or 1
if oldest > stored then
  stored = oldest
  redis.call('SET', gate, string.format('%d', stored))
end
local writes = math.min(stored, ours)
local reply = { #gone, writes }
for i = 1, #kept, 2 do
  if kept[i + 1] < writes then
    reply[#reply + 1] = kept[i]
    reply[#reply + 1] = kept[i + 1]
  end
end
return reply
