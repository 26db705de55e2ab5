-- dead_page: one page of the dead-letter index, newest first, with what is stored of each entry.
-- Reads only.
--
-- KEYS[1]  dead-letter index (zset: "<notification id>:<index>" -> dead since ms); the prefix of
--          the other keys (keys.lua)
-- ARGV[1]  newest dead-since to include (ms), '' for no bound
-- ARGV[2]  oldest dead-since to include (ms), '' for no bound
-- ARGV[3]  cursor: dead-since (ms) of the last entry read, '' to start at the newest
-- ARGV[4]  cursor: that entry's member
-- ARGV[5]  most entries to read
--
-- Order: dead since descending, then member descending (ZREVRANGE's order). A page continues
-- right after its cursor even when entries up to the cursor left the index since (requeued or
-- purged): the start is found by rank (binary search among equal scores), not by offset.
--
-- Reply: { 1 when this was the last page else 0, entry count e,
--          then per entry: member, dead since (ms), route state or false, failure history or false,
--          then per notification, in order of first appearance: id, its record or false }
--
-- uses: keys, states

local dead_index = KEYS[1]
local K = herald_keys(dead_index, 'dead')
local newest, oldest = ARGV[1], ARGV[2]
local cursor_score, cursor_member = ARGV[3], ARGV[4]
local limit = tonumber(ARGV[5])

-- Byte-wise a < b, as Redis orders members (Lua's own < follows the locale).
local function bytes_less(a, b)
  for k = 1, math.min(#a, #b) do
    local x, y = string.byte(a, k), string.byte(b, k)
    if x ~= y then return x < y end
  end
  return #a < #b
end

local start
if cursor_score == '' then
  start = 0
  if newest ~= '' then start = redis.call('ZCOUNT', dead_index, '(' .. newest, '+inf') end
else
  -- Ranks [lo, hi) hold the entries dead at the cursor's time; find the first after the cursor.
  local lo = redis.call('ZCOUNT', dead_index, '(' .. cursor_score, '+inf')
  local hi = redis.call('ZCOUNT', dead_index, cursor_score, '+inf')
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if bytes_less(redis.call('ZREVRANGE', dead_index, mid, mid)[1], cursor_member) then
      hi = mid
    else
      lo = mid + 1
    end
  end
  start = lo
end

local entries = redis.call('ZREVRANGE', dead_index, start, start + limit - 1, 'WITHSCORES')
local last_page = #entries < 2 * limit
local out = {}
local bodies, seen = {}, {}
local count = 0
for k = 1, #entries, 2 do
  local member, score = entries[k], entries[k + 1]
  if oldest ~= '' and tonumber(score) < tonumber(oldest) then
    last_page = true
    break
  end
  count = count + 1
  out[#out + 1] = member
  out[#out + 1] = score
  local nid, index = string.match(member, '^(.+):(%d+)$')
  if nid then
    local ok, state = pcall(read_route_state, K.routes(nid), index)
    local ok2, history = pcall(redis.call, 'HGET', K.failures(nid), index)
    out[#out + 1] = ok and state or false
    out[#out + 1] = ok2 and history or false
    if not seen[nid] then
      seen[nid] = true
      local ok3, body = pcall(redis.call, 'GET', K.notification(nid))
      bodies[#bodies + 1] = nid
      bodies[#bodies + 1] = ok3 and body or false
    end
  else
    out[#out + 1] = false
    out[#out + 1] = false
  end
end

local reply = { last_page and 1 or 0, count }
for k = 1, #out do reply[#reply + 1] = out[k] end
for k = 1, #bodies do reply[#reply + 1] = bodies[k] end
return reply
