-- requeue: dead letters wait for a worker again, each atomically and only while it is still a
-- dead letter (RouteTransitions: dead_letter -> pending, or -> failed when attempts are kept).
--
-- KEYS[1]  schedule (zset); the prefix of the other keys (keys.lua)
-- KEYS[2]  dead-letter index (zset: "<notification id>:<index>" -> dead since ms)
-- KEYS[3]  stats (hash)
-- KEYS[4]  route figures by type (hash, figures.lua)
-- ARGV[1]  now (ms)
-- ARGV[2]  1 to keep the attempts made, 0 to start again from 0
-- ARGV[3..] per route: notification id, route index, due (ms; a time in the past means now)
--
-- A requeued route waits as waiting_code (states.lua) says: pending (p|0|<due>), or, keeping its
-- attempts, failed (f|<attempts>|<due>). Its failure history stays. Its group is scheduled at
-- min(its score, due). If the group is leased, the lease's <rest> is lowered to the due time as
-- well: the holder's completion reschedules the group from <rest>, and would drop the requeued
-- route from the schedule otherwise. (The requeued route is not one the lease covers: it was a
-- dead letter when the lease was taken, and its due time is set after the lease's start.)
-- A wake-up with the earliest due time goes to <prefix>wakeup.
--
-- Reply: two values per route, in order:
--   'requeued', due ms | 'skipped', its state code ('' when none: not a route) | 'error', why
-- A route that is not a dead letter (any more) is left alone and its entry, if any, leaves the
-- dead-letter index: requeueing twice, or from two terminals at once, schedules it once.
--
-- uses: keys, slices, states, figures

local schedule, dead_index, stats, type_figures = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local K = herald_keys(schedule, 'schedule')
local now = tonumber(ARGV[1])
local keep_attempts = ARGV[2] == '1'

local reply = {}
local notes = notification_cache()
local figures = {}
local requeued, earliest = 0, nil
-- Writes are gathered and made once per call: route states per notification, one lease and one
-- schedule update per group, one ZREM. (Reads stay per route, so that a route named twice in one
-- call is requeued once: 'handled' remembers what this call wrote.)
local states, groups, group_order, removed, handled = {}, {}, {}, {}, {}

for i = 3, #ARGV, 3 do
  local nid, index, due = ARGV[i], tonumber(ARGV[i + 1]), math.max(tonumber(ARGV[i + 2]), now)
  local member = nid .. ':' .. index
  local rkey = K.routes(nid)
  local ok, raw = pcall(route_state_of, notes, K, nid, index)
  local code, attempts = parse_state(ok and raw or nil)
  if handled[member] then code = handled[member] end
  if code ~= 'd' then
    removed[#removed + 1] = member
    reply[#reply + 1] = 'skipped'
    reply[#reply + 1] = code or ''
  else
    local facts = notification_facts(notes, K, nid)
    if facts.err or index >= facts.routes then
      reply[#reply + 1] = 'error'
      reply[#reply + 1] = facts.err or ('route index ' .. index .. ' is beyond the notification\'s '
        .. facts.routes .. ' routes')
    else
      local first = index - index % GROUP_SIZE
      local group = groups[nid .. ':' .. first]
      if not group then
        local last = math.min(first + GROUP_SIZE - 1, facts.routes - 1)
        local token, lease_until, claimed_at, lease_last, rest =
          parse_lease(redis.call('HGET', rkey, 'L' .. first))
        group = { rkey = rkey, first = first, member = group_member(nid, first, last),
          token = token, lease_until = lease_until, claimed_at = claimed_at,
          lease_last = lease_last, rest = rest }
        groups[nid .. ':' .. first] = group
        group_order[#group_order + 1] = group
      end
      if group.token and due <= group.claimed_at then due = group.claimed_at + 1 end
      group.due = min_of(group.due, due)
      local kept = keep_attempts and attempts or 0
      local new_code = waiting_code(kept)
      local updates = states[rkey]
      if not updates then
        updates = {}
        states[rkey] = updates
      end
      updates[#updates + 1] = index
      updates[#updates + 1] = fmt_state(new_code, kept, due)
      handled[member] = new_code
      removed[#removed + 1] = member
      tally(figures, dead_figure(redis.call('HGET', K.failures(nid), index)), facts.type, -1)
      tally(figures, waiting_figure(kept), facts.type, 1)
      tally(figures, 'requeued', facts.type, 1)
      requeued = requeued + 1
      earliest = min_of(earliest, due)
      reply[#reply + 1] = 'requeued'
      reply[#reply + 1] = due
    end
  end
end

-- The schedule first: a requeued route must never be waiting without its group scheduled (an
-- entry, or a lowered <rest>, that finds the route still a dead letter is harmless: the claim
-- reschedules the group by what it finds). Then the states; the dead-index entries go last, so
-- that a failure part-way cannot leave a dead letter outside the index.
for _, g in ipairs(group_order) do
  if g.token then
    redis.call('HSET', g.rkey, 'L' .. g.first,
      fmt_lease(g.token, g.lease_until, g.claimed_at, g.lease_last, min_of(g.rest, g.due)))
  end
  redis.call('ZADD', schedule, 'LT', g.due, g.member)
end
for rkey, updates in pairs(states) do call_in_slices('HSET', rkey, updates, SLICE) end
if #removed > 0 then call_in_slices('ZREM', dead_index, removed, SLICE) end

if requeued > 0 then
  redis.call('HINCRBY', stats, 'requeued', requeued)
  write_tally(type_figures, figures)
  redis.call('PUBLISH', K.wakeup, string.format('%d', earliest))
end
return reply
