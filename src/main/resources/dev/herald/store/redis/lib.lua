-- Shared helpers, put by LuaScript in front of every Herald script before SCRIPT LOAD.
--
-- Routes are stored per notification in <prefix>r:<notification_id>, one field per route index:
--   p|<attempts>|<due ms>                      pending
--   f|<attempts>|<retry at ms>                 failed, waiting for its retry
--   s|<attempts>|<published at ms>|<entry id>  published
--   d|<attempts>|<dead at ms>                  dead letter
--   x|<attempts>|<at ms>                       expired
--   c|<attempts>|<at ms>                       cancelled
--   z|<attempts>|<purged at ms>                purged dead letter (purge.lua)
-- The letters are RouteState's codes; the allowed moves are RouteTransitions' table.
--
-- Routes are scheduled and leased in groups of GROUP_SIZE consecutive indexes (RouteGroups.SIZE):
--   schedule member  <notification_id>:<first>-<last>, score = when the group next needs a worker
--   lease field      L<first> = <token>|<until ms>|<claimed at ms>|<last>|<rest ms or -1>,
--                    or '' when no lease is held (completion clears it in the same HSET)
-- A route is leased (RouteState LEASED) while its group's lease field exists and the route was
-- pending or failed and due when the lease was taken: a claim writes one field per group, not
-- one per route. <rest> is when the routes of the group that the lease does not cover next need
-- a worker, so that completing the lease needs no second read of the group.
--
-- Invariant: while a lease exists, only its holder changes the routes it covers. A script that
-- must change such a route otherwise (a cancel) deletes the lease field first, which turns the
-- holder's completion into a refused ('stale') one.

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

-- Splits a schedule member into notification id and index range.
local function parse_member(member)
  local nid, first, last = string.match(member, '^(.+):(%d+)%-(%d+)$')
  if not nid then return nil end
  first, last = tonumber(first), tonumber(last)
  if last < first or last - first >= GROUP_SIZE or first % GROUP_SIZE ~= 0 then return nil end
  return nid, first, last
end

local function group_fields(first, last)
  local fields = {}
  for i = first, last do fields[#fields + 1] = tostring(i) end
  return fields
end

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

-- The one way a script sends a command a variable number of arguments (HSET, HMGET, ZADD, ZREM,
-- HDEL ...): in slices of at most per_call values, since unpack() fails past about 8,000 values
-- (LUAI_MAXCSTACK), and a script that fails half-way is not rolled back. per_call must be a
-- multiple of the values per item (2 for HSET and ZADD pairs); SLICE is the usual one. key false:
-- the command takes only the args (DEL of many keys). Returns the replies of the slices strung
-- together when they are arrays (HMGET); nothing is sent for no args.
local SLICE = 1000

local function call_in_slices(cmd, key, args, per_call)
  if #args == 0 then return nil end
  if #args <= per_call then -- one slice: its reply as it is (no copy)
    if key then return redis.call(cmd, key, unpack(args)) end
    return redis.call(cmd, unpack(args))
  end
  local replies = nil
  for i = 1, #args, per_call do
    local last = math.min(i + per_call - 1, #args)
    local reply
    if key then
      reply = redis.call(cmd, key, unpack(args, i, last))
    else
      reply = redis.call(cmd, unpack(args, i, last))
    end
    if type(reply) == 'table' then
      replies = replies or {}
      for k = 1, #reply do replies[#replies + 1] = reply[k] end
    end
  end
  return replies
end

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

-- When a route in this state next needs a worker, or nil (finished, or waiting for an operator).
local function needs_worker_at(code, t)
  if code == 'p' or code == 'f' then return t end
  return nil
end

-- Moves an unreadable schedule member aside so that the loop does not trip on it again: kept in
-- the quarantine hash before it leaves the schedule, so that a failure between the two cannot
-- lose it.
local function quarantine(schedule, quarantine_key, stats, member, reason, now, out)
  redis.call('HSET', quarantine_key, member, string.format('%d|%s', now, reason))
  redis.call('ZREM', schedule, member)
  redis.call('HINCRBY', stats, 'quarantined', 1)
  out[#out + 1] = member .. '\t' .. reason
end

-- Route figures by notification type (ops CLI, `herald stats`). A hash (RedisKeys.typeFigures)
-- with one field per figure and type, "<figure>:<type>" (type '' when unknown):
--   pending, failed                 routes waiting in that state now (leased ones included)
--   dead_letter.<classification>    dead letters now, by the classification of their last failure
--   accepted, published, requeued, purged   totals since the store was created
-- A script adds up its changes in a table with tally() and writes them once per call.
-- Pending routes always have 0 attempts (a requeue that keeps attempts writes 'f'), so a script
-- that knows a waiting route's attempts knows its figure without reading its state.
local function tally(t, figure, ntype, n)
  local field = figure .. ':' .. ntype
  t[field] = (t[field] or 0) + n
end

local function write_tally(key, t)
  for field, n in pairs(t) do
    if n ~= 0 then redis.call('HINCRBY', key, field, n) end
  end
end

local function waiting_figure(attempts)
  if attempts == 0 then return 'pending' end
  return 'failed'
end

-- The dead_letter figure of a failure (JSON, as FailureCodec and complete.lua write it), or of a
-- route's failure history (its last line is the failure that made it a dead letter).
local function dead_figure(failure_json)
  local last = string.match(failure_json or '', '([^\n]*)$')
  return 'dead_letter.' .. (string.match(last or '', '"classification":"([%w_]+)"') or 'unknown')
end

-- What the dead-letter scripts need of a notification (its type and route count), read once per
-- call and notification: { type =, routes = } or { err = why it cannot be read }.
local function notification_facts(cache, prefix, nid)
  local facts = cache[nid]
  if facts then return facts end
  local key = prefix .. 'n:' .. nid
  local ok, body = pcall(redis.call, 'GET', key)
  if not ok or not body then
    facts = { err = 'notification record ' .. key .. ' is missing or not a string' }
  else
    local decoded, doc = pcall(cjson.decode, body)
    if not decoded or type(doc) ~= 'table' or type(doc.recipients) ~= 'table'
        or type(doc.channels) ~= 'table' or type(doc.type) ~= 'string' then
      facts = { err = 'notification record ' .. key .. ' is unreadable' }
    else
      facts = { type = doc.type, routes = #doc.recipients * #doc.channels }
    end
  end
  cache[nid] = facts
  return facts
end

-- ------------------------------------------------------------------------------------------------
-- Intake, cancel and expiry (issue 3). accept.lua and intake.lua accept notifications with the
-- same helpers; cancel.lua and intake.lua cancel with the same helper. A notification with an
-- expires_at keeps it in the field 'exp' (ms) of its r:<id> hash, where claim.lua and
-- complete.lua see it without reading the notification's JSON.

-- An error reply when the key holds another type than `want` (absent is fine), else nil.
local function wrong_type(key, want)
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= want then
    return redis.error_reply('WRONGTYPE ' .. key .. ' holds a ' .. t .. ', not Herald data')
  end
  return nil
end

-- The type of a key ('none' when absent).
local function key_type(key)
  return redis.call('TYPE', key).ok
end

-- Why `key` cannot be read as Herald's `want` ('string', 'hash', ...), or nil when it can (absent is
-- fine). A read of such a key in the write pass of a script would raise WRONGTYPE after earlier
-- writes, which Redis does not roll back: scripts ask this in their read pass.
local function key_problem(key, want)
  local t = key_type(key)
  if t ~= 'none' and t ~= want then
    return key .. ' holds a ' .. t .. ', not Herald data'
  end
  return nil
end

-- The id an idempotency key names, if it was set less than `window` ms before `now`, else nil.
local function idempotent_id(idem, now, window)
  local stored = redis.call('GET', idem)
  if not stored then return nil end
  local id, at = string.match(stored, '^(.+)|(%d+)$')
  if id and now - tonumber(at) < window then return id end
  return nil
end

-- Reads an accept item at argv[i]: id, idempotency key name ('' for none), body (JSON), route
-- count n, due (ms), expires at (ms, '' for none), group count g, then g schedule members, then
-- the notification type. Returns the item and the position after it.
local function read_accept_item(argv, i)
  local item = { id = argv[i], idem = argv[i + 1], body = argv[i + 2], n = tonumber(argv[i + 3]),
    due = tonumber(argv[i + 4]), exp = argv[i + 5], members = {} }
  local g = tonumber(argv[i + 6])
  for k = 1, g do item.members[k] = argv[i + 6 + k] end
  item.type = argv[i + 7 + g]
  return item, i + 8 + g
end

-- The state of one accept call: its settings, the idempotency keys this batch claimed, totals.
local function new_accept(schedule, stats, prefix, now, window, type_figures)
  return { schedule = schedule, stats = stats, prefix = prefix, now = now, window = window,
    claimed_keys = {}, stored = 0, routes = 0, earliest = nil, type_figures = type_figures,
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
    local bad = key_problem(item.idem, 'string')
    if bad then return 'idempotency key ' .. bad end
    local earlier = acc.claimed_keys[item.idem] or idempotent_id(item.idem, acc.now, acc.window)
    if earlier and earlier ~= item.id then
      item.duplicate_of = earlier
      return nil
    end
  end
  local nkey, rkey = acc.prefix .. 'n:' .. item.id, acc.prefix .. 'r:' .. item.id
  local ntype, rtype = key_type(nkey), key_type(rkey)
  if ntype == 'string' and rtype == 'hash' and redis.call('GET', nkey) == item.body then
    item.stored_already = true
  elseif ntype ~= 'none' or rtype ~= 'none' then
    return 'notification id ' .. item.id .. ' is already in use'
  end
  if keyed then acc.claimed_keys[item.idem] = item.id end
  return nil
end

-- Pass 2: stores a checked, non-duplicate item: its record, route states, schedule entries and
-- idempotency key.
local function write_accept_item(acc, item)
  redis.call('SET', acc.prefix .. 'n:' .. item.id, item.body)
  local state = fmt_state('p', 0, item.due)
  local fields = { 'open', item.n }
  if item.exp ~= '' then
    fields[3] = 'exp'
    fields[4] = item.exp
  end
  for idx = 0, item.n - 1 do
    fields[#fields + 1] = idx
    fields[#fields + 1] = state
  end
  call_in_slices('HSET', acc.prefix .. 'r:' .. item.id, fields, 2000)
  local entries = {}
  for _, member in ipairs(item.members) do
    entries[#entries + 1] = item.due
    entries[#entries + 1] = member
  end
  call_in_slices('ZADD', acc.schedule, entries, 2000)
  if item.idem ~= '' and acc.window > 0 then
    redis.call('SET', item.idem, item.id .. '|' .. string.format('%d', acc.now), 'PX', acc.window)
  end
  acc.stored = acc.stored + 1
  acc.routes = acc.routes + item.n
  acc.earliest = min_of(acc.earliest, item.due)
  tally(acc.figures, 'accepted', item.type, item.n)
  tally(acc.figures, 'pending', item.type, item.n)
end

-- After the writes: the counters, and one wake-up with the earliest due time stored.
local function finish_accept(acc, wake_channel)
  if acc.stored > 0 then
    redis.call('HINCRBY', acc.stats, 'notifications_accepted', acc.stored)
    redis.call('HINCRBY', acc.stats, 'routes_accepted', acc.routes)
    write_tally(acc.type_figures, acc.figures)
    redis.call('PUBLISH', wake_channel, string.format('%d', acc.earliest))
  end
end

-- Pass 1 of a cancel in intake.lua: why the notification `nid` cannot be cancelled without a
-- WRONGTYPE part-way (its route hash or failure history is a key of another type), or nil.
local function cancel_target_problem(prefix, nid)
  return key_problem(prefix .. 'r:' .. nid, 'hash') or key_problem(prefix .. 'f:' .. nid, 'hash')
end

-- Counts `n` routes finished (published, dead letter purged, expired or cancelled): 'open' drops,
-- and a notification with no open route left goes to retention. ctx: now, retention, retention_ms.
local function finish_routes(ctx, rkey, nid, n)
  if n > 0 and redis.call('HINCRBY', rkey, 'open', -n) <= 0 then
    redis.call('ZADD', ctx.retention, ctx.now + ctx.retention_ms, nid)
  end
end

-- Cancels every route of the notification not published yet (pending, failed, leased, dead
-- letter): c|<attempts>|<now>; published, expired and cancelled routes stay. Per the invariant
-- above the group leases go first, so that a holder's completion is refused ('stale') and appends
-- nothing. The groups leave the schedule and the dead letters the dead index.
-- ctx: prefix, now, schedule, dead, stats, retention, retention_ms, type_figures.
-- Returns the routes cancelled and the routes already published; nil when there is no such
-- notification.
local function cancel_notification(ctx, nid)
  local rkey = ctx.prefix .. 'r:' .. nid
  local all = redis.call('HGETALL', rkey)
  if #all == 0 then return nil end
  local ntype = notification_facts({}, ctx.prefix, nid).type or ''
  local figures = {}
  local updates, dead, leases = {}, {}, {}
  local last, cancelled, published = -1, 0, 0
  for i = 1, #all, 2 do
    local field = all[i]
    if string.match(field, '^%d+$') then
      local index = tonumber(field)
      if index > last then last = index end
      local code, attempts = parse_state(all[i + 1])
      if code == 'p' or code == 'f' or code == 'd' then
        updates[#updates + 1] = field
        updates[#updates + 1] = fmt_state('c', attempts, ctx.now)
        cancelled = cancelled + 1
        local from = code == 'd'
          and dead_figure(redis.call('HGET', ctx.prefix .. 'f:' .. nid, field))
          or waiting_figure(attempts)
        tally(figures, from, ntype, -1)
        tally(figures, 'cancelled', ntype, 1)
        if code == 'd' then dead[#dead + 1] = nid .. ':' .. field end
      elseif code == 's' then
        published = published + 1
      end
    elseif string.match(field, '^L%d+$') then
      leases[#leases + 1] = field
    end
  end
  -- All reads are done. Leases first (see above), then the states, then the schedule and
  -- dead-index entries: a failure part-way leaves routes that are claimed (or listed) again, never
  -- a waiting route without a schedule entry or a dead letter outside the index.
  if #leases > 0 then call_in_slices('HDEL', rkey, leases, SLICE) end
  if cancelled > 0 then
    call_in_slices('HSET', rkey, updates, SLICE)
    local members = {}
    for first = 0, last, GROUP_SIZE do
      members[#members + 1] = nid .. ':' .. first .. '-' .. math.min(first + GROUP_SIZE - 1, last)
    end
    call_in_slices('ZREM', ctx.schedule, members, SLICE)
    if #dead > 0 then call_in_slices('ZREM', ctx.dead, dead, SLICE) end
    redis.call('HINCRBY', ctx.stats, 'cancelled', cancelled)
    write_tally(ctx.type_figures, figures)
    finish_routes(ctx, rkey, nid, cancelled)
  end
  return cancelled, published
end

-- claim.lua, for a due group of an expired notification: its waiting routes (pending or failed,
-- those of a lease that ran out included) become x|<attempts>|<now> and are never leased again.
-- The lease field goes first (a late holder's completion is then refused), then the states, and
-- the schedule entry last: a failure part-way leaves the group scheduled, to be expired again.
-- ctx: prefix, now, schedule, stats, retention, retention_ms, type_figures. `values` holds the
-- group's route states.
local function expire_group(ctx, rkey, nid, member, first, values, count)
  local updates, expired, figures = {}, 0, {}
  local ntype = nil
  for j = 1, count do
    local code, attempts = parse_state(values[j])
    if code == 'p' or code == 'f' then
      updates[#updates + 1] = first + j - 1
      updates[#updates + 1] = fmt_state('x', attempts, ctx.now)
      expired = expired + 1
      ntype = ntype or notification_facts({}, ctx.prefix, nid).type or ''
      tally(figures, waiting_figure(attempts), ntype, -1)
      tally(figures, 'expired', ntype, 1)
    end
  end
  redis.call('HDEL', rkey, 'L' .. first)
  if expired > 0 then call_in_slices('HSET', rkey, updates, SLICE) end
  redis.call('ZREM', ctx.schedule, member)
  if expired > 0 then
    redis.call('HINCRBY', ctx.stats, 'expired', expired)
    write_tally(ctx.type_figures, figures)
    finish_routes(ctx, rkey, nid, expired)
  end
end

