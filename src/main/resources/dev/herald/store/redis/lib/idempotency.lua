-- idempotency: the value of an idempotency key (keys.idempotency), '<id>|<accepted ms>', set with
-- an expiry of the idempotency window by accept.lua and intake.lua.
--
-- uses: (nothing)

-- The id the idempotency key names, if it was set less than `window` ms before `now`, else nil.
local function idempotent_id(key, now, window)
  local stored = redis.call('GET', key)
  if not stored then return nil end
  local id, at = string.match(stored, '^(.+)|(%d+)$')
  if id and now - tonumber(at) < window then return id end
  return nil
end

local function idempotency_value(id, now)
  return id .. '|' .. string.format('%d', now)
end
