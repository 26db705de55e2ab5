-- accepting: storing new notifications with their routes and schedule entries, as accept.lua and
-- intake.lua do. A notification with an expires_at keeps it in the field 'exp' (ms) of its route
-- hash, and its type in the field 'type', where claim.lua and complete.lua find them without
-- reading its record.
--
-- An accept item, as AcceptCall writes it in ARGV: id, type, idempotency name ('' for none),
-- record (JSON), route count n, due (ms), expires at (ms, '' for none), recipient index setting
-- (recipients.lua: '' when off).
--
-- uses: states, slices, figures, errors, idempotency, recipients

local ACCEPT_ITEM_ARGS = 8

-- The record fields of format 2 (NotificationCodec) and their names in format 1, which versions
-- before it wrote (besides 'v' and 'id').
local FORMAT_1_NAMES = { t = 'type', p = 'producer', key = 'idempotency_key', r = 'recipients',
  c = 'channels', b = 'payload_json', req = 'request_id', trace = 'trace_id', s = 'send_at_ms',
  max = 'max_attempts', a = 'accepted_at_ms', exp = 'expires_at_ms' }

local function same_value(a, b)
  if type(a) ~= 'table' or type(b) ~= 'table' then return a == b end
  if #a ~= #b then return false end
  for k = 1, #a do
    if a[k] ~= b[k] then return false end
  end
  return true
end

-- True when `stored` is a format 1 record of notification `id` holding the very notification the
-- format 2 record `body` holds: a repeat, after an upgrade, of an accept an earlier version ran
-- (a spool replayed again), which must be recognised as stored as a repeat of the same text is.
local function same_as_format_1(stored, body, id)
  if string.sub(stored, 1, 7) ~= '{"v":1,' then return false end
  local ok_old, old = pcall(cjson.decode, stored)
  local ok_new, new = pcall(cjson.decode, body)
  if not ok_old or not ok_new or type(old) ~= 'table' or type(new) ~= 'table'
      or old.id ~= id or new.v ~= 2 then
    return false
  end
  local known = { v = true, id = true }
  for short, long in pairs(FORMAT_1_NAMES) do
    if not same_value(new[short], old[long]) then return false end
    known[long] = true
  end
  for name in pairs(old) do
    if not known[name] then return false end
  end
  return true
end

-- Reads the accept item at argv[i]; returns it and the position after it.
local function read_accept_item(argv, i)
  return { id = argv[i], type = argv[i + 1], idem = argv[i + 2], body = argv[i + 3],
    n = tonumber(argv[i + 4]), due = tonumber(argv[i + 5]), exp = argv[i + 6],
    index = argv[i + 7] },
    i + ACCEPT_ITEM_ARGS
end

-- The state of one accept call: its settings, the idempotency keys this batch claimed, totals.
-- keys: the script's herald_keys.
local function new_accept(keys, schedule, stats, type_figures, now, window)
  return { keys = keys, schedule = schedule, stats = stats, type_figures = type_figures, now = now,
    window = window, claimed_keys = {}, indexed = {}, stored = 0, routes = 0, earliest = nil,
    figures = {} }
end

-- Pass 1, no writes: marks the item a duplicate when its idempotency key names an earlier
-- notification (in Redis or earlier in this batch), or stored_already when its id holds this very
-- record (an earlier call of the same accept ran and its reply was lost: nothing to write again).
-- Returns why the item cannot be stored (its id in use by another record, a key of another type),
-- or nil. The idempotency key is claimed for the batch only once the item passed.
local function check_accept_item(acc, item)
  local keyed = item.idem ~= '' and acc.window > 0
  if keyed then
    item.idem_key = acc.keys.idempotency(item.idem)
    local bad = key_problem(item.idem_key, 'string')
    if bad then return 'idempotency key ' .. bad end
    local earlier = acc.claimed_keys[item.idem_key]
      or idempotent_id(item.idem_key, acc.now, acc.window)
    if earlier and earlier ~= item.id then
      item.duplicate_of = earlier
      return nil
    end
  end
  local nkey, rkey = acc.keys.notification(item.id), acc.keys.routes(item.id)
  local ntype, rtype = redis.call('TYPE', nkey).ok, redis.call('TYPE', rkey).ok
  local stored = ntype == 'string' and rtype == 'hash' and redis.call('GET', nkey)
  if stored and (stored == item.body or same_as_format_1(stored, item.body, item.id)) then
    item.stored_already = true
  elseif ntype ~= 'none' or rtype ~= 'none' then
    return 'notification id ' .. item.id .. ' is already in use'
  end
  local unindexable = not item.stored_already and check_recipients(acc.keys, item)
  if unindexable then return unindexable end
  if keyed then acc.claimed_keys[item.idem_key] = item.id end
  return nil
end

-- Pass 2: stores a checked, non-duplicate item: its record, route hash, schedule entries (one per
-- group) and idempotency key. Its routes are untouched: no field each, 'due' and 'n' for all
-- (states.lua), so that a waiting route costs no memory of its own.
local function write_accept_item(acc, item)
  redis.call('SET', acc.keys.notification(item.id), item.body)
  local fields = { 'open', item.n, 'type', item.type, 'due', item.due, 'n', item.n }
  if item.exp ~= '' then
    fields[9] = 'exp'
    fields[10] = item.exp
  end
  redis.call('HSET', acc.keys.routes(item.id), unpack(fields))
  local entries = {}
  for first = 0, item.n - 1, GROUP_SIZE do
    entries[#entries + 1] = item.due
    entries[#entries + 1] = group_member(item.id, first, math.min(first + GROUP_SIZE, item.n) - 1)
  end
  call_in_slices('ZADD', acc.schedule, entries, 2000)
  if item.idem_key then
    redis.call('SET', item.idem_key, idempotency_value(item.id, acc.now), 'PX', acc.window)
  end
  index_recipients(acc.keys, item, acc.now, acc.indexed)
  acc.stored = acc.stored + 1
  acc.routes = acc.routes + item.n
  acc.earliest = min_of(acc.earliest, item.due)
  tally(acc.figures, 'accepted', item.type, item.n)
  tally(acc.figures, 'pending', item.type, item.n)
end

-- After the writes: the counters, and one wake-up with the earliest due time stored.
local function finish_accept(acc)
  if acc.stored > 0 then
    redis.call('HINCRBY', acc.stats, 'notifications_accepted', acc.stored)
    redis.call('HINCRBY', acc.stats, 'routes_accepted', acc.routes)
    write_tally(acc.type_figures, acc.figures)
    redis.call('PUBLISH', acc.keys.wakeup, string.format('%d', acc.earliest))
  end
end
