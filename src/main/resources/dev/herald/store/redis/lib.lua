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
--   lease field      L<first> = <token>|<until ms>|<claimed at ms>|<last>|<rest ms or -1>
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
local function is_infrastructure_error(err)
  -- Redis 6.2 keeps the leading '-' of the error code, 7.0 drops it.
  return INFRASTRUCTURE[string.match(err, '^%-?(%u+)') or ''] == true
end

-- HSET/ZADD with many arguments in slices: unpack() has a limit of a few thousand values.
local function call_in_slices(cmd, key, args, per_call)
  for i = 1, #args, per_call do
    local last = math.min(i + per_call - 1, #args)
    redis.call(cmd, key, unpack(args, i, last))
  end
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

-- Moves an unreadable schedule member aside so that the loop does not trip on it again.
local function quarantine(schedule, quarantine_key, stats, member, reason, now, out)
  redis.call('ZREM', schedule, member)
  redis.call('HSET', quarantine_key, member, string.format('%d|%s', now, reason))
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
