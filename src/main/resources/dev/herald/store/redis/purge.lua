-- purge: dead letters end for good (RouteTransitions: dead_letter -> purged), each atomically and
-- only while it is still a dead letter. A purged route keeps a state, z|<attempts>|<purged at>,
-- so that `routes show` still explains it, and counts as finished: when the last unfinished route
-- of a notification goes, the notification is deleted after retention.published (retire.lua), as
-- complete.lua does for published ones.
--
-- KEYS[1]  dead-letter index (zset: "<notification id>:<index>" -> dead since ms); the prefix of
--          the other keys (keys.lua)
-- KEYS[2]  stats (hash)
-- KEYS[3]  route figures by type (hash, figures.lua)
-- KEYS[4]  retention (zset: notification id -> delete at ms)
-- ARGV[1]  now (ms)
-- ARGV[2]  retention of finished notifications (ms)
-- ARGV[3]  'routes': ARGV[4..] pairs of notification id, route index
--          'caps':   the dead-letter retention; ARGV[4] most dead letters to keep (-1: no cap),
--                    ARGV[5] purge those dead since before this (ms; -1: no cap),
--                    ARGV[6] most routes to purge in this call; the oldest go first
--
-- Reply: 'routes': flat array, two values per route: 'purged', '' | 'skipped', its state code
--        'caps':   { purged for the count cap, purged for the age cap }
-- A route that is not a dead letter (any more) is left alone and its entry, if any, leaves the
-- dead-letter index.
--
-- uses: keys, slices, states, figures

local dead_index, stats, type_figures, retention = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local K = herald_keys(dead_index, 'dead')
local now = tonumber(ARGV[1])
local mode = ARGV[3]
local finishing = { now = now, retention = retention, retention_ms = tonumber(ARGV[2]) }

local notes = notification_cache()
local figures = {}
local purged = 0
-- Reads first, writes after, all gathered: route states per notification, then the dead-index
-- entries (removed after the states, so that a failure between them cannot leave a dead letter
-- outside the index), then the 'open' counts. `handled` makes a route named twice purged once.
local states, order, finished, removed, handled = {}, {}, {}, {}, {}

-- Purges one route (in the writes gathered); returns true, or false and the route's state code.
local function purge(nid, index)
  local member = nid .. ':' .. index
  local rkey = K.routes(nid)
  local ok, raw = pcall(route_state_of, notes, K, nid, index)
  local code, attempts = parse_state(ok and raw or nil)
  if handled[member] then code = handled[member] end
  removed[#removed + 1] = member
  if code ~= 'd' then return false, code or '' end
  handled[member] = 'z'
  local updates = states[rkey]
  if not updates then
    updates = {}
    states[rkey] = updates
    order[#order + 1] = { rkey = rkey, nid = nid }
  end
  updates[#updates + 1] = index
  updates[#updates + 1] = fmt_state('z', attempts, now)
  finished[rkey] = (finished[rkey] or 0) + 1
  local ntype = notification_type(notes, K, nid)
  tally(figures, dead_figure(redis.call('HGET', K.failures(nid), index)), ntype, -1)
  tally(figures, 'purged', ntype, 1)
  purged = purged + 1
  return true
end

local reply = {}
local by_count, by_age = 0, 0
if mode == 'routes' then
  for i = 4, #ARGV, 2 do
    local done, code = purge(ARGV[i], tonumber(ARGV[i + 1]))
    reply[#reply + 1] = done and 'purged' or 'skipped'
    reply[#reply + 1] = done and '' or code
  end
else
  local keep, dead_before, limit = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
  local over_count = 0
  if keep >= 0 then over_count = math.max(0, redis.call('ZCARD', dead_index) - keep) end
  local over_age = 0
  if dead_before >= 0 then
    over_age = redis.call('ZCOUNT', dead_index, '-inf', '(' .. string.format('%d', dead_before))
  end
  local n = math.min(limit, math.max(over_count, over_age))
  if n > 0 then
    local oldest = redis.call('ZRANGE', dead_index, 0, n - 1, 'WITHSCORES')
    for k = 1, #oldest, 2 do
      local nid, index = string.match(oldest[k], '^(.+):(%d+)$')
      if not nid then
        removed[#removed + 1] = oldest[k]
      elseif purge(nid, tonumber(index)) then
        if dead_before >= 0 and tonumber(oldest[k + 1]) < dead_before then
          by_age = by_age + 1
        else
          by_count = by_count + 1
        end
      end
    end
  end
  reply = { by_count, by_age }
end

for _, n in ipairs(order) do call_in_slices('HSET', n.rkey, states[n.rkey], SLICE) end
if #removed > 0 then call_in_slices('ZREM', dead_index, removed, SLICE) end
for _, n in ipairs(order) do finish_routes(finishing, n.rkey, n.nid, finished[n.rkey]) end
if purged > 0 then
  if mode ~= 'routes' then redis.call('HINCRBY', stats, 'purged_by_retention', purged) end
  redis.call('HINCRBY', stats, 'purged', purged)
  write_tally(type_figures, figures)
end
return reply
