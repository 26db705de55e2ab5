-- Shared helpers, prepended by LuaScript to every Herald script before SCRIPT LOAD.
--
-- Route state, one hash field per route in <prefix>r:<notification_id>, field = route index:
--   p|<attempts>|<due ms>                           pending
--   f|<attempts>|<retry at ms>                      failed, waiting for its retry
--   l|<attempts>|<due ms>|<lease token>|<until ms>  leased (due = when it fell due)
--   s|<attempts>|<published at ms>|<entry id>       published
--   d|<attempts>|<dead at ms>                       dead letter
--   x|<attempts>|<at ms>                            expired
--   c|<attempts>|<at ms>                            cancelled
-- The letters are RouteState's codes; the allowed moves are RouteTransitions' table.
--
-- Schedule member: <notification_id>:<first index>-<last index>, one per group of routes;
-- score = the earliest time a route of the group needs a worker (due time, or lease end).

local KNOWN = { p = true, f = true, l = true, s = true, d = true, x = true, c = true }

-- Returns the parsed state, or nil when the text is not a state this version wrote.
local function parse_state(raw)
  if not raw then return nil end
  local code, attempts, t, rest = string.match(raw, '^(%a)|(%d+)|(%d+)(.*)$')
  if not code or not KNOWN[code] then return nil end
  local st = { code = code, attempts = tonumber(attempts), t = tonumber(t) }
  if code == 'l' then
    local token, lease_until = string.match(rest, '^|([^|]+)|(%d+)$')
    if not token then return nil end
    st.token = token
    st.lease_until = tonumber(lease_until)
  elseif code == 's' then
    st.entry = string.match(rest, '^|(.+)$')
    if not st.entry then return nil end
  elseif rest ~= '' then
    return nil
  end
  return st
end

local function fmt_state(code, attempts, t)
  return string.format('%s|%d|%d', code, attempts, t)
end

local function fmt_leased(attempts, due, token, lease_until)
  return string.format('l|%d|%d|%s|%d', attempts, due, token, lease_until)
end

local function fmt_published(attempts, at, entry)
  return string.format('s|%d|%d|%s', attempts, at, entry)
end

-- When the route next needs a worker, or nil when it needs none (terminal or dead).
local function needs_worker_at(st)
  if st.code == 'p' or st.code == 'f' then return st.t end
  if st.code == 'l' then return st.lease_until end
  return nil
end

-- Splits a schedule member into notification id and index range.
local function parse_member(member)
  local nid, from, to = string.match(member, '^(.+):(%d+)%-(%d+)$')
  if not nid then return nil end
  from, to = tonumber(from), tonumber(to)
  if to < from or to - from > 1000 then return nil end
  return nid, from, to
end

local function group_fields(from, to)
  local fields = {}
  for i = from, to do fields[#fields + 1] = tostring(i) end
  return fields
end

-- Redis errors that say the server, not the route, is the problem: no route may pay for them.
local INFRASTRUCTURE = { 'OOM', 'READONLY', 'MISCONF', 'LOADING', 'BUSY', 'NOREPLICAS',
  'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN' }
local function is_infrastructure_error(err)
  -- Redis 6.2 keeps the leading '-' of the error code, 7.0 drops it.
  local code = string.match(err, '^%-?(%u+)')
  for _, known in ipairs(INFRASTRUCTURE) do
    if code == known then return true end
  end
  return false
end

-- HSET/ZADD with many arguments in slices: unpack() has a limit of a few thousand values.
local function call_in_slices(cmd, key, args, per_call)
  for i = 1, #args, per_call do
    local last = math.min(i + per_call - 1, #args)
    redis.call(cmd, key, unpack(args, i, last))
  end
end

-- Puts the group back in the schedule at the time it next needs a worker, or takes it out.
local function reschedule(schedule, member, next_at)
  if next_at then
    redis.call('ZADD', schedule, next_at, member)
  else
    redis.call('ZREM', schedule, member)
  end
end

local function min_of(a, b)
  if a == nil then return b end
  if b == nil then return a end
  if b < a then return b end
  return a
end

-- Moves an unreadable schedule member aside so that the loop does not trip on it again.
local function quarantine(schedule, quarantine_key, stats, member, reason, now, out)
  redis.call('ZREM', schedule, member)
  redis.call('HSET', quarantine_key, member, string.format('%d|%s', now, reason))
  redis.call('HINCRBY', stats, 'quarantined', 1)
  out[#out + 1] = member .. '\t' .. reason
end
