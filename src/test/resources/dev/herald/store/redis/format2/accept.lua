-- accept.lua as Herald wrote notifications in stored format 2, before format 3 left the route hash
-- out until a notification's first change: record format 2, a route hash with open, type, due, n
-- (and exp). Composed as LuaScript sent it (libraries first), from commit 5e97254, for FormatTwo.
-- Never run by Herald itself.

-- keys: the names of Herald's keys, as RedisKeys builds them in Java (keep the two in step).
--
-- Every key of a deployment starts with one prefix, '<namespace>:' ('herald:'; it may carry a
-- Redis Cluster hash tag, 'herald:{0}:', so that all of them hash to one slot). A script finds the
-- prefix in KEYS[1], whose name it knows, and derives from it the keys of the notifications it
-- meets (in the schedule, the dead-letter index, its arguments), so that every key it touches is
-- derivable from its KEYS:
--   <prefix>n:<id>        the notification (JSON), written once
--   <prefix>r:<id>        its touched routes' states (states.lua), group leases, 'open', 'exp',
--                         'type', 'due', 'n'
--   <prefix>f:<id>        its routes' failure histories, one JSON object per line
--   <prefix>idem:<name>   an idempotency key; name '<producer length>:<producer>:<key>'
--   <prefix>wakeup        the wake-up channel (not a key)
--
-- uses: (nothing)

-- The key names of the deployment whose `name` key (e.g. 'schedule') is `key`.
local function herald_keys(key, name)
  local prefix = string.sub(key, 1, #key - #name)
  if #key <= #name or string.sub(key, #prefix + 1) ~= name then
    error('KEYS[1] must be a Herald ' .. name .. ' key (<prefix>' .. name .. '), not ' .. key)
  end
  local keys = { prefix = prefix, wakeup = prefix .. 'wakeup' }
  function keys.notification(id) return prefix .. 'n:' .. id end
  function keys.routes(id) return prefix .. 'r:' .. id end
  function keys.failures(id) return prefix .. 'f:' .. id end
  function keys.idempotency(name) return prefix .. 'idem:' .. name end
  return keys
end

-- errors: what a Redis error means, and the checks a script makes in its read pass so that its
-- writes cannot raise one (Redis does not roll back a script that fails part-way).
--
-- uses: (nothing)

-- Redis errors that say the server, not the route, is the problem: no route may pay for them.
local INFRASTRUCTURE = { OOM = true, READONLY = true, MISCONF = true, LOADING = true, BUSY = true,
  NOREPLICAS = true, MASTERDOWN = true, CLUSTERDOWN = true, TRYAGAIN = true }

-- The error of a redis.pcall as Redis would reply it ("OOM command not allowed ..."): Redis 6.2
-- puts the script's location in front ("@user_script: 12: ") and keeps the leading '-' of the
-- code; 7.0 does neither.
local function plain_error(err)
  local plain = string.gsub(err, '^@[%w_]+: %d+: ', '')
  plain = string.gsub(plain, '^%-', '')
  return plain
end

local function is_infrastructure_error(plain)
  return INFRASTRUCTURE[string.match(plain, '^(%u+)') or ''] == true
end

-- Why `key` cannot be read as Herald's `want` ('string', 'hash', ...), or nil when it can (absent
-- is fine). A read of such a key in the write pass would raise WRONGTYPE after earlier writes.
local function key_problem(key, want)
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= want then
    return key .. ' holds a ' .. t .. ', not Herald data'
  end
  return nil
end

-- key_problem as the error reply a script returns, nothing written, when a key it must write
-- (the schedule, the stats ...) holds another type; nil when it is fine.
local function wrong_type(key, want)
  local problem = key_problem(key, want)
  if problem then return redis.error_reply('WRONGTYPE ' .. problem) end
  return nil
end

-- states: what <prefix>r:<notification id> holds (RouteStateCodec reads it in Java). One field per
-- route index that has been touched (untouched routes below):
--   p|<attempts>|<due ms>                      pending
--   f|<attempts>|<retry at ms>                 failed, waiting for its retry
--   s|<attempts>|<published at ms>|<entry id>  published
--   d|<attempts>|<dead at ms>                  dead letter
--   x|<attempts>|<at ms>                       expired
--   c|<attempts>|<at ms>                       cancelled
--   z|<attempts>|<purged at ms>                purged dead letter
-- The letters are RouteStateCodec's; the moves the scripts make are RouteTransitions' edges.
-- Besides: 'open' (routes not finished), 'exp' (expires_at ms, when set), 'type' (the
-- notification's type, for the route figures), and a lease field per leased group (below).
--
-- Untouched routes have no field (untouched_state): accept writes 'due' (the notification's due
-- time, ms) and 'n' (its route count) instead of one p|0|<due> per route, and a route index below
-- n with no field is pending, no attempt made, due at 'due'. Every other move writes the route's
-- field. A hash without 'due' (written by a version before this layout, or by import_dead) has a
-- field for every route, and there a missing field is no route.
--
-- Routes are scheduled and leased in groups of GROUP_SIZE consecutive indexes (RouteGroups.SIZE):
--   schedule member  <notification id>:<first>-<last>, score = when the group next needs a worker
--   lease field      L<first> = <token>|<until ms>|<claimed at ms>|<last>|<rest ms or -1>,
--                    or '' when no lease is held (completion clears it in the same HSET)
-- A route is leased (RouteState LEASED) while its group's lease field exists and the route was
-- pending or failed and due when the lease was taken: a claim writes one field per group, not one
-- per route. <rest> is when the routes of the group that the lease does not cover next need a
-- worker, so that completing the lease needs no second read of the group.
--
-- Invariant: while a lease exists, only its holder changes the routes it covers. A script that
-- must change such a route otherwise (a cancel) deletes the lease field first, which turns the
-- holder's completion into a refused ('stale') one.
--
-- uses: (nothing)

local GROUP_SIZE = 64

local KNOWN = { p = true, f = true, s = true, d = true, x = true, c = true, z = true }

-- Returns code, attempts, time; nil when the text is not a state this version writes.
local function parse_state(raw)
  if not raw then return nil end
  local code, attempts, t = string.match(raw, '^(%l)|(%d+)|(%d+)')
  if not code or not KNOWN[code] then return nil end
  return code, tonumber(attempts), tonumber(t)
end

local function fmt_state(code, attempts, t)
  return code .. '|' .. string.format('%d|%d', attempts, t)
end

-- The state text a route with no field stands for (see the header): `due` and `n` are the hash's
-- fields of those names as read (false or nil when absent). Nil when there is no such route.
local function untouched_state(index, due, n)
  due, n = tonumber(due), tonumber(n)
  if due and n and index >= 0 and index < n then return fmt_state('p', 0, due) end
  return nil
end

-- The state text of route `index` in the route hash `rkey`: its field, else untouched_state; nil
-- when there is no such route. Raises what Redis raised (WRONGTYPE): callers pcall it.
local function read_route_state(rkey, index)
  local values = redis.call('HMGET', rkey, index, 'due', 'n')
  return values[1] or untouched_state(tonumber(index), values[2], values[3])
end

-- The one mapping of attempts to the state of a route that waits for a worker: with no attempt
-- made it is pending, else failed (waiting for its retry). Pending routes so always have 0
-- attempts, and a script that knows a waiting route's attempts knows its state without reading it.
local function waiting_code(attempts)
  if attempts == 0 then return 'p' end
  return 'f'
end

-- Parses a lease field: token, until, claimed at, last index of the group, rest (or nil).
local function parse_lease(raw)
  if not raw then return nil end
  local token, lease_until, claimed_at, last, rest =
    string.match(raw, '^([^|]+)|(%d+)|(%d+)|(%d+)|(%-?%d+)$')
  if not token then return nil end
  rest = tonumber(rest)
  if rest < 0 then rest = nil end
  return token, tonumber(lease_until), tonumber(claimed_at), tonumber(last), rest
end

local function fmt_lease(token, lease_until, claimed_at, last, rest)
  return token .. '|' .. string.format('%d|%d|%d|%d', lease_until, claimed_at, last, rest or -1)
end

-- The schedule member of a group, and back: notification id and index range (nil when unreadable).
local function group_member(nid, first, last)
  return nid .. ':' .. first .. '-' .. last
end

local function parse_member(member)
  local nid, first, last = string.match(member, '^(.+):(%d+)%-(%d+)$')
  if not nid then return nil end
  first, last = tonumber(first), tonumber(last)
  if last < first or last - first >= GROUP_SIZE or first % GROUP_SIZE ~= 0 then return nil end
  return nid, first, last
end

-- The earlier of two times, either of which may be nil (no time).
local function min_of(a, b)
  if a == nil then return b end
  if b == nil then return a end
  if b < a then return b end
  return a
end

-- Puts the group back in the schedule at the time it next needs a worker, or takes it out.
local function reschedule(schedule, member, next_at)
  if next_at then
    redis.call('ZADD', schedule, next_at, member)
  else
    redis.call('ZREM', schedule, member)
  end
end

-- Counts `n` routes of the notification finished (published, purged, expired or cancelled): 'open'
-- drops, and a notification with no open route left goes to the retention index, to be deleted
-- once the retention ran out (retire.lua). ctx: now, retention (the key), retention_ms.
local function finish_routes(ctx, rkey, nid, n)
  if n > 0 and redis.call('HINCRBY', rkey, 'open', -n) <= 0 then
    redis.call('ZADD', ctx.retention, ctx.now + ctx.retention_ms, nid)
  end
end

-- slices: the one way a script sends a command a variable number of arguments (HSET, HMGET, ZADD,
-- ZREM, HDEL, XACK ...): in slices of at most per_call values, since unpack() fails past about
-- 8,000 values (LUAI_MAXCSTACK), and a script that fails half-way is not rolled back.
--
-- uses: (nothing)

-- The usual slice; per_call must be a multiple of the values per item (2 for HSET and ZADD pairs).
local SLICE = 1000

-- One slice of args, [i, last], after head (see call_in_slices).
local function send_slice(cmd, head, args, i, last)
  if type(head) == 'string' then return redis.call(cmd, head, unpack(args, i, last)) end
  if not head then return redis.call(cmd, unpack(args, i, last)) end
  local call = {}
  for k = 1, #head do call[k] = head[k] end
  for k = i, last do call[#call + 1] = args[k] end
  return redis.call(cmd, unpack(call))
end

-- head: the key the command works on; a table of the arguments that go before the variable ones
-- in every slice (XACK's stream and group); or false when the command takes only the args (DEL of
-- many keys). Returns the replies of the slices strung together when they are arrays (HMGET), the
-- reply as it is when there was one slice; nothing is sent for no args.
local function call_in_slices(cmd, head, args, per_call)
  if #args == 0 then return nil end
  if #args <= per_call then -- one slice: its reply as it is (no copy)
    return send_slice(cmd, head, args, 1, #args)
  end
  local replies = nil
  for i = 1, #args, per_call do
    local reply = send_slice(cmd, head, args, i, math.min(i + per_call - 1, #args))
    if type(reply) == 'table' then
      replies = replies or {}
      for k = 1, #reply do replies[#replies + 1] = reply[k] end
    end
  end
  return replies
end

-- figures: route figures by notification type (`herald stats`), and what the scripts read of a
-- notification besides its routes. The figures are a hash (RedisKeys.typeFigures) with one field
-- per figure and type, "<figure>:<type>" (type '' when unknown):
--   pending, failed                 routes waiting in that state now (leased ones included)
--   dead_letter.<classification>    dead letters now, by the classification of their last failure
--   accepted, published, requeued, purged, expired, cancelled   totals since the store was created
-- A script adds up its changes in a table with tally() and writes them once per call.
--
-- uses: states

local function tally(t, figure, ntype, n)
  local field = figure .. ':' .. ntype
  t[field] = (t[field] or 0) + n
end

local function write_tally(key, t)
  for field, n in pairs(t) do
    if n ~= 0 then redis.call('HINCRBY', key, field, n) end
  end
end

-- The figure of a route waiting with `attempts` made: the name of its state (waiting_code).
local WAITING_FIGURES = { p = 'pending', f = 'failed' }
local function waiting_figure(attempts)
  return WAITING_FIGURES[waiting_code(attempts)]
end

-- The dead_letter figure of a failure (JSON, as FailureCodec and complete.lua write it), or of a
-- route's failure history (its last line is the failure that made it a dead letter).
local function dead_figure(failure_json)
  local last = string.match(failure_json or '', '([^\n]*)$')
  return 'dead_letter.' .. (string.match(last or '', '"classification":"([%w_]+)"') or 'unknown')
end

-- What a call has read of its notifications, each read once: facts (below) and types by id.
local function notification_cache()
  return { facts = {}, types = {} }
end

-- A notification's type, route count, channels and recipient count, from its record: { type =,
-- routes =, channels =, recipients = }, or { err = why it cannot be read }. `keys` is the script's
-- herald_keys.
local function notification_facts(cache, keys, nid)
  local facts = cache.facts[nid]
  if facts then return facts end
  local key = keys.notification(nid)
  local ok, body = pcall(redis.call, 'GET', key)
  if not ok or not body then
    facts = { err = 'notification record ' .. key .. ' is missing or not a string' }
  else
    local decoded, doc = pcall(cjson.decode, body)
    local recipients, channels, ntype
    if decoded and type(doc) == 'table' then -- format 2 names, else format 1's (NotificationCodec)
      recipients, channels, ntype = doc.r or doc.recipients, doc.c or doc.channels, doc.t or doc.type
    end
    if type(recipients) ~= 'table' or type(channels) ~= 'table' or type(ntype) ~= 'string' then
      facts = { err = 'notification record ' .. key .. ' is unreadable' }
    else
      facts = { type = ntype, routes = #recipients * #channels, channels = channels,
        recipients = #recipients }
    end
  end
  cache.facts[nid] = facts
  return facts
end

-- A notification's type, for its figures: the field 'type' of its route hash, which accept wrote
-- (`stored`: its value when the caller read it along, false when it was absent, nil when not read);
-- from its record for a notification stored before that field existed; '' when neither is readable.
local function notification_type(cache, keys, nid, stored)
  local known = cache.types[nid]
  if known then return known end
  if stored == nil then
    local ok, value = pcall(redis.call, 'HGET', keys.routes(nid), 'type')
    stored = ok and value
  end
  known = stored or notification_facts(cache, keys, nid).type or ''
  cache.types[nid] = known
  return known
end

-- idempotency: the value of an idempotency key (keys.idempotency), '<id>|<accepted ms>', set with
-- an expiry of the idempotency window by accept.lua and intake.lua.
--
-- uses: (nothing)

-- The id the idempotency key names, if it was set less than `window` ms before `now`, else nil.
local function idempotent_id(key, now, window)
  local stored = redis.call('GET', key)
  if not stored then return nil end
  local id, at = string.match(stored, '^(.+)|(%d+)$')
  if id and now - tonumber(at) < window then return id end
  return nil
end

local function idempotency_value(id, now)
  return id .. '|' .. string.format('%d', now)
end

-- recipients: the opt-in index of notifications by recipient (console.recipient-index), kept by
-- accept.lua and intake.lua through accepting.lua. '<prefix>rcpt:<recipient>' is a zset of
-- notification ids scored by when each was accepted (ms); it keeps the newest `max` and expires
-- `keep` ms (retention.published) after the latest due time of what it holds. Nothing removes an
-- id when retire.lua deletes its notification: the reader skips ids whose record is gone, and the
-- bound and the expiry keep what is left small.
--
-- The setting comes in each accept item: '' (off), or '<max>/<keep ms>'.
--
-- uses: slices

-- Pass 1, no writes: the recipients to index (item.recipients, and item.fresh: those without an
-- index yet), or why one cannot be: its key holds another type. Nothing to do when it is off.
local function check_recipients(keys, item)
  if item.index == '' then return nil end
  local doc = cjson.decode(item.body) -- the record this call stores: format 2 (NotificationCodec)
  item.recipients = doc.r or doc.recipients
  item.fresh = {}
  for i, r in ipairs(item.recipients) do
    local key = keys.prefix .. 'rcpt:' .. r
    local t = redis.call('TYPE', key).ok
    if t == 'none' then
      item.fresh[i] = true
    elseif t ~= 'zset' then
      return 'recipient index ' .. key .. ' holds a ' .. t .. ', not Herald data'
    end
  end
  return nil
end

-- Pass 2: the notification's id in each of its recipients' index. A key new in this call (the
-- common case of a recipient's first notification) needs no bound or expiry check. `written`:
-- the keys this call wrote already, shared by its items.
local function index_recipients(keys, item, now, written)
  if item.index == '' then return end
  local max, keep = string.match(item.index, '^(%d+)/(%d+)$')
  max = tonumber(max)
  local ttl = math.max(item.due - now, 0) + tonumber(keep)
  for i, r in ipairs(item.recipients) do
    local key = keys.prefix .. 'rcpt:' .. r
    local added = redis.call('ZADD', key, now, item.id)
    if item.fresh[i] and not written[key] then
      redis.call('PEXPIRE', key, ttl)
    else
      if added == 1 then
        local over = redis.call('ZCARD', key) - max
        if over > 0 then -- the oldest go; one at a time in steady state
          call_in_slices('ZREM', key, redis.call('ZRANGE', key, 0, over - 1), 2000)
        end
      end
      if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
    end
    written[key] = true
  end
end

-- records: the names of a notification record's fields (NotificationCodec) in each stored format
-- Herald has written. Format 2 uses the short names below and has no id (its key names it);
-- format 1, which versions before it wrote, spells them out and holds 'v' and 'id' besides.
--
-- uses: (nothing)

local RECORD_FORMAT_1_NAMES = { t = 'type', p = 'producer', key = 'idempotency_key',
  r = 'recipients', c = 'channels', b = 'payload_json', req = 'request_id', trace = 'trace_id',
  s = 'send_at_ms', max = 'max_attempts', a = 'accepted_at_ms', exp = 'expires_at_ms' }

-- For each format, short name -> the name a record of that format gives the field.
local RECORD_NAMES = { [1] = RECORD_FORMAT_1_NAMES, [2] = {} }
for short in pairs(RECORD_FORMAT_1_NAMES) do RECORD_NAMES[2][short] = short end

-- accepting: storing new notifications with their routes and schedule entries, as accept.lua and
-- intake.lua do. A notification with an expires_at keeps it in the field 'exp' (ms) of its route
-- hash, and its type in the field 'type', where claim.lua and complete.lua find them without
-- reading its record.
--
-- An accept item, as AcceptCall writes it in ARGV: id, type, idempotency name ('' for none),
-- record (JSON), route count n, due (ms), expires at (ms, '' for none), recipient index setting
-- (recipients.lua: '' when off), stored format (StoredFormat: '2' stores the routes untouched, no
-- field each, as the record is format 2; '1' a p|0|<due> field per route, as versions before
-- format 2 did and read).
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
  local stored = ntype == 'string' and rtype == 'hash' and redis.call('GET', nkey)
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

-- Pass 2: stores a checked, non-duplicate item: its record, route hash, schedule entries (one per
-- group) and idempotency key. In stored format 2 its routes are untouched: no field each, 'due'
-- and 'n' for all (states.lua), so that a waiting route costs no memory of its own; in format 1
-- each has its p|0|<due> field, which is all a version before format 2 reads.
local function write_accept_item(acc, item)
  redis.call('SET', acc.keys.notification(item.id), item.body)
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
