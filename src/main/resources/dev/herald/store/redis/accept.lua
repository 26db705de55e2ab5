-- accept: stores a batch of notifications with their routes and schedule entries, atomically.
--
-- KEYS[1]  schedule (zset)
-- KEYS[2]  stats (hash)
-- KEYS[3]  route figures by type (hash, see lib.lua)
-- ARGV[1]  key prefix, e.g. "herald:"
-- ARGV[2]  now (ms)
-- ARGV[3]  idempotency window (ms); 0 turns idempotency off
-- ARGV[4]  wake-up channel
-- ARGV[5..] per notification an accept item (read_accept_item in lib.lua):
--   id, idempotency key name ('' for none), body (JSON), route count n, due (ms),
--   expires at (ms, '' for none), group count g, then g schedule members, then the type
--
-- Reply: flat array, two values per notification in order: id, then 1 (stored), 0 (duplicate of
-- id), or 2 (stored already with this very record: this call repeats one whose reply was lost, and
-- writes nothing again).
-- Errors (nothing written): WRONGTYPE at the schedule or stats key; 'ERR refused <id>: <reason>'
-- for a notification that cannot be stored on its own (its id already in use by another record, its
-- idempotency key of another type): the rest of the batch may be sent again without it.
--
-- All checks run before the first write: a Lua error after a write would leave half a batch.
-- intake.lua accepts with the same helpers.

local schedule, stats, type_figures = KEYS[1], KEYS[2], KEYS[3]
local err = wrong_type(schedule, 'zset') or wrong_type(stats, 'hash')
  or wrong_type(type_figures, 'hash')
if err then return err end
local acc = new_accept(schedule, stats, ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), type_figures)

-- Pass 1: parse and decide, no writes.
local items = {}
local i = 5
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
    reply[#reply + 1] = item.duplicate_of
    reply[#reply + 1] = 0
  elseif item.stored_already then
    reply[#reply + 1] = item.id
    reply[#reply + 1] = 2
  else
    write_accept_item(acc, item)
    reply[#reply + 1] = item.id
    reply[#reply + 1] = 1
  end
end
finish_accept(acc, ARGV[4])
return reply
