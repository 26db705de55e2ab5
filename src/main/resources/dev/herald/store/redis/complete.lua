-- complete: records what a worker did with the routes it leased (CompletionCall in Java).
-- Publishing appends the event and marks the route published in this one atomic step.
--
-- KEYS[1]  schedule (zset); the prefix of the other keys (keys.lua)
-- KEYS[2]  dead-letter index (zset: "<notification id>:<index>" -> dead since ms)
-- KEYS[3]  stats (hash)
-- KEYS[4]  retention (zset: notification id -> delete at ms)
-- KEYS[5]  route figures by type (hash, figures.lua)
-- KEYS[6..5+S] the streams appended to in this call, numbered 1..S
-- ARGV[1]  now (ms)
-- ARGV[2]  lease token the routes were claimed with
-- ARGV[3]  failures kept per route (history cap)
-- ARGV[4]  retention of finished notifications (ms)
-- ARGV[5]  Herald's clock minus Redis's (ms), for the expiry check (below)
-- ARGV[6]  when a route whose stream refused the append is due again (ms)
-- ARGV[7]  stream count S, then ARGV[8..7+S] their MAXLEN (~), in KEYS order
-- then per notification: id, shared field count 2k, the 2k fields its events share (name,
--   value, ...), group count g, the g groups' first indexes, route count m, the number of values
--   of its m routes, then the m routes as items: a run, or one route. A run is routes published
--   alike (consecutive indexes, the same attempts and stream): first index, attempts made before,
--   'run', route count c, stream number, then per route event_id, user_id, route_id, retry at ms
--   if the append fails (-1: dead letter instead). One route: index, attempts made before this
--   one (as claimed), outcome, and by outcome
--     publish  stream number, event_id, user_id, route_id, retry at ms if the append fails
--              (-1: dead letter instead)
--     probe    as publish, but a failed append is not charged (it probes an open breaker)
--     follow   stream number, event_id, user_id, route_id, until ms: publish (uncharged) only if
--              an append to its stream got through earlier in this call (its breaker's probe),
--              else wait, uncharged, until then
--     retry    retry at ms, failure (JSON)
--     dead     failure (JSON)
--     defer    until ms (not tried, not charged: the worker's breaker for the stream is open)
--
-- A route is changed only while its group's lease has ARGV[2] as token (see the invariant in
-- states.lua): then the route is as the claim found it, and nothing needs to be read again.
--
-- A refused append costs the route an attempt only when the refusal may be the route's own.
-- Refusals of the server (OOM, READONLY, ... : errors.lua's INFRASTRUCTURE) stop the appends of
-- the call there: those routes and all later ones keep their lease and their attempts untouched,
-- and the worker sends them again under the same lease. Refusals of the stream (STREAM_REFUSALS
-- below: the key holds another type, the user may not write it) are no route's fault either: the
-- route and every later route of that stream in this call wait again, uncharged, until ARGV[6];
-- routes of the other streams go on.
--
-- Order, so that a script stopped part-way can never leave a route appended but unrecorded, or
-- recorded as waiting without a schedule entry:
--   1. reads and checks, no writes: the arguments, each notification's leases, expiry and type,
--      that its failure history is a hash;
--   2. per notification: its appends; right after them its dead-index entries (an entry without
--      its dead letter is harmless, the reverse would hide one), its route states with, last, the
--      release of its finished groups' leases, its failure histories; then its 'open' count;
--   3. once per call, the schedule entries of the released groups move to when they next need a
--      worker, or go (one ZADD, one ZREM). A group's schedule entry exists all through its lease
--      (the claim put it at the lease's end), so a route recorded as waiting always has one, and
--      an entry left behind by a script stopped before this step only costs a claim a look;
--   4. the counters and the figures by type, once per call.
-- Every variable-length write goes through call_in_slices. If a server refusal comes before
-- anything was written, the script writes nothing at all: Redis refuses a script's first write
-- for the same reason (once it has written, Redis lets it finish even over maxmemory).
--
-- Expiry: at or after the notification's expires_at (field exp of its route hash) nothing is
-- appended any more, and a retry that would come after it is pointless: the route ends expired
-- (x|<attempts>|<now>; an attempt that was not made is not counted). "Now" for this check is the
-- later of ARGV[1] and Redis's own clock as the script runs (TIME, moved into Herald's time base
-- by ARGV[5]), so that a call Redis runs late (a client timeout, a pause) cannot append after
-- expires_at. TIME before writes needs effects replication: the only kind on Redis 7, the default
-- since 5 (Herald needs 6.2).
--
-- Reply: two values per route, in order: status, detail:
--   'published', stream entry id | 'retry', failure JSON | 'dead', failure JSON
--   | 'deferred', '' | 'refused', Redis error (not appended, uncharged: waits again)
--   | 'stale', '' (the lease is not ours) | 'expired', ''
--   | 'unavailable', Redis error (untouched, still leased)
--
-- uses: keys, slices, states, figures, errors, publishing

-- Locals for what the per-route loop uses: a global is a table lookup at each use.
local ARGV, KEYS, tonumber, unpack, rpcall, type = ARGV, KEYS, tonumber, unpack, redis.pcall, type
local schedule, dead_index, stats, retention, type_figures = KEYS[1], KEYS[2], KEYS[3], KEYS[4],
  KEYS[5]
local K = herald_keys(schedule, 'schedule')
local now = tonumber(ARGV[1])
local now_text = string.format('%d', now)
local token = ARGV[2]
local history_cap = tonumber(ARGV[3])
local finishing = { now = now, retention = retention, retention_ms = tonumber(ARGV[4]) }
local clock_offset = tonumber(ARGV[5])
local refused_until = tonumber(ARGV[6])
local stream_count = tonumber(ARGV[7])
local notes = notification_cache()

local STREAM_REFUSALS = { WRONGTYPE = true, NOPERM = true }
-- Arguments of a route by outcome, its index, attempts and outcome included (see the header).
local ROUTE_ARGS = { publish = 8, probe = 8, follow = 8, retry = 5, dead = 4, defer = 4 }
-- The outcomes that may append.
local APPENDS = { publish = true, probe = true, follow = true }

local expiry_now = expiry_clock(now, clock_offset)

-- Appends a failure to the route's history, keeping the newest history_cap lines.
local function failure_history(old, json)
  if not old then return json end
  local lines = {}
  for line in string.gmatch(old, '[^\n]+') do lines[#lines + 1] = line end
  lines[#lines + 1] = json
  return table.concat(lines, '\n', math.max(1, #lines - history_cap + 1), #lines)
end

-- 1. Reads and checks.
local notifications = {}
local total_routes = 0
local i = 8 + stream_count
local argc = #ARGV
while i <= argc do
  local note = { nid = ARGV[i], shared_at = i + 2, shared_count = tonumber(ARGV[i + 1]) }
  i = i + 2 + note.shared_count
  local fields = { 'exp', 'type' }
  local group_count = tonumber(ARGV[i])
  for k = 1, group_count do fields[k + 2] = 'L' .. ARGV[i + k] end
  i = i + 1 + group_count
  note.route_count = tonumber(ARGV[i])
  note.routes_at = i + 2
  i = i + 2 + tonumber(ARGV[i + 1])
  note.routes_end = i
  total_routes = total_routes + note.route_count
  local values = call_in_slices('HMGET', K.routes(note.nid), fields, SLICE)
  note.expires_at = tonumber(values[1])
  note.ntype = notification_type(notes, K, note.nid, values[2])
  note.groups = {} -- first index -> { ours, last, next_at, interrupted }
  for k = 3, #fields do
    local first = tonumber(string.sub(fields[k], 2))
    local lease_token, _, _, last, rest = parse_lease(values[k])
    local group = { ours = lease_token == token, next_at = rest }
    if group.ours then group.last = math.min(last, first + GROUP_SIZE - 1) end
    note.groups[first] = group
  end
  local bad = wrong_type(K.failures(note.nid), 'hash')
  if bad then return bad end
  notifications[#notifications + 1] = note
end

-- 2. Per notification: appends, then what they change.
local reply = {}
local counts = { published = 0, retried = 0, dead_lettered = 0, lease_conflicts = 0, expired = 0,
  deferred = 0 }
local figures = {} -- route figures by type, written once at the end
local sink_error = nil -- a server refusal: nothing more is appended in this call
local refused = {}     -- stream key -> the error with which it refused an append in this call
local appended = {}    -- stream key -> true once an append to it got through in this call
local wrote = false
local published_prefixes = {} -- attempts made before -> 's|<attempts>|<now>|'
local index_names = {} -- route index -> its field name, made once per call
local moved, gone = {}, {} -- released groups' schedule entries: next at, member, ...; members

for _, note in ipairs(notifications) do
  local nid, groups, expires_at = note.nid, note.groups, note.expires_at
  local rkey = K.routes(nid)
  -- One XADD argument list per notification; each route fills in its own slots.
  local xadd = { false, 'MAXLEN', '~', false, '*', 'event_id', false, 'user_id', false, 'route_id',
    false }
  for k = 1, note.shared_count do xadd[11 + k] = ARGV[note.shared_at + k - 1] end
  local updates, dead, failed = {}, {}, {} -- failed: index, failure JSON, ...
  local finished = 0
  -- Route figure moves of this notification, counted here and tallied once per notification:
  -- [from][to] with from the figure of the route as it waited (waiting_figure of its attempts).
  local moves = { pending = {}, failed = {} }
  local function move(before, to)
    local from = moves[waiting_figure(before)]
    from[to] = (from[to] or 0) + 1
  end
  -- Routes published, by attempts made before: moved to 'published' once per notification.
  local published_by_before = {}

  -- What becomes of one route (see the header): its status, the writes it makes, its reply.
  -- For an append, xadd holds its entry; appended_id is the XADD's reply when the caller made it
  -- already. Returns the script's whole reply when the call must end here, else nil.
  local function settle(index_text, index, before, outcome, stream, retry_at, failure, appended_id)
    local attempt = before + 1
    local appends = APPENDS[outcome]
    local group = groups[index - index % GROUP_SIZE]

    -- What becomes of the route: its status, and, for one that waits again uncharged, when.
    local status, detail, wait_until = nil, '', nil
    if sink_error then
      status, detail = 'unavailable', sink_error
    elseif not group.ours then
      status = 'stale'
    elseif expires_at and (expiry_now >= expires_at or (outcome == 'retry' and retry_at >= expires_at)) then
      status = 'expired'
    elseif outcome == 'defer' then
      status, wait_until = 'deferred', retry_at
    elseif appends and refused[stream] then
      -- Its stream refused an append of this call already: not tried.
      status, detail, wait_until = 'refused', refused[stream], refused_until
    elseif outcome == 'follow' and not appended[stream] then
      status, wait_until = 'deferred', retry_at
    elseif appends then
      local id = appended_id or rpcall('XADD', unpack(xadd))
      if type(id) ~= 'table' then
        status, detail = 'published', id
        appended[stream] = true
        wrote = true
      else
        local err = plain_error(id.err)
        if is_infrastructure_error(err) then
          if not wrote then
            -- Nothing is written yet, and Redis would refuse this script's first write too.
            local all = {}
            for k = 1, total_routes do
              all[2 * k - 1] = 'unavailable'
              all[2 * k] = err
            end
            return all -- the script's reply
          end
          sink_error = err
          status, detail = 'unavailable', err
        elseif STREAM_REFUSALS[string.match(err, '^(%u+)') or ''] then
          refused[stream] = err
          status, detail, wait_until = 'refused', err, refused_until
        elseif outcome ~= 'publish' then
          -- A probe (or its follower): evidence about the stream, not the route's fault.
          status, detail, wait_until = 'refused', err, retry_at
        else
          failure = cjson.encode({ classification = 'gateway_stream_publish_failed',
            message = err, at = now, attempt = attempt })
        end
      end
    end
    if not status then status = retry_at >= 0 and 'retry' or 'dead' end -- charged: it failed

    if status == 'unavailable' then
      -- Not tried: the route keeps its lease like the one whose append was refused. (Releasing
      -- its group would drop its schedule entry while the route was never published.)
      group.interrupted = true
    elseif status == 'stale' then
      counts.lease_conflicts = counts.lease_conflicts + 1
    elseif status == 'expired' then
      local tried = outcome == 'retry' or outcome == 'dead' -- appends and defers were not made
      updates[#updates + 1] = index_text
      updates[#updates + 1] = fmt_state('x', tried and attempt or before, now)
      move(before, 'expired')
      finished = finished + 1
      counts.expired = counts.expired + 1
    elseif wait_until then
      -- Back to waiting, not charged: as the claim found it, due again at wait_until.
      updates[#updates + 1] = index_text
      updates[#updates + 1] = fmt_state(waiting_code(before), before, wait_until)
      group.next_at = min_of(group.next_at, wait_until)
      counts.deferred = counts.deferred + 1
    elseif status == 'published' then
      local prefix_of_state = published_prefix(published_prefixes, before, now_text)
      local u = #updates
      updates[u + 1] = index_text
      updates[u + 2] = prefix_of_state .. detail
      published_by_before[before] = (published_by_before[before] or 0) + 1
      finished = finished + 1
    else
      detail = failure
      updates[#updates + 1] = index_text
      if status == 'retry' then
        updates[#updates + 1] = fmt_state('f', attempt, retry_at)
        move(before, 'failed')
        group.next_at = min_of(group.next_at, retry_at)
        counts.retried = counts.retried + 1
      else
        updates[#updates + 1] = fmt_state('d', attempt, now)
        move(before, dead_figure(failure))
        dead[#dead + 1] = now_text
        dead[#dead + 1] = nid .. ':' .. index_text
        counts.dead_lettered = counts.dead_lettered + 1
      end
      failed[#failed + 1] = index_text
      failed[#failed + 1] = failure
    end
    local r = #reply
    reply[r + 1] = status
    reply[r + 2] = detail
  end

  local i = note.routes_at
  while i < note.routes_end do
    local outcome = ARGV[i + 2]
    if outcome == 'run' then
      -- Consecutive routes published alike: the common case, kept short. A route whose append
      -- cannot go through at once (see settle's order) is settled like any other.
      local first, before, count = tonumber(ARGV[i]), tonumber(ARGV[i + 1]), tonumber(ARGV[i + 3])
      local stream_no = tonumber(ARGV[i + 4])
      local stream = KEYS[5 + stream_no]
      xadd[1] = stream
      xadd[4] = ARGV[7 + stream_no]
      local prefix_of_state = published_prefix(published_prefixes, before, now_text)
      local may_append = not (expires_at and expiry_now >= expires_at)
      local published = 0
      local at = i + 5
      for index = first, first + count - 1 do
        local index_text = index_names[index]
        if not index_text then
          index_text = tostring(index)
          index_names[index] = index_text
        end
        xadd[7], xadd[9], xadd[11] = ARGV[at], ARGV[at + 1], ARGV[at + 2]
        local retry_at_text = ARGV[at + 3]
        at = at + 4
        local id = nil
        if may_append and not sink_error and not refused[stream]
            and groups[index - index % GROUP_SIZE].ours then
          id = rpcall('XADD', unpack(xadd))
        end
        if type(id) == 'string' then
          appended[stream] = true
          wrote = true
          local u = #updates
          updates[u + 1] = index_text
          updates[u + 2] = prefix_of_state .. id
          local r = #reply
          reply[r + 1] = 'published'
          reply[r + 2] = id
          published = published + 1
        else
          local whole = settle(index_text, index, before, 'publish', stream,
            tonumber(retry_at_text), nil, id)
          if whole then return whole end
        end
      end
      published_by_before[before] = (published_by_before[before] or 0) + published
      finished = finished + published
      i = at
    else
      local index_text, before = ARGV[i], tonumber(ARGV[i + 1])
      local stream, retry_at, failure = nil, -1, nil
      if APPENDS[outcome] then
        local stream_no = tonumber(ARGV[i + 3])
        stream = KEYS[5 + stream_no]
        xadd[1] = stream
        xadd[4] = ARGV[7 + stream_no]
        xadd[7] = ARGV[i + 4]
        xadd[9] = ARGV[i + 5]
        xadd[11] = ARGV[i + 6]
        retry_at = tonumber(ARGV[i + 7])
      elseif outcome == 'retry' then
        retry_at = tonumber(ARGV[i + 3])
        failure = ARGV[i + 4]
      elseif outcome == 'defer' then
        retry_at = tonumber(ARGV[i + 3])
      elseif outcome == 'dead' then
        failure = ARGV[i + 3]
      else
        return redis.error_reply('ERR complete: unknown outcome ' .. tostring(outcome))
      end
      i = i + ROUTE_ARGS[outcome]
      local whole = settle(index_text, tonumber(index_text), before, outcome, stream, retry_at,
        failure, nil)
      if whole then return whole end
    end
  end
  for before, n in pairs(published_by_before) do
    local from = moves[waiting_figure(before)]
    from.published = (from.published or 0) + n
    counts.published = counts.published + n
  end

  -- Our lease ends with this call (an empty lease field is no lease: clearing it with the states
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
    local fkey = K.failures(nid)
    local indexes = {}
    for k = 1, #failed, 2 do indexes[#indexes + 1] = failed[k] end
    local old = call_in_slices('HMGET', fkey, indexes, SLICE)
    for k = 2, #failed, 2 do failed[k] = failure_history(old[k / 2], failed[k]) end
    call_in_slices('HSET', fkey, failed, SLICE)
  end
  for _, first in ipairs(released) do
    local member, next_at = group_member(nid, first, groups[first].last), groups[first].next_at
    if next_at then
      moved[#moved + 1] = next_at
      moved[#moved + 1] = member
    else
      gone[#gone + 1] = member
    end
  end
  for from, tos in pairs(moves) do
    for to, n in pairs(tos) do
      if to ~= from then
        tally(figures, from, note.ntype, -n)
        tally(figures, to, note.ntype, n)
      end
    end
  end
  finish_routes(finishing, rkey, nid, finished)
end

-- The released groups' schedule entries, once for the call: each stayed at its lease's end all
-- along, so a script stopped before this line leaves no waiting route without one.
call_in_slices('ZADD', schedule, moved, SLICE)
call_in_slices('ZREM', schedule, gone, SLICE)

-- 4. Counters.
for name, n in pairs(counts) do
  if n > 0 then redis.call('HINCRBY', stats, name, n) end
end
write_tally(type_figures, figures)
return reply
