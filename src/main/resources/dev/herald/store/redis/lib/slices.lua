-- slices: the one way a script sends a command a variable number of arguments (HSET, HMGET, ZADD,
-- ZREM, HDEL, XACK ...): in slices of at most per_call values, since unpack() fails past about
-- 8,000 values (LUAI_MAXCSTACK), and a script that fails half-way is not rolled back.
--
-- uses: (nothing)

-- The usual slice; per_call must be a multiple of the values per item (2 for HSET and ZADD pairs).
local SLICE = 1000

-- One slice of args, [i, last], after head (see call_in_slices).
local function send_slice(cmd, head, args, i, last)
  if type(head) == 'string' then return redis.call(cmd, head, unpack(args, i, last)) end
  if not head then return redis.call(cmd, unpack(args, i, last)) end
  local call = {}
  for k = 1, #head do call[k] = head[k] end
  for k = i, last do call[#call + 1] = args[k] end
  return redis.call(cmd, unpack(call))
end

-- head: the key the command works on; a table of the arguments that go before the variable ones
-- in every slice (XACK's stream and group); or false when the command takes only the args (DEL of
-- many keys). Returns the replies of the slices strung together when they are arrays (HMGET), the
-- reply as it is when there was one slice; nothing is sent for no args.
local function call_in_slices(cmd, head, args, per_call)
  if #args == 0 then return nil end
  if #args <= per_call then -- one slice: its reply as it is (no copy)
    return send_slice(cmd, head, args, 1, #args)
  end
  local replies = nil
  for i = 1, #args, per_call do
    local reply = send_slice(cmd, head, args, i, math.min(i + per_call - 1, #args))
    if type(reply) == 'table' then
      replies = replies or {}
      for k = 1, #reply do replies[#replies + 1] = reply[k] end
    end
  end
  return replies
end
