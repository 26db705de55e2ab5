-- complete: records what workers did with leased routes. Publishing appends the event and marks
-- the route published in this one atomic step.
--
-- KEYS[1]  schedule (zset)
-- KEYS[2]  dead-letter index (zset: "<notification id>:<index>" -> dead since ms)
-- KEYS[3]  stats (hash)
-- KEYS[4]  retention (zset: notification id -> purge at ms)
-- KEYS[5..] the streams appended to in this batch
-- ARGV[1]  key prefix
-- ARGV[2]  now (ms)
-- ARGV[3]  lease token the routes were claimed with
-- ARGV[4]  failures kept per route (history cap)
-- ARGV[5]  retention of finished notifications (ms)
-- ARGV[6]  stream count S, then ARGV[7..6+S] their MAXLEN (~) in KEYS order
-- then per notification: id, shared field count 2k, 2k shared fields, route count m, m routes:
--   index, schedule member, outcome, then by outcome
--     P (publish):    stream number (1..S), route field count 2r, 2r fields,
--                     retry at ms if the append fails (-1: dead letter instead)
--     R (retry):      retry at ms, failure (JSON)
--     D (dead letter): failure (JSON)
--
-- A route is changed only while it is leased with ARGV[3]. An append that fails for a reason of
-- the server's (OOM, READONLY, ...) stops the batch there: later routes keep their lease and
-- their attempts, and come back when the lease runs out.
--
-- Reply: flat array, two values per route in order:
--   'published', entry id | 'retry', failure JSON or '' | 'dead', failure JSON or ''
--   | 'stale', the route's current state or '' | 'unavailable', the Redis error

local schedule, dead_index, stats, retention = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local token = ARGV[3]
local history_cap = tonumber(ARGV[4])
local retention_ms = tonumber(ARGV[5])
local stream_count = tonumber(ARGV[6])
local maxlen = {}
for s = 1, stream_count do maxlen[s] = ARGV[6 + s] end

local reply = {}
local counts = { published = 0, retried = 0, dead_lettered = 0, lease_conflicts = 0 }
local sink_error = nil

local function append_failure(failures, idx, json)
  local old = failures.key and redis.call('HGET', failures.key, idx)
  local lines = {}
  if old then
    for line in string.gmatch(old, '[^\n]+') do lines[#lines + 1] = line end
  end
  lines[#lines + 1] = json
  local first = math.max(1, #lines - history_cap + 1)
  failures.updates[#failures.updates + 1] = idx
  failures.updates[#failures.updates + 1] = table.concat(lines, '\n', first, #lines)
end

local i = 7 + stream_count
while i <= #ARGV do
  local nid = ARGV[i]
  local shared_count = tonumber(ARGV[i + 1])
  local shared_first = i + 2
  i = shared_first + shared_count
  local route_count = tonumber(ARGV[i])
  i = i + 1

  local rkey = prefix .. 'r:' .. nid
  local states, groups, updates = {}, {}, {}
  local changed_groups = {} -- only these need their schedule score written
  local failures = { key = prefix .. 'f:' .. nid, updates = {} }
  local finished = 0

  for _ = 1, route_count do
    local idx, member, outcome = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    i = i + 3
    if not groups[member] then
      local _, from, to = parse_member(member)
      if from then
        local fields = group_fields(from, to)
        local raw = redis.call('HMGET', rkey, unpack(fields))
        for j = 1, #fields do states[fields[j]] = { raw = raw[j], st = parse_state(raw[j]) } end
        groups[member] = true
      end
    end
    local entry = states[idx]
    local st = entry and entry.st
    local ours = st and st.code == 'l' and st.token == token

    local publish_fields, retry_at, failure
    if outcome == 'P' then
      local stream_no = tonumber(ARGV[i])
      local field_count = tonumber(ARGV[i + 1])
      publish_fields = { KEYS[4 + stream_no], 'MAXLEN', '~', maxlen[stream_no], '*' }
      for k = i + 2, i + 1 + field_count do publish_fields[#publish_fields + 1] = ARGV[k] end
      for k = shared_first, shared_first + shared_count - 1 do
        publish_fields[#publish_fields + 1] = ARGV[k]
      end
      i = i + 2 + field_count
      retry_at = tonumber(ARGV[i])
      i = i + 1
    elseif outcome == 'R' then
      retry_at = tonumber(ARGV[i])
      failure = ARGV[i + 1]
      i = i + 2
    else
      retry_at = -1
      failure = ARGV[i]
      i = i + 1
    end

    if sink_error then
      reply[#reply + 1] = 'unavailable'
      reply[#reply + 1] = sink_error
    elseif not ours then
      counts.lease_conflicts = counts.lease_conflicts + 1
      reply[#reply + 1] = 'stale'
      reply[#reply + 1] = (entry and entry.raw) or ''
    else
      local attempts = st.attempts + 1
      local published_id = nil
      if publish_fields then
        local id = redis.pcall('XADD', unpack(publish_fields))
        if type(id) == 'table' and id.err then
          if is_infrastructure_error(id.err) then
            sink_error = id.err
          else
            failure = cjson.encode({ classification = 'gateway_stream_publish_failed',
              message = id.err, at = now, attempt = attempts })
          end
        else
          published_id = id
        end
      end
      if sink_error then
        reply[#reply + 1] = 'unavailable'
        reply[#reply + 1] = sink_error
      elseif published_id then
        local new = fmt_published(attempts, now, published_id)
        updates[#updates + 1] = idx
        updates[#updates + 1] = new
        entry.st = parse_state(new)
        changed_groups[member] = true
        finished = finished + 1
        counts.published = counts.published + 1
        reply[#reply + 1] = 'published'
        reply[#reply + 1] = published_id
      else
        local new
        if retry_at >= 0 then
          new = fmt_state('f', attempts, retry_at)
          counts.retried = counts.retried + 1
          reply[#reply + 1] = 'retry'
        else
          new = fmt_state('d', attempts, now)
          redis.call('ZADD', dead_index, now, nid .. ':' .. idx)
          counts.dead_lettered = counts.dead_lettered + 1
          reply[#reply + 1] = 'dead'
        end
        reply[#reply + 1] = failure
        updates[#updates + 1] = idx
        updates[#updates + 1] = new
        entry.st = parse_state(new)
        changed_groups[member] = true
        append_failure(failures, idx, failure)
      end
    end
  end

  if #updates > 0 then redis.call('HSET', rkey, unpack(updates)) end
  if #failures.updates > 0 then redis.call('HSET', failures.key, unpack(failures.updates)) end
  -- Untouched groups are not written: after a refused first append (OOM) any write would be
  -- refused too and abort the script.
  for member in pairs(changed_groups) do
    local _, from, to = parse_member(member)
    local next_at = nil
    for idx = from, to do
      local entry = states[tostring(idx)]
      if entry and entry.st then next_at = min_of(next_at, needs_worker_at(entry.st)) end
    end
    reschedule(schedule, member, next_at)
  end
  if finished > 0 and redis.call('HINCRBY', rkey, 'open', -finished) <= 0 then
    redis.call('ZADD', retention, now + retention_ms, nid)
  end
end

for name, n in pairs(counts) do
  if n > 0 then redis.call('HINCRBY', stats, name, n) end
end
return reply
