-- errors: what a Redis error means, and the checks a script makes in its read pass so that its
-- writes cannot raise one (Redis does not roll back a script that fails part-way).
--
-- uses: (nothing)

-- Redis errors that say the server, not the route, is the problem: no route may pay for them.
local INFRASTRUCTURE = { OOM = true, READONLY = true, MISCONF = true, LOADING = true, BUSY = true,
  NOREPLICAS = true, MASTERDOWN = true, CLUSTERDOWN = true, TRYAGAIN = true }

-- The error of a redis.pcall as Redis would reply it ("OOM command not allowed ..."): Redis 6.2
-- puts the script's location in front ("@user_script: 12: ") and keeps the leading '-' of the
-- code; 7.0 does neither.
local function plain_error(err)
  local plain = string.gsub(err, '^@[%w_]+: %d+: ', '')
  plain = string.gsub(plain, '^%-', '')
  return plain
end

local function is_infrastructure_error(plain)
  return INFRASTRUCTURE[string.match(plain, '^(%u+)') or ''] == true
end

-- Why `key` cannot be read as Herald's `want` ('string', 'hash', ...), or nil when it can (absent
-- is fine). A read of such a key in the write pass would raise WRONGTYPE after earlier writes.
local function key_problem(key, want)
  local t = redis.call('TYPE', key).ok
  if t ~= 'none' and t ~= want then
    return key .. ' holds a ' .. t .. ', not Herald data'
  end
  return nil
end

-- key_problem as the error reply a script returns, nothing written, when a key it must write
-- (the schedule, the stats ...) holds another type; nil when it is fine.
local function wrong_type(key, want)
  local problem = key_problem(key, want)
  if problem then return redis.error_reply('WRONGTYPE ' .. problem) end
  return nil
end
