-- claim: leases due routes to one worker, a group at a time.
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
-- Due: pending or failed routes whose time has come, in groups whose lease (if any) ran out.
-- A route whose state cannot be read is leased too, flagged, so that the worker dead-letters it.
--
-- Reply: { next due ms or -1, { "member<TAB>reason" quarantined... }, notification count,
--          then per notification: id, body or nil, route count, then per route:
--          index, attempts, due ms, flag ('' or why the state was unreadable) }

local schedule, quarantine_key, stats = KEYS[1], KEYS[2], KEYS[3]
local prefix = ARGV[1]
local now = tonumber(ARGV[2])
local lease_until = tonumber(ARGV[3])
local token = ARGV[4]
local budget = tonumber(ARGV[5])

local members = redis.call('ZRANGEBYSCORE', schedule, '-inf', now, 'LIMIT', 0, budget)
local quarantined = {}
local out = {}
local notifications = 0
local block_of = {}   -- notification id -> position of its route count in out
local last_block = nil -- the notification whose block out ends with (ops-cli fix, below)

for _, member in ipairs(members) do
  if budget <= 0 then break end
  local nid, first, last = parse_member(member)
  if not nid then
    quarantine(schedule, quarantine_key, stats, member, 'unreadable schedule member', now, quarantined)
  else
    local rkey = prefix .. 'r:' .. nid
    local fields = group_fields(first, last)
    fields[#fields + 1] = 'L' .. first
    local values = redis.pcall('HMGET', rkey, unpack(fields))
    if values.err then
      quarantine(schedule, quarantine_key, stats, member, 'route states unreadable: ' .. values.err, now, quarantined)
    else
      local _, held_until = parse_lease(values[#fields])
      if held_until and held_until > now then
        -- Still leased: the score was stale. Come back when the lease runs out.
        redis.call('ZADD', schedule, held_until, member)
      else
        local present, claimed, next_due = 0, 0, nil
        local last_raw, code, attempts, t -- routes of a group mostly share one state text
        for j = 1, #fields - 1 do
          local raw = values[j]
          if raw then
            present = present + 1
            if raw ~= last_raw then
              code, attempts, t = parse_state(raw)
              last_raw = raw
            end
            local flag = ''
            if not code then
              last_raw = nil
              flag = 'unreadable route state ' .. string.sub(raw, 1, 60)
              attempts, t = 0, now
            end
            local at = now -- an unreadable state is due at once, to be dead-lettered
            if code then at = needs_worker_at(code, t) end
            if at and at <= now then
              if budget > 0 then
                budget = budget - 1
                claimed = claimed + 1
                local pos = block_of[nid]
                -- A block must be contiguous: a notification met again after another one's block
                -- (its groups fall due at different times) starts a new block of its own.
                if not pos or last_block ~= nid then
                  last_block = nid
                  local ok, body = pcall(redis.call, 'GET', prefix .. 'n:' .. nid)
                  out[#out + 1] = nid
                  out[#out + 1] = ok and body or false
                  out[#out + 1] = 0
                  pos = #out
                  block_of[nid] = pos
                  notifications = notifications + 1
                end
                out[pos] = out[pos] + 1
                out[#out + 1] = first + j - 1
                out[#out + 1] = attempts
                out[#out + 1] = t
                out[#out + 1] = flag
              else
                next_due = min_of(next_due, now) -- out of budget: still due
              end
            elseif at then
              next_due = min_of(next_due, at)
            end
          end
        end
        if present == 0 then
          quarantine(schedule, quarantine_key, stats, member, 'no route states at ' .. rkey, now, quarantined)
        elseif claimed > 0 then
          -- next_due now holds when the routes left out of the lease need a worker.
          redis.call('HSET', rkey, 'L' .. first, fmt_lease(token, lease_until, now, last, next_due))
          redis.call('ZADD', schedule, lease_until, member)
        else
          reschedule(schedule, member, next_due)
        end
      end
    end
  end
end

local head = redis.call('ZRANGE', schedule, 0, 0, 'WITHSCORES')
local next_due = -1
if head[2] then next_due = tonumber(head[2]) end
local reply = { next_due, quarantined, notifications }
for i = 1, #out do reply[3 + i] = out[i] end
return reply
