-- recipients: the opt-in index of notifications by recipient (console.recipient-index), kept by
-- accept.lua and intake.lua through accepting.lua. '<prefix>rcpt:<recipient>' is a zset of
-- notification ids scored by when each was accepted (ms); it keeps the newest `max` and expires
-- `keep` ms (retention.published) after the latest due time of what it holds. Nothing removes an
-- id when retire.lua deletes its notification: the reader skips ids whose record is gone, and the
-- bound and the expiry keep what is left small.
--
-- The setting comes in each accept item: '' (off), or '<max>/<keep ms>'.
--
-- uses: slices

-- Pass 1, no writes: the recipients to index (item.recipients, and item.fresh: those without an
-- index yet), or why one cannot be: its key holds another type. Nothing to do when it is off.
local function check_recipients(keys, item)
  if item.index == '' then return nil end
  local doc = cjson.decode(item.body) -- the record this call stores: format 2 (NotificationCodec)
  item.recipients = doc.r or doc.recipients
  item.fresh = {}
  for i, r in ipairs(item.recipients) do
    local key = keys.prefix .. 'rcpt:' .. r
    local t = redis.call('TYPE', key).ok
    if t == 'none' then
      item.fresh[i] = true
    elseif t ~= 'zset' then
      return 'recipient index ' .. key .. ' holds a ' .. t .. ', not Herald data'
    end
  end
  return nil
end

-- Pass 2: the notification's id in each of its recipients' index. A key new in this call (the
-- common case of a recipient's first notification) needs no bound or expiry check. `written`:
-- the keys this call wrote already, shared by its items.
local function index_recipients(keys, item, now, written)
  if item.index == '' then return end
  local max, keep = string.match(item.index, '^(%d+)/(%d+)$')
  max = tonumber(max)
  local ttl = math.max(item.due - now, 0) + tonumber(keep)
  for i, r in ipairs(item.recipients) do
    local key = keys.prefix .. 'rcpt:' .. r
    local added = redis.call('ZADD', key, now, item.id)
    if item.fresh[i] and not written[key] then
      redis.call('PEXPIRE', key, ttl)
    else
      if added == 1 then
        local over = redis.call('ZCARD', key) - max
        if over > 0 then -- the oldest go; one at a time in steady state
          call_in_slices('ZREM', key, redis.call('ZRANGE', key, 0, over - 1), 2000)
        end
      end
      if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
    end
    written[key] = true
  end
end
