-- keys: the names of Herald's keys, as RedisKeys builds them in Java (keep the two in step).
--
-- Every key of a deployment starts with one prefix, '<namespace>:' ('herald:'; it may carry a
-- Redis Cluster hash tag, 'herald:{0}:', so that all of them hash to one slot). A script finds the
-- prefix in KEYS[1], whose name it knows, and derives from it the keys of the notifications it
-- meets (in the schedule, the dead-letter index, its arguments), so that every key it touches is
-- derivable from its KEYS:
--   <prefix>n:<id>        the notification (JSON), written once
--   <prefix>r:<id>        its touched routes' states (states.lua), group leases, 'open', 'exp',
--                         'type', 'due', 'n'; absent until the first change of a notification
--                         stored in format 3 (states.lua)
--   <prefix>f:<id>        its routes' failure histories, one JSON object per line
--   <prefix>idem:<name>   an idempotency key; name '<producer length>:<producer>:<key>'
--   <prefix>wakeup        the wake-up channel (not a key)
--
-- uses: (nothing)

-- The key names of the deployment whose `name` key (e.g. 'schedule') is `key`.
local function herald_keys(key, name)
  local prefix = string.sub(key, 1, #key - #name)
  if #key <= #name or string.sub(key, #prefix + 1) ~= name then
    error('KEYS[1] must be a Herald ' .. name .. ' key (<prefix>' .. name .. '), not ' .. key)
  end
  local keys = { prefix = prefix, wakeup = prefix .. 'wakeup' }
  function keys.notification(id) return prefix .. 'n:' .. id end
  function keys.routes(id) return prefix .. 'r:' .. id end
  function keys.failures(id) return prefix .. 'f:' .. id end
  function keys.idempotency(name) return prefix .. 'idem:' .. name end
  return keys
end
