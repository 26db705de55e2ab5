-- accept: stores a batch of notifications with their routes and schedule entries, atomically.
--
-- KEYS[1]  schedule (zset)
-- KEYS[2]  stats (hash)
-- KEYS[3]  route figures by type (hash, see lib.lua)
-- ARGV[1]  key prefix, e.g. "herald:"
-- ARGV[2]  now (ms)
-- ARGV[3]  idempotency window (ms); 0 turns idempotency off
-- ARGV[4]  wake-up channel
-- ARGV[5..] per notification:
--   id, idempotency key name ('' for none), body (JSON), route count n, due (ms),
--   group count g, then g schedule members, then the notification type
--
-- Reply: flat array, two values per notification in order: id, 1 (stored) or 0 (duplicate of id).
-- Errors (nothing written): WRONGTYPE at the schedule or stats key; an id already in use.
--
-- All checks run before the first write: a Lua error after a write would leave half a batch.

local schedule, stats, type_figures = KEYS[1], KEYS[2], KEYS[3]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local wake_channel = ARGV[4]

for _, key in ipairs({ schedule, stats }) do
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= (key == schedule and 'zset' or 'hash') then
    return redis.error_reply('WRONGTYPE ' .. key .. ' holds a ' .. t .. ', not Herald data')
  end
end

-- Pass 1: parse and decide, no writes.
local items = {}
local claimed_keys = {} -- idempotency key -> id, for duplicates within this batch
local i = 5
while i <= #ARGV do
  local item = { id = ARGV[i], idem = ARGV[i + 1], body = ARGV[i + 2],
    n = tonumber(ARGV[i + 3]), due = tonumber(ARGV[i + 4]), members = {} }
  local g = tonumber(ARGV[i + 5])
  for k = 1, g do item.members[k] = ARGV[i + 5 + k] end
  item.type = ARGV[i + 6 + g]
  i = i + 7 + g

  if item.idem ~= '' and window > 0 then
    local earlier = claimed_keys[item.idem]
    if not earlier then
      local stored = redis.call('GET', item.idem)
      if stored then
        local id, at = string.match(stored, '^(.+)|(%d+)$')
        if id and now - tonumber(at) < window then earlier = id end
      end
    end
    if earlier then
      item.duplicate_of = earlier
    else
      claimed_keys[item.idem] = item.id
    end
  end
  if not item.duplicate_of and redis.call('EXISTS', prefix .. 'n:' .. item.id) == 1 then
    return redis.error_reply('ERR notification id ' .. item.id .. ' is already in use')
  end
  items[#items + 1] = item
end

-- Pass 2: write.
local reply = {}
local stored, routes, earliest = 0, 0, nil
local figures = {}
for _, item in ipairs(items) do
  if item.duplicate_of then
    reply[#reply + 1] = item.duplicate_of
    reply[#reply + 1] = 0
  else
    redis.call('SET', prefix .. 'n:' .. item.id, item.body)
    local state = fmt_state('p', 0, item.due)
    local fields = { 'open', item.n }
    for idx = 0, item.n - 1 do
      fields[#fields + 1] = idx
      fields[#fields + 1] = state
    end
    call_in_slices('HSET', prefix .. 'r:' .. item.id, fields, 2000)
    local entries = {}
    for _, member in ipairs(item.members) do
      entries[#entries + 1] = item.due
      entries[#entries + 1] = member
    end
    call_in_slices('ZADD', schedule, entries, 2000)
    if item.idem ~= '' and window > 0 then
      redis.call('SET', item.idem, item.id .. '|' .. string.format('%d', now), 'PX', window)
    end
    stored = stored + 1
    routes = routes + item.n
    tally(figures, 'accepted', item.type, item.n)
    tally(figures, 'pending', item.type, item.n)
    earliest = min_of(earliest, item.due)
    reply[#reply + 1] = item.id
    reply[#reply + 1] = 1
  end
end

if stored > 0 then
  redis.call('HINCRBY', stats, 'notifications_accepted', stored)
  redis.call('HINCRBY', stats, 'routes_accepted', routes)
  write_tally(type_figures, figures)
  redis.call('PUBLISH', wake_channel, string.format('%d', earliest))
end
return reply
