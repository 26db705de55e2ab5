-- claim: leases due routes to one worker.
--
-- KEYS[1]  schedule (zset)
-- KEYS[2]  quarantine (hash: member -> "<ms>|<reason>")
-- KEYS[3]  stats (hash)
-- ARGV[1]  key prefix
-- ARGV[2]  now (ms)
-- ARGV[3]  lease until (ms)
-- ARGV[4]  lease token (no '|')
-- ARGV[5]  most routes to lease
--
-- Due: pending/failed routes whose time has come, and leased routes whose lease ran out.
-- A route whose state cannot be read is leased too, flagged, so that the worker dead-letters it.
--
-- Reply: { next due ms or -1, { "member<TAB>reason" quarantined... },
--          { { notification id, body or nil, { { index, attempts, due ms, member, flag }... } }... } }
--   flag is '' or why the route's state was unreadable.

local schedule, quarantine_key, stats = KEYS[1], KEYS[2], KEYS[3]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local lease_until = tonumber(ARGV[3])
local token = ARGV[4]
local budget = tonumber(ARGV[5])

local members = redis.call('ZRANGEBYSCORE', schedule, '-inf', now, 'LIMIT', 0, budget)
local quarantined = {}
local notifications = {}
local by_id = {}

for _, member in ipairs(members) do
  if budget <= 0 then break end
  local nid, from, to = parse_member(member)
  if not nid then
    quarantine(schedule, quarantine_key, stats, member, 'unreadable schedule member', now, quarantined)
  else
    local rkey = prefix .. 'r:' .. nid
    local fields = group_fields(from, to)
    local states = redis.pcall('HMGET', rkey, unpack(fields))
    if states.err then
      quarantine(schedule, quarantine_key, stats, member, 'route states unreadable: ' .. states.err, now, quarantined)
    else
      local updates, present, next_due = {}, 0, nil
      for j = 1, #fields do
        local raw = states[j]
        if raw then
          present = present + 1
          local st = parse_state(raw)
          local flag = ''
          local due_now
          if not st then
            flag = 'unreadable route state ' .. string.sub(raw, 1, 60)
            st = { code = '?', attempts = 0, t = now }
            due_now = true
          else
            local at = needs_worker_at(st)
            due_now = at ~= nil and at <= now
          end
          if due_now and budget > 0 then
            budget = budget - 1
            updates[#updates + 1] = fields[j]
            updates[#updates + 1] = fmt_leased(st.attempts, st.t, token, lease_until)
            local block = by_id[nid]
            if not block then
              local ok, body = pcall(redis.call, 'GET', prefix .. 'n:' .. nid)
              if not ok then body = false end
              block = { nid, body, {} }
              by_id[nid] = block
              notifications[#notifications + 1] = block
            end
            local routes = block[3]
            routes[#routes + 1] = { tonumber(fields[j]), st.attempts, st.t, member, flag }
            next_due = min_of(next_due, lease_until)
          elseif due_now then
            next_due = min_of(next_due, now) -- out of budget: still due
          elseif st.code ~= '?' then
            next_due = min_of(next_due, needs_worker_at(st))
          end
        end
      end
      if present == 0 then
        quarantine(schedule, quarantine_key, stats, member, 'no route states at ' .. rkey, now, quarantined)
      else
        if #updates > 0 then redis.call('HSET', rkey, unpack(updates)) end
        reschedule(schedule, member, next_due)
      end
    end
  end
end

local first = redis.call('ZRANGE', schedule, 0, 0, 'WITHSCORES')
local next_due = -1
if first[2] then next_due = tonumber(first[2]) end
return { next_due, quarantined, notifications }
