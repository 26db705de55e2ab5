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
-- field for every route, and there a missing field is no route. In stored format 3 accept writes
-- no hash at all: while none exists (and the record does) every route is untouched, and the
-- fields 'open', 'type', 'due', 'n', 'exp' are what the record implies (figures.lua's
-- implied_route_fields), written by the first script that changes the notification, in the HSET of
-- that change.
--
-- Stored format 4 (StoredFormat): a claim that publishes routes of a group inline (claim.lua)
-- writes no field per route but one packed field per group, appending to it at each later claim:
--   P<first> = <run>;<run>;...   run = <first index>|<attempts>|<published at ms>|<id>,<id>,...
-- a run being consecutive routes published by one claim with the same attempts (after the
-- append), one stream entry id per route in index order. A route listed in P<first> is published,
-- s|<attempts>|<at>|<its id>, whatever its own field says: a failed route published inline keeps
-- its stale f| field (deleting it would cost the claim a command, and a script stopped between
-- the two writes would leave both anyway), so every reader looks at P<first> first
-- (published_state, each_published; RouteStateCodec.withPublished in Java). complete.lua (routes a
-- worker leased) writes per-route s| fields in every format.
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

-- The packed field of the routes of the group of route `index` published inline (format 4).
local function published_field(index)
  return 'P' .. (index - index % GROUP_SIZE)
end

-- Calls fn(index, state text) for each route the packed field `raw` lists (see the header; nil or
-- false: none). Returns false when a run is unreadable (its routes are then not told), else true.
local function each_published(raw, fn)
  if not raw then return true end
  for run in string.gmatch(raw, '[^;]+') do
    local from, attempts, at, ids = string.match(run, '^(%d+)|(%d+)|(%d+)|([^|]+)$')
    if not from then return false end
    local index = tonumber(from)
    local prefix = 's|' .. attempts .. '|' .. at .. '|'
    for id in string.gmatch(ids, '[^,]+') do
      fn(index, prefix .. id)
      index = index + 1
    end
  end
  return true
end

-- The published state text of route `index` as the packed field `raw` lists it, or nil.
local function published_state(raw, index)
  local found = nil
  each_published(raw, function(i, text) if i == index then found = text end end)
  return found
end

-- One run of a packed field: routes `first`.. published with `attempts` (after) at `at_text`.
local function fmt_published_run(first, attempts, at_text, ids)
  return string.format('%d|%d|', first, attempts) .. at_text .. '|' .. table.concat(ids, ',')
end

-- The state text of route `index` in the route hash `rkey`: as its group's packed field lists it
-- (format 4), else its field, else untouched_state; nil when there is no such route. Raises what
-- Redis raised (WRONGTYPE): callers pcall it.
local function read_route_state(rkey, index)
  local i = tonumber(index)
  if not i then return nil end
  local values = redis.call('HMGET', rkey, index, 'due', 'n', published_field(i))
  return published_state(values[4], i) or values[1] or untouched_state(i, values[2], values[3])
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

-- 'open' of a route hash written by a notification's first change, which finishes `finished` of
-- its routes: the route count of the fields implied by its record (figures.lua's
-- implied_route_fields: 'open' first, the count as a number in `routes`), less those.
local function open_after_first_change(implied, finished)
  return implied.routes - finished
end

-- Counts `n` routes of the notification finished (published, purged, expired or cancelled): 'open'
-- drops, and a notification with no open route left goes to the retention index, to be deleted
-- once the retention ran out (retire.lua). ctx: now, retention (the key), retention_ms, and
-- `retired` when the caller adds them to the index itself, once per call (claim.lua): a table that
-- gets score, id, ... for a ZADD. `implied`: the fields of a route hash the change wrote for the
-- first time (with_implied), whose 'open' went in lowered already; nil for a hash that existed.
local function finish_routes(ctx, rkey, nid, n, implied)
  if n <= 0 then return end
  local open
  if implied then
    open = open_after_first_change(implied, n)
  else
    open = redis.call('HINCRBY', rkey, 'open', -n)
  end
  if open <= 0 then
    ctx.retire_at = ctx.retire_at or string.format('%d', ctx.now + ctx.retention_ms)
    local retired = ctx.retired
    if retired then
      retired[#retired + 1] = ctx.retire_at
      retired[#retired + 1] = nid
    else
      redis.call('ZADD', ctx.retention, ctx.retire_at, nid)
    end
  end
end
