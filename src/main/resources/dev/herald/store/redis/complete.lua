-- complete: records what a worker did with the routes it leased. Publishing appends the event
-- and marks the route published in this one atomic step.
--
-- KEYS[1]  schedule (zset)
-- KEYS[2]  dead-letter index (zset: "<notification id>:<index>" -> dead since ms)
-- KEYS[3]  stats (hash)
-- KEYS[4]  retention (zset: notification id -> delete at ms)
-- KEYS[5..] the streams appended to in this batch
-- KEYS[5+S] route figures by type (hash, see lib.lua)
-- ARGV[1]  key prefix
-- ARGV[2]  now (ms)
-- ARGV[3]  lease token the routes were claimed with
-- ARGV[4]  failures kept per route (history cap)
-- ARGV[5]  retention of finished notifications (ms)
-- ARGV[6]  Herald's clock minus Redis's (ms), for the expiry check (below)
-- ARGV[7]  when a route whose stream refused the append is due again (ms)
-- ARGV[8]  stream count S, then ARGV[9..8+S] their MAXLEN (~), in KEYS order
-- then per notification: id, type ('' when unknown), shared field count 2k, the 2k shared
--   fields (name, value, ...), group count g, the g groups' first indexes,
--   route count m, the number of values of the m routes, then the m routes:
--   index * 2^20 + attempts before this one (as claimed),
--   outcome * 100 + stream number, and by outcome
--     1 publish:     event_id, user_id, route_id, retry at ms if the append fails
--                    (-1: dead letter instead)
--     2 retry:       retry at ms, failure (JSON)
--     3 dead letter: failure (JSON)
--     4 defer:       until ms (not tried, not charged: the worker's breaker for the stream is open)
--     5 probe:       as publish, but a failed append is not charged (it probes an open breaker)
--     6 follow:      event_id, user_id, route_id, until ms: publish (uncharged) only if an append
--                    to its stream got through earlier in this call (its breaker's probe), else
--                    wait, uncharged, until then
--
-- A route is changed only while its group's lease has ARGV[3] as token (see the invariant in
-- lib.lua): then the route is as the claim found it, and nothing needs to be read again.
--
-- A refused append costs the route an attempt only when the refusal may be the route's own.
-- Refusals of the server (OOM, READONLY, ... : lib.lua's INFRASTRUCTURE) stop the appends of the
-- batch there: those routes and all later ones keep their lease and their attempts untouched, and
-- the worker sends them again under the same lease. Refusals of the stream (STREAM_REFUSALS
-- below: the key holds another type, the user may not write it) are no route's fault either: the
-- route and every later route of that stream in this call wait again, uncharged, until ARGV[7];
-- routes of the other streams go on.
--
-- Order, so that a script stopped part-way can never leave a route appended but unrecorded, or
-- recorded as waiting without a schedule entry:
--   1. reads and checks, no writes: the arguments, each notification's leases and expiry, that
--      its failure history is a hash;
--   2. per notification: its appends; right after them its dead-index entries (an entry without
--      its dead letter is harmless, the reverse would hide one), its route states with, last, the
--      release of its finished groups' leases, its failure histories; then the schedule entries
--      of the released groups move to when they next need a worker, or go; then its 'open'
--      count. A group's schedule entry exists all through its lease (the claim put it at the
--      lease's end), so a route recorded as waiting always has one;
--   3. the counters and the figures by type, once per call.
-- Every variable-length write goes through call_in_slices (lib.lua). If a server refusal comes
-- before anything was written, the script writes nothing at all: Redis refuses a script's first
-- write for the same reason (once it has written, Redis lets it finish even over maxmemory).
--
-- Expiry: at or after the notification's expires_at (field exp of r:<id>) nothing is appended
-- any more, and a retry that would come after it is pointless: the route ends expired
-- (x|<attempts>|<now>). "Now" for this check is the later of ARGV[2] and Redis's own clock as the
-- script runs (TIME, moved into Herald's time base by ARGV[6]), so that a call Redis runs late
-- (a client timeout, a pause) cannot append after expires_at. TIME before writes needs effects
-- replication: the only kind on Redis 7, the default since 5 (Herald needs 6.2).
--
-- Reply: one value per route, in order: the stream entry id when published, else
--   'retry<TAB>failure JSON' | 'dead<TAB>failure JSON' | 'deferred' | 'stale' | 'expired'
--   | 'refused<TAB>Redis error' (not appended, uncharged: waits again)
--   | 'unavailable<TAB>Redis error' (untouched, still leased)

local schedule, dead_index, stats, retention = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local token = ARGV[3]
local history_cap = tonumber(ARGV[4])
local retention_ms = tonumber(ARGV[5])
local clock_offset = tonumber(ARGV[6])
local refused_until = tonumber(ARGV[7])
local stream_count = tonumber(ARGV[8])
local type_figures = KEYS[5 + stream_count]
local finishing = { now = now, retention = retention, retention_ms = retention_ms }

local STREAM_REFUSALS = { WRONGTYPE = true, NOPERM = true }
-- Arguments per route, by outcome (see the header).
local ROUTE_ARGS = { 6, 4, 3, 3, 6, 6 }

local time = redis.call('TIME')
local expiry_now = math.max(now,
  tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + clock_offset)

-- Appends a failure to the route's history, keeping the newest history_cap lines.
local function failure_history(old, json)
  if not old then return json end
  local lines = {}
  for line in string.gmatch(old, '[^\n]+') do lines[#lines + 1] = line end
  lines[#lines + 1] = json
  return table.concat(lines, '\n', math.max(1, #lines - history_cap + 1), #lines)
end

-- 1. Reads and checks.
local notes = {}
local total_routes = 0
local i = 9 + stream_count
local argc = #ARGV
while i <= argc do
  local note = { nid = ARGV[i], ntype = ARGV[i + 1], shared_at = i + 3,
    shared_count = tonumber(ARGV[i + 2]) }
  i = i + 3 + note.shared_count
  local fields = { 'exp' }
  for k = 1, tonumber(ARGV[i]) do fields[k + 1] = 'L' .. ARGV[i + k] end
  i = i + #fields -- the count and the g firsts
  note.route_count = tonumber(ARGV[i])
  note.routes_at = i + 2
  i = i + 2 + tonumber(ARGV[i + 1])
  total_routes = total_routes + note.route_count
  local rkey = prefix .. 'r:' .. note.nid
  local values = call_in_slices('HMGET', rkey, fields, SLICE)
  note.expires_at = tonumber(values[1])
  note.groups = {} -- first index -> { ours, last, next_at, interrupted }
  for k = 2, #fields do
    local first = tonumber(string.sub(fields[k], 2))
    local lease_token, _, _, last, rest = parse_lease(values[k])
    local group = { ours = lease_token == token, next_at = rest }
    if group.ours then group.last = math.min(last, first + GROUP_SIZE - 1) end
    note.groups[first] = group
  end
  local bad = wrong_type(prefix .. 'f:' .. note.nid, 'hash')
  if bad then return bad end
  notes[#notes + 1] = note
end

-- 2. Per notification: appends, then what they change.
local reply = {}
local counts = { published = 0, retried = 0, dead_lettered = 0, lease_conflicts = 0, expired = 0,
  deferred = 0 }
local figures = {} -- route figures by type, written once at the end (lib.lua)
local sink_error = nil -- a server refusal: nothing more is appended in this call
local refused = {}     -- stream key -> the error with which it refused an append in this call
local appended = {}    -- stream key -> true once an append to it got through in this call
local wrote = false
local published_prefix = {} -- attempts -> 's|<attempts>|<now>|'

for _, note in ipairs(notes) do
  local nid, ntype, groups, expires_at = note.nid, note.ntype, note.groups, note.expires_at
  local rkey = prefix .. 'r:' .. nid
  -- One XADD argument list per notification; each route fills in its own slots.
  local xadd = { false, 'MAXLEN', '~', false, '*', 'event_id', false, 'user_id', false, 'route_id', false }
  for k = 1, note.shared_count do xadd[11 + k] = ARGV[note.shared_at + k - 1] end
  local updates, dead, failed = {}, {}, {} -- failed: index, failure JSON, ...
  local finished = 0
  -- Route figure moves of this notification, counted here and tallied once per notification:
  -- [from][to] with from 'pending'/'failed' (lib.lua: waiting_figure of the attempts before).
  local moves = { pending = {}, failed = {} }
  local function move(before, to)
    local from = moves[waiting_figure(before)]
    from[to] = (from[to] or 0) + 1
  end
  -- Back to waiting at `at` without the attempt being counted.
  local function wait_uncharged(index, before, at, group)
    updates[#updates + 1] = index
    updates[#updates + 1] = fmt_state(before > 0 and 'f' or 'p', before, at)
    group.next_at = min_of(group.next_at, at)
    counts.deferred = counts.deferred + 1
  end

  local i = note.routes_at
  for _ = 1, note.route_count do
    local packed = tonumber(ARGV[i])
    local index = math.floor(packed / 1048576)
    local attempts = packed % 1048576 + 1
    local kind = tonumber(ARGV[i + 1])
    local outcome = math.floor(kind / 100)
    local publish, retry_at, failure = false, -1, nil
    if outcome == 1 or outcome == 5 or outcome == 6 then
      publish = true
      local stream_no = kind % 100
      xadd[1] = KEYS[4 + stream_no]
      xadd[4] = ARGV[8 + stream_no]
      xadd[7] = ARGV[i + 2]
      xadd[9] = ARGV[i + 3]
      xadd[11] = ARGV[i + 4]
      retry_at = tonumber(ARGV[i + 5])
    elseif outcome == 2 then
      retry_at = tonumber(ARGV[i + 2])
      failure = ARGV[i + 3]
    elseif outcome == 4 then
      retry_at = tonumber(ARGV[i + 2])
    else
      failure = ARGV[i + 2]
    end
    i = i + ROUTE_ARGS[outcome]
    local first = index - index % GROUP_SIZE
    local group = groups[first]

    if sink_error then
      -- Not tried: the route keeps its lease like the one whose append was refused. (Releasing
      -- its group would drop its schedule entry while the route was never published.)
      group.interrupted = true
      reply[#reply + 1] = 'unavailable\t' .. sink_error
    elseif not group.ours then
      counts.lease_conflicts = counts.lease_conflicts + 1
      reply[#reply + 1] = 'stale'
    elseif expires_at and (expiry_now >= expires_at or (outcome == 2 and retry_at >= expires_at)) then
      -- Expired: a publish or a deferral that did not happen is not an attempt; a failure the
      -- worker reports (retry, dead letter) is.
      local untried = publish or outcome == 4
      updates[#updates + 1] = index
      updates[#updates + 1] = fmt_state('x', untried and attempts - 1 or attempts, now)
      move(attempts - 1, 'expired')
      finished = finished + 1
      counts.expired = counts.expired + 1
      reply[#reply + 1] = 'expired'
    elseif outcome == 4 or (outcome == 6 and not appended[xadd[1]] and not refused[xadd[1]]) then
      wait_uncharged(index, attempts - 1, retry_at, group)
      reply[#reply + 1] = 'deferred'
    elseif publish and refused[xadd[1]] then
      -- Its stream refused an append of this call already: not tried.
      wait_uncharged(index, attempts - 1, refused_until, group)
      reply[#reply + 1] = 'refused\t' .. refused[xadd[1]]
    else
      local entry_id, refusal = nil, nil
      if publish then
        local id = redis.pcall('XADD', unpack(xadd))
        if type(id) == 'table' then
          local err = plain_error(id.err)
          if is_infrastructure_error(err) then
            sink_error = err
          elseif STREAM_REFUSALS[string.match(err, '^(%u+)') or ''] then
            refused[xadd[1]] = err
            refusal = err
          elseif outcome == 5 or outcome == 6 then
            refusal = err -- the probe of an open breaker: evidence about the stream, uncharged
          else
            failure = cjson.encode({ classification = 'gateway_stream_publish_failed',
              message = err, at = now, attempt = attempts })
          end
        else
          entry_id = id
          appended[xadd[1]] = true
          wrote = true
        end
      end
      if sink_error then
        if not wrote then
          -- Nothing is written yet, and Redis would refuse this script's first write too.
          local all = {}
          for k = 1, total_routes do all[k] = 'unavailable\t' .. sink_error end
          return all
        end
        group.interrupted = true
        reply[#reply + 1] = 'unavailable\t' .. sink_error
      elseif refusal then
        wait_uncharged(index, attempts - 1, refused[xadd[1]] and refused_until or retry_at, group)
        reply[#reply + 1] = 'refused\t' .. refusal
      elseif entry_id then
        local prefix_of_state = published_prefix[attempts]
        if not prefix_of_state then
          prefix_of_state = 's|' .. string.format('%d|%d|', attempts, now)
          published_prefix[attempts] = prefix_of_state
        end
        updates[#updates + 1] = index
        updates[#updates + 1] = prefix_of_state .. entry_id
        move(attempts - 1, 'published')
        finished = finished + 1
        counts.published = counts.published + 1
        reply[#reply + 1] = entry_id
      else
        updates[#updates + 1] = index
        if retry_at >= 0 then
          updates[#updates + 1] = fmt_state('f', attempts, retry_at)
          move(attempts - 1, 'failed')
          group.next_at = min_of(group.next_at, retry_at)
          counts.retried = counts.retried + 1
          reply[#reply + 1] = 'retry\t' .. failure
        else
          updates[#updates + 1] = fmt_state('d', attempts, now)
          move(attempts - 1, dead_figure(failure))
          dead[#dead + 1] = now
          dead[#dead + 1] = nid .. ':' .. index
          counts.dead_lettered = counts.dead_lettered + 1
          reply[#reply + 1] = 'dead\t' .. failure
        end
        failed[#failed + 1] = index
        failed[#failed + 1] = failure
      end
    end
  end

  -- Our lease ends with this batch (an empty lease field is no lease: clearing it with the states
  -- saves an HDEL), unless a server refusal interrupted it: then the routes not done keep both the
  -- lease and the schedule entry, for the worker to send them again.
  local released = {}
  for first, group in pairs(groups) do
    if group.ours and not group.interrupted then
      updates[#updates + 1] = 'L' .. first
      updates[#updates + 1] = ''
      released[#released + 1] = first
    end
  end
  if #dead > 0 then call_in_slices('ZADD', dead_index, dead, SLICE) end
  if #updates > 0 then
    call_in_slices('HSET', rkey, updates, SLICE)
    wrote = true
  end
  if #failed > 0 then
    local fkey = prefix .. 'f:' .. nid
    local indexes = {}
    for k = 1, #failed, 2 do indexes[#indexes + 1] = failed[k] end
    local old = call_in_slices('HMGET', fkey, indexes, SLICE)
    for k = 2, #failed, 2 do failed[k] = failure_history(old[k / 2], failed[k]) end
    call_in_slices('HSET', fkey, failed, SLICE)
  end
  for _, first in ipairs(released) do
    local group = groups[first]
    reschedule(schedule, nid .. ':' .. first .. '-' .. group.last, group.next_at)
  end
  for from, tos in pairs(moves) do
    for to, n in pairs(tos) do
      if to ~= from then
        tally(figures, from, ntype, -n)
        tally(figures, to, ntype, n)
      end
    end
  end
  finish_routes(finishing, rkey, nid, finished)
end

-- 3. Counters.
for name, n in pairs(counts) do
  if n > 0 then redis.call('HINCRBY', stats, name, n) end
end
write_tally(type_figures, figures)
return reply
