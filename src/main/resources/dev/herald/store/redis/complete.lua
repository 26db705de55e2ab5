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
-- ARGV[6]  stream count S, then ARGV[7..6+S] their MAXLEN (~), in KEYS order
-- then per notification: id, type ('' when unknown), shared field count 2k, the 2k shared
--   fields (name, value, ...),
--   route count m, then m routes: index * 2^20 + attempts before this one (as claimed),
--   outcome * 100 + stream number, and by outcome
--     1 publish:     event_id, user_id, route_id, retry at ms if the append fails
--                    (-1: dead letter instead)
--     2 retry:       retry at ms, failure (JSON)
--     3 dead letter: failure (JSON)
--     4 defer:       until ms (not tried, not charged: the worker's breaker for the stream is open)
--     5 probe:       as publish, but a failed append is not charged (it probes an open breaker)
--
-- A route is changed only while its group's lease has ARGV[3] as token (see the invariant in
-- lib.lua): then the route is as the claim found it, and nothing needs to be read again. An
-- append that fails for a reason of the server's (OOM, READONLY, ...) stops the batch there:
-- later routes keep their lease and their attempts, and come back when it runs out.
--
-- Reply: one value per route, in order: the stream entry id when published, else
--   'retry<TAB>failure JSON' | 'dead<TAB>failure JSON' | 'deferred' | 'stale' | 'expired'
--   | 'unavailable<TAB>Redis error'
--
-- Expiry: at or after the notification's expires_at (field exp of r:<id>) nothing is appended
-- any more, and a retry that would come after it is pointless: the route ends expired
-- (x|<attempts>|<now>).

local schedule, dead_index, stats, retention = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local token = ARGV[3]
local history_cap = tonumber(ARGV[4])
local retention_ms = tonumber(ARGV[5])
local finishing = { now = now, retention = retention, retention_ms = retention_ms }
local stream_count = tonumber(ARGV[6])
local type_figures = KEYS[5 + stream_count]
local figures = {} -- route figures by type, written once at the end (lib.lua)

local reply = {}
local counts = { published = 0, retried = 0, dead_lettered = 0, lease_conflicts = 0, expired = 0,
  deferred = 0 }
local sink_error = nil
local published_prefix = {} -- attempts -> 's|<attempts>|<now>|'

-- Appends a failure to the route's history, keeping the newest history_cap lines.
local function failure_history(old, json)
  if not old then return json end
  local lines = {}
  for line in string.gmatch(old, '[^\n]+') do lines[#lines + 1] = line end
  lines[#lines + 1] = json
  return table.concat(lines, '\n', math.max(1, #lines - history_cap + 1), #lines)
end

local i = 7 + stream_count
local argc = #ARGV
while i <= argc do
  local nid = ARGV[i]
  local ntype = ARGV[i + 1]
  i = i + 1
  local shared_count = tonumber(ARGV[i + 1])
  -- One XADD argument list per notification; each route fills in its own slots.
  local xadd = { false, 'MAXLEN', '~', false, '*', 'event_id', false, 'user_id', false, 'route_id', false }
  for k = 1, shared_count do xadd[11 + k] = ARGV[i + 1 + k] end
  i = i + 2 + shared_count
  local route_count = tonumber(ARGV[i])
  i = i + 1

  local rkey = prefix .. 'r:' .. nid
  local groups = {}        -- first index -> { ours, last, next_at, interrupted }
  local expires_at = nil   -- ms, or false when the notification has no expiry; read with a lease
  local updates, failures = {}, {}
  local finished = 0
  -- Route figure moves of this notification, counted here and tallied once per notification:
  -- [from][to] with from 'pending'/'failed' (lib.lua: waiting_figure of the attempts before).
  local moves = { pending = {}, failed = {} }
  local function move(before, to)
    local from = moves[waiting_figure(before)]
    from[to] = (from[to] or 0) + 1
  end

  for _ = 1, route_count do
    local packed = tonumber(ARGV[i])
    local index = math.floor(packed / 1048576)
    local attempts = packed % 1048576 + 1
    local kind = tonumber(ARGV[i + 1])
    local outcome = math.floor(kind / 100)
    local publish, retry_at, failure = false, -1, nil
    local charged = outcome ~= 5
    if outcome == 1 or outcome == 5 then
      publish = true
      local stream_no = kind % 100
      xadd[1] = KEYS[4 + stream_no]
      xadd[4] = ARGV[6 + stream_no]
      xadd[7] = ARGV[i + 2]
      xadd[9] = ARGV[i + 3]
      xadd[11] = ARGV[i + 4]
      retry_at = tonumber(ARGV[i + 5])
      i = i + 6
    elseif outcome == 2 then
      retry_at = tonumber(ARGV[i + 2])
      failure = ARGV[i + 3]
      i = i + 4
    elseif outcome == 4 then
      retry_at = tonumber(ARGV[i + 2])
      i = i + 3
    else
      failure = ARGV[i + 2]
      i = i + 3
    end

    local first = index - index % GROUP_SIZE
    local group = groups[first]
    if not group then
      -- The notification's expiry comes in the same read as its first group's lease.
      local values = redis.call('HMGET', rkey, 'L' .. first, 'exp')
      if expires_at == nil then expires_at = tonumber(values[2]) or false end
      local lease_token, _, _, last, rest = parse_lease(values[1])
      group = { ours = lease_token == token, next_at = rest }
      if group.ours then group.last = math.min(last, first + GROUP_SIZE - 1) end
      groups[first] = group
    end

    if sink_error then
      -- Not tried: the route keeps its lease like the one whose append was refused. (Releasing
      -- its group below would drop its schedule entry while the route was never published.)
      group.interrupted = true
      reply[#reply + 1] = 'unavailable\t' .. sink_error
    elseif not group.ours then
      counts.lease_conflicts = counts.lease_conflicts + 1
      reply[#reply + 1] = 'stale'
    elseif expires_at and (now >= expires_at or (outcome == 2 and retry_at >= expires_at)) then
      -- Expired: a publish that did not happen is not an attempt.
      updates[#updates + 1] = index
      updates[#updates + 1] = fmt_state('x', publish and attempts - 1 or attempts, now)
      move(attempts - 1, 'expired')
      finished = finished + 1
      counts.expired = counts.expired + 1
      reply[#reply + 1] = 'expired'
    elseif outcome == 4 then
      -- Deferred: back to waiting, attempts unchanged.
      local before = attempts - 1
      updates[#updates + 1] = index
      updates[#updates + 1] = fmt_state(before > 0 and 'f' or 'p', before, retry_at)
      group.next_at = min_of(group.next_at, retry_at)
      counts.deferred = counts.deferred + 1
      reply[#reply + 1] = 'deferred'
    else
      local entry_id = nil
      if publish then
        local id = redis.pcall('XADD', unpack(xadd))
        if type(id) == 'table' then
          local err = plain_error(id.err)
          if is_infrastructure_error(err) then
            sink_error = err
          else
            failure = cjson.encode({ classification = 'gateway_stream_publish_failed',
              message = err, at = now, attempt = attempts })
          end
        else
          entry_id = id
        end
      end
      if sink_error then
        group.interrupted = true
        reply[#reply + 1] = 'unavailable\t' .. sink_error
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
        if not charged then
          local before = attempts - 1
          updates[#updates + 1] = fmt_state(before > 0 and 'f' or 'p', before, retry_at)
          group.next_at = min_of(group.next_at, retry_at)
          counts.retried = counts.retried + 1
          reply[#reply + 1] = 'retry\t' .. failure
        elseif retry_at >= 0 then
          updates[#updates + 1] = fmt_state('f', attempts, retry_at)
          move(attempts - 1, 'failed')
          group.next_at = min_of(group.next_at, retry_at)
          counts.retried = counts.retried + 1
          reply[#reply + 1] = 'retry\t' .. failure
        else
          updates[#updates + 1] = fmt_state('d', attempts, now)
          move(attempts - 1, dead_figure(failure))
          redis.call('ZADD', dead_index, now, nid .. ':' .. index)
          counts.dead_lettered = counts.dead_lettered + 1
          reply[#reply + 1] = 'dead\t' .. failure
        end
        local fkey = prefix .. 'f:' .. nid
        failures[#failures + 1] = index
        failures[#failures + 1] = failure_history(redis.call('HGET', fkey, index), failure)
      end
    end
  end

  for first, group in pairs(groups) do
    -- Our lease ends with this batch (an empty lease field is no lease: clearing it here saves
    -- an HDEL), unless an unavailable stream interrupted it: then the routes not done wait for
    -- the lease to run out and are claimed again. Their groups must keep both the lease and the
    -- schedule entry: a refused append does not make the rest of the script's writes fail (once
    -- a script has written, Redis lets it finish even over maxmemory).
    if group.ours and not group.interrupted then
      updates[#updates + 1] = 'L' .. first
      updates[#updates + 1] = ''
      reschedule(schedule, nid .. ':' .. first .. '-' .. group.last, group.next_at)
    end
  end
  if #updates > 0 then redis.call('HSET', rkey, unpack(updates)) end
  if #failures > 0 then redis.call('HSET', prefix .. 'f:' .. nid, unpack(failures)) end
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

for name, n in pairs(counts) do
  if n > 0 then redis.call('HINCRBY', stats, name, n) end
end
write_tally(type_figures, figures)
return reply
