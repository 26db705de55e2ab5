-- recipients: the opt-in index of notifications by recipient (console.recipient-index), kept by
-- accept.lua and intake.lua through accepting.lua. '<prefix>rcpt:<recipient>' is a zset of
-- notification ids scored by when each was accepted (ms); it keeps the newest `max` and expires
-- `keep` ms (retention.published) after the latest due time of what it holds. Nothing removes an
-- id when retire.lua deletes its notification: the reader skips ids whose record is gone, and the
-- bound and the expiry keep what is left small.
--
-- The setting comes in each accept item: '' (off), or '<max>/<keep ms>'.
--
-- uses: errors, slices

-- Pass 1, no writes: the recipients to index (item.recipients), or why one cannot be: its key holds
-- another type. Nothing to do when the index is off.
local function check_recipients(keys, item)
  if item.index == '' then return nil end
  item.recipients = cjson.decode(item.body).recipients
  for _, r in ipairs(item.recipients) do
    local bad = key_problem(keys.prefix .. 'rcpt:' .. r, 'zset')
    if bad then return 'recipient index ' .. bad end
  end
  return nil
end

-- Pass 2: the notification's id in each of its recipients' index.
local function index_recipients(keys, item, now)
  if item.index == '' then return end
  local max, keep = string.match(item.index, '^(%d+)/(%d+)$')
  local ttl = math.max(item.due - now, 0) + tonumber(keep)
  for _, r in ipairs(item.recipients) do
    local key = keys.prefix .. 'rcpt:' .. r
    if redis.call('ZADD', key, now, item.id) == 1 then
      local over = redis.call('ZCARD', key) - tonumber(max)
      if over > 0 then -- the oldest go; one at a time in steady state
        call_in_slices('ZREM', key, redis.call('ZRANGE', key, 0, over - 1), 2000)
      end
    end
    if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
  end
end
