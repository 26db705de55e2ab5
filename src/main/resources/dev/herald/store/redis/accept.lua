-- accept: stores a batch of notifications with their routes and schedule entries, atomically
-- (AcceptCall in Java).
--
-- KEYS[1]  schedule (zset); the prefix of the other keys (keys.lua)
-- KEYS[2]  stats (hash)
-- KEYS[3]  route figures by type (hash, figures.lua)
-- ARGV[1]  now (ms)
-- ARGV[2]  idempotency window (ms); 0 turns idempotency off
-- ARGV[3..] per notification an accept item (accepting.lua)
--
-- Reply: two values per notification, in order: status, id:
--   'created', its id | 'duplicate', the id of the earlier notification its idempotency key names
--   | 'already_stored', its id (stored already with this very record: this call repeats one whose
--   reply was lost, and writes nothing again)
-- Errors (nothing written): WRONGTYPE at the schedule or stats key; 'ERR refused <id>: <reason>'
-- for a notification that cannot be stored on its own (its id already in use by another record, its
-- idempotency key of another type): the rest of the batch may be sent again without it.
--
-- All checks run before the first write: a Lua error after a write would leave half a batch.
-- A wake-up with the earliest due time stored goes to <prefix>wakeup.
--
-- uses: keys, errors, accepting

local schedule, stats, type_figures = KEYS[1], KEYS[2], KEYS[3]
local K = herald_keys(schedule, 'schedule')
local err = wrong_type(schedule, 'zset') or wrong_type(stats, 'hash')
  or wrong_type(type_figures, 'hash')
if err then return err end
local acc = new_accept(K, schedule, stats, type_figures, tonumber(ARGV[1]), tonumber(ARGV[2]))

-- Pass 1: parse and decide, no writes.
local items = {}
local i = 3
while i <= #ARGV do
  local item
  item, i = read_accept_item(ARGV, i)
  local bad = check_accept_item(acc, item)
  if bad then return redis.error_reply('ERR refused ' .. item.id .. ': ' .. bad) end
  items[#items + 1] = item
end

-- Pass 2: write.
local reply = {}
for _, item in ipairs(items) do
  if item.duplicate_of then
    reply[#reply + 1] = 'duplicate'
    reply[#reply + 1] = item.duplicate_of
  elseif item.stored_already then
    reply[#reply + 1] = 'already_stored'
    reply[#reply + 1] = item.id
  else
    write_accept_item(acc, item)
    reply[#reply + 1] = 'created'
    reply[#reply + 1] = item.id
  end
end
finish_accept(acc)
return reply
