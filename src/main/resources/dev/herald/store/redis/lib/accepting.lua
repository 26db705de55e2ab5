-- accepting: storing new notifications with their routes and schedule entries, as accept.lua and
-- intake.lua do. A notification with an expires_at keeps it in the field 'exp' (ms) of its route
-- hash, and its type in the field 'type', where claim.lua and complete.lua find them without
-- reading its record.
--
-- An accept item, as AcceptCall writes it in ARGV: id, type, idempotency name ('' for none),
-- record (JSON), route count n, due (ms), expires at (ms, '' for none), recipient index setting
-- (recipients.lua: '' when off), stored format (StoredFormat: '3' stores no route hash at all, as
-- everything in it follows from the record while the routes are untouched (figures.lua's
-- implied_route_fields); '2' stores the routes untouched, no field each, and the record in format
-- 2, as format 3 does; '1' a p|0|<due> field per route, as versions before format 2 did and read).
--
-- uses: states, slices, figures, errors, idempotency, recipients, records

local ACCEPT_ITEM_ARGS = 9

local function same_value(a, b)
  if type(a) ~= 'table' or type(b) ~= 'table' then return a == b end
  if #a ~= #b then return false end
  for k = 1, #a do
    if a[k] ~= b[k] then return false end
  end
  return true
end

-- A record of notification `id` with format 2's names (NotificationCodec), either format read, or
-- nil when it is neither (or a format 1 record of another id).
local function as_format_2(record, id)
  local ok, doc = pcall(cjson.decode, record)
  if not ok or type(doc) ~= 'table' then return nil end
  if doc.v == 2 then return doc end
  if doc.v ~= 1 or doc.id ~= id then return nil end
  local out, known = { v = 2 }, { v = true, id = true }
  for short, long in pairs(RECORD_FORMAT_1_NAMES) do
    out[short] = doc[long]
    known[long] = true
  end
  for name in pairs(doc) do
    if not known[name] then return nil end
  end
  return out
end

-- True when `stored` and `body`, records of notification `id` in different formats, hold the very
-- same notification: a repeat of an accept across the gate (StoredFormat), such as a spool
-- replayed after an upgrade, or by a process before its first heartbeat, which must be recognised
-- as stored as a repeat of the same text is.
local function same_notification(stored, body, id)
  if string.sub(stored, 1, 7) == string.sub(body, 1, 7) then return false end -- one format
  local old, new = as_format_2(stored, id), as_format_2(body, id)
  if not old or not new then return false end
  for short in pairs(RECORD_FORMAT_1_NAMES) do
    if not same_value(new[short], old[short]) then return false end
  end
  for name in pairs(old) do
    if name ~= 'v' and RECORD_FORMAT_1_NAMES[name] == nil then return false end
  end
  return true
end

-- Reads the accept item at argv[i]; returns it and the position after it.
local function read_accept_item(argv, i)
  return { id = argv[i], type = argv[i + 1], idem = argv[i + 2], body = argv[i + 3],
    n = tonumber(argv[i + 4]), due = tonumber(argv[i + 5]), exp = argv[i + 6],
    index = argv[i + 7], format = argv[i + 8] },
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
  -- Stored in format 3, a notification has no route hash until its first change.
  local stored = ntype == 'string' and (rtype == 'hash' or rtype == 'none')
    and redis.call('GET', nkey)
  if stored and (stored == item.body or same_notification(stored, item.body, item.id)) then
    item.stored_already = true
  elseif ntype ~= 'none' or rtype ~= 'none' then
    return 'notification id ' .. item.id .. ' is already in use'
  end
  local unindexable = not item.stored_already and check_recipients(acc.keys, item)
  if unindexable then return unindexable end
  if keyed then acc.claimed_keys[item.idem_key] = item.id end
  return nil
end

-- The route hash of an item stored in format 2 or 1 (write_accept_item below).
local function write_route_hash(acc, item)
  local fields = { 'open', item.n, 'type', item.type }
  if item.exp ~= '' then
    fields[#fields + 1] = 'exp'
    fields[#fields + 1] = item.exp
  end
  if item.format == '2' then
    fields[#fields + 1] = 'due'
    fields[#fields + 1] = item.due
    fields[#fields + 1] = 'n'
    fields[#fields + 1] = item.n
  else
    local state = fmt_state('p', 0, item.due)
    for idx = 0, item.n - 1 do
      fields[#fields + 1] = idx
      fields[#fields + 1] = state
    end
  end
  call_in_slices('HSET', acc.keys.routes(item.id), fields, 2000)
end

-- Pass 2: stores a checked, non-duplicate item: its record, route hash, schedule entries (one per
-- group) and idempotency key. In stored format 3 there is no route hash: the first script that
-- changes the notification writes it, from the record. In format 2 its routes are untouched: no
-- field each, 'due' and 'n' for all (states.lua), so that a waiting route costs no memory of its
-- own; in format 1 each has its p|0|<due> field, which is all a version before format 2 reads.
local function write_accept_item(acc, item)
  redis.call('SET', acc.keys.notification(item.id), item.body)
  if item.format ~= '3' then write_route_hash(acc, item) end
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
