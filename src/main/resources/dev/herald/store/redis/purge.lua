-- purge: dead letters end for good (RouteTransitions: dead_letter -> purged), each atomically and
-- only while it is still a dead letter. A purged route keeps a state, z|<attempts>|<purged at>,
-- so that `routes show` still explains it, and counts as finished: when the last unfinished route
-- of a notification goes, the notification is deleted after retention.published (retire.lua), as
-- complete.lua does for published ones.
--
-- KEYS[1]  dead-letter index (zset: "<notification id>:<index>" -> dead since ms)
-- KEYS[2]  stats (hash)
-- KEYS[3]  route figures by type (hash, see lib.lua)
-- KEYS[4]  retention (zset: notification id -> delete at ms)
-- ARGV[1]  key prefix
-- ARGV[2]  now (ms)
-- ARGV[3]  retention of finished notifications (ms)
-- ARGV[4]  'routes': ARGV[5..] pairs of notification id, route index
--          'caps':   the dead-letter retention; ARGV[5] most dead letters to keep (-1: no cap),
--                    ARGV[6] purge those dead since before this (ms; -1: no cap),
--                    ARGV[7] most routes to purge in this call; the oldest go first
--
-- Reply: 'routes': flat array, two values per route: 'purged', '' | 'skipped', its state code
--        'caps':   { purged for the count cap, purged for the age cap }
-- A route that is not a dead letter (any more) is left alone and its entry, if any, leaves the
-- dead-letter index.

local dead_index, stats, type_figures, retention = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local retention_ms = tonumber(ARGV[3])
local mode = ARGV[4]
local finishing = { now = now, retention = retention, retention_ms = retention_ms }

local facts_cache = {}
local figures = {}
local purged = 0

-- Purges one route; returns true, or false and the route's state code.
local function purge(nid, index)
  local rkey = prefix .. 'r:' .. nid
  local ok, raw = pcall(redis.call, 'HGET', rkey, index)
  local code, attempts = parse_state(ok and raw or nil)
  redis.call('ZREM', dead_index, nid .. ':' .. index)
  if code ~= 'd' then return false, code or '' end
  redis.call('HSET', rkey, index, fmt_state('z', attempts, now))
  local ntype = notification_facts(facts_cache, prefix, nid).type or ''
  tally(figures, dead_figure(redis.call('HGET', prefix .. 'f:' .. nid, index)), ntype, -1)
  tally(figures, 'purged', ntype, 1)
  finish_routes(finishing, rkey, nid, 1)
  purged = purged + 1
  return true
end

local reply = {}
if mode == 'routes' then
  for i = 5, #ARGV, 2 do
    local done, code = purge(ARGV[i], tonumber(ARGV[i + 1]))
    reply[#reply + 1] = done and 'purged' or 'skipped'
    reply[#reply + 1] = done and '' or code
  end
else
  local keep, dead_before, limit = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
  local over_count = 0
  if keep >= 0 then over_count = math.max(0, redis.call('ZCARD', dead_index) - keep) end
  local over_age = 0
  if dead_before >= 0 then
    over_age = redis.call('ZCOUNT', dead_index, '-inf', '(' .. string.format('%d', dead_before))
  end
  local n = math.min(limit, math.max(over_count, over_age))
  local by_count, by_age = 0, 0
  if n > 0 then
    local oldest = redis.call('ZRANGE', dead_index, 0, n - 1, 'WITHSCORES')
    for k = 1, #oldest, 2 do
      local nid, index = string.match(oldest[k], '^(.+):(%d+)$')
      if not nid then
        redis.call('ZREM', dead_index, oldest[k])
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
  if purged > 0 then redis.call('HINCRBY', stats, 'purged_by_retention', purged) end
end

if purged > 0 then
  redis.call('HINCRBY', stats, 'purged', purged)
  write_tally(type_figures, figures)
end
return reply
