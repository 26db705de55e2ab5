-- import_dead: stores dead letters brought from an export (`herald dead-letters import`), each a
-- notification of its own with one route (index 0) that is a dead letter, atomically per item.
--
-- KEYS[1]  dead-letter index (zset: "<notification id>:<index>" -> dead since ms); its name is
--          <prefix>dead, and the notification keys are derived from that prefix (lib/keys.lua)
-- KEYS[2]  stats (hash)
-- KEYS[3]  route figures by type (hash, "<figure>:<type>")
-- ARGV[1]  now (ms), unused but for symmetry with the other dead-letter scripts
-- ARGV[2..] per item, 9 values: new id, record (JSON, as NotificationCodec writes it), route state
--          (d|<attempts>|<dead since ms>), dead since (ms), failure history (JSON lines, oldest
--          first), notification type, dead-letter figure (dead_letter.<classification>), expires
--          at (ms, '' for none), source "<id>:<index>" ('' for none)
--
-- Reply: two values per item, in order:
--   'imported', '' | 'exists', '' (this very record is stored under the id: written before) |
--   'present', <state code> (the source route is here and not purged) | 'error', why
--
-- Every read and type check runs before the first write. Per item the route hash, the failures and
-- the dead-index entry are written before the record, which is what 'exists' looks for, and the
-- counters last: an item is either whole or absent. Every write has a fixed number of arguments.
--
-- uses: keys, states

local dead_index, import_stats, import_figures = KEYS[1], KEYS[2], KEYS[3]
local K = herald_keys(dead_index, 'dead')
for _, checked in ipairs({ { dead_index, 'zset' }, { import_stats, 'hash' },
    { import_figures, 'hash' } }) do
  local t = redis.call('TYPE', checked[1]).ok
  if t ~= 'none' and t ~= checked[2] then
    return redis.error_reply('WRONGTYPE ' .. checked[1] .. ' holds a ' .. t .. ', not Herald data')
  end
end

local ITEM = 9
local items, reply = {}, {}
-- Pass 1: reads only.
for i = 2, #ARGV, ITEM do
  local item = { id = ARGV[i], body = ARGV[i + 1], state = ARGV[i + 2], dead_at = ARGV[i + 3],
    history = ARGV[i + 4], ntype = ARGV[i + 5], figure = ARGV[i + 6], exp = ARGV[i + 7],
    source = ARGV[i + 8] }
  local nkey = K.notification(item.id)
  local rkey = K.routes(item.id)
  local fkey = K.failures(item.id)
  item.nkey, item.rkey, item.fkey = nkey, rkey, fkey
  local src_id, src_index = string.match(item.source, '^(.+):(%d+)$')
  local src_state = nil
  if src_id then
    local skey = K.routes(src_id)
    if redis.call('TYPE', skey).ok == 'hash' then
      src_state = read_route_state(skey, src_index)
    end
  end
  local ntype, rtype, ftype =
    redis.call('TYPE', nkey).ok, redis.call('TYPE', rkey).ok, redis.call('TYPE', fkey).ok
  if src_state and string.sub(src_state, 1, 1) ~= 'z' then
    item.outcome, item.detail = 'present', string.sub(src_state, 1, 1)
  elseif ntype == 'string' and redis.call('GET', nkey) == item.body then
    item.outcome, item.detail = 'exists', ''
  elseif ntype ~= 'none' or rtype ~= 'none' or ftype ~= 'none' then
    item.outcome, item.detail = 'error', 'notification id ' .. item.id .. ' is already in use'
  else
    item.outcome, item.detail = 'imported', ''
  end
  items[#items + 1] = item
end

-- Pass 2: writes.
local imported, figures = 0, {}
for _, item in ipairs(items) do
  if item.outcome == 'imported' then
    if item.exp ~= '' then
      redis.call('HSET', item.rkey, '0', item.state, 'open', 1, 'type', item.ntype, 'exp', item.exp)
    else
      redis.call('HSET', item.rkey, '0', item.state, 'open', 1, 'type', item.ntype)
    end
    redis.call('HSET', item.fkey, '0', item.history)
    redis.call('ZADD', dead_index, item.dead_at, item.id .. ':0')
    redis.call('SET', item.nkey, item.body)
    imported = imported + 1
    local field = item.figure .. ':' .. item.ntype
    figures[field] = (figures[field] or 0) + 1
  end
  reply[#reply + 1] = item.outcome
  reply[#reply + 1] = item.detail
end
if imported > 0 then
  redis.call('HINCRBY', import_stats, 'imported', imported)
  for field, n in pairs(figures) do redis.call('HINCRBY', import_figures, field, n) end
end
return reply
