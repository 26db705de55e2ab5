-- publishing: what appending a route's entry and recording it published takes, for complete.lua (a
-- leased route) and claim.lua (inline: a due route published by the claim itself, never leased).
--
-- An entry's fields are EventEncoder's, in its order: event_id (<notification id>/<route id>),
-- user_id, route_id, then the fields the notification's entries share: event_type, payload_bytes,
-- notification_id, and request_id / trace_id when present. The published state is
-- s|<attempt>|<now>|<entry id> (states.lua).
--
-- uses: errors, records

-- "Now" for the expiry check: the later of Herald's `now` and Redis's clock as the script runs
-- (TIME, moved into Herald's time base by `offset`, Herald's clock minus Redis's), so that a call
-- Redis runs late cannot append after expires_at. TIME before writes needs effects replication:
-- the only kind on Redis 7, the default since 5 (Herald needs 6.2).
local function expiry_clock(now, offset)
  local time = redis.call('TIME')
  return math.max(now, tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + offset)
end

-- The text in front of the entry id of a route published now after `before` attempts, made once
-- per call and attempts: cache[before] = 's|<before + 1>|<now>|'.
local function published_prefix(cache, before, now_text)
  local prefix = cache[before]
  if not prefix then
    prefix = 's|' .. string.format('%d', before + 1) .. '|' .. now_text .. '|'
    cache[before] = prefix
  end
  return prefix
end

-- The channels a claim may publish inline, or nil when none: ARGV[at] their count, then per
-- channel its name and MAXLEN (~); their streams are keys[first_key], keys[first_key + 1], ... in
-- the same order. { channels = name -> { stream, maxlen, stopped }, stopped }: a stream that
-- refused an append is stopped for the rest of the call, every stream on a server refusal.
local function inline_channels(argv, at, keys, first_key)
  local n = tonumber(argv[at] or '0')
  if n == 0 then return nil end
  local channels = {}
  for k = 0, n - 1 do
    channels[argv[at + 1 + 2 * k]] = { stream = keys[first_key + k], maxlen = argv[at + 2 + 2 * k],
      stopped = false }
  end
  return { channels = channels, stopped = false }
end

local function is_text(v)
  return type(v) == 'string'
end

local function optional_text(v)
  return v == nil or v == cjson.null or type(v) == 'string'
end

local function optional_number(v)
  return v == nil or v == cjson.null or type(v) == 'number'
end

local function texts(list)
  if type(list) ~= 'table' or #list == 0 then return false end
  for k = 1, #list do
    if type(list[k]) ~= 'string' then return false end
  end
  return true
end

-- What the entries of notification `nid` need, from its record (NotificationCodec's JSON, either
-- format): { id, type, recipients, recipient_count, channels, routes, xadd }, xadd an XADD argument
-- list with the shared fields in place and the route's slots (1 stream, 4 MAXLEN, 7 event_id,
-- 9 user_id, 11 route_id) to fill. False when the record is not exactly one of the formats this
-- version reads, or its payload is empty: such a notification's routes take the normal path, where
-- Java judges the record as it always has (a broken one is dead-lettered, an empty payload charged).
-- `doc`: the record decoded already (figures.lua's notification_facts), or nil to decode it here.
local function inline_notification(body, nid, doc)
  if not body then return false end
  local ok = true
  if doc == nil then ok, doc = pcall(cjson.decode, body) end
  local names = ok and type(doc) == 'table' and RECORD_NAMES[doc.v]
  if not names or (doc.v == 1 and not is_text(doc.id)) then return false end
  local ntype, payload = doc[names.t], doc[names.b]
  local recipients, channels = doc[names.r], doc[names.c]
  local request_id, trace_id = doc[names.req], doc[names.trace]
  if not is_text(ntype) or not is_text(doc[names.p]) or not texts(recipients)
      or not texts(channels) or not is_text(payload) or type(doc[names.s]) ~= 'number'
      or type(doc[names.a]) ~= 'number' or not optional_text(request_id)
      or not optional_text(trace_id) or not optional_text(doc[names.key])
      or not optional_number(doc[names.max])
      or not optional_number(doc[names.exp]) then
    return false
  end
  -- A payload is compact JSON: its first byte starts a JSON value, else it is empty (or blank).
  if not string.find(payload, '^[{%["%-%dtfn]') then return false end
  local xadd = { false, 'MAXLEN', '~', false, '*', 'event_id', false, 'user_id', false, 'route_id',
    false, 'event_type', ntype, 'payload_bytes', payload, 'notification_id', nid }
  if is_text(request_id) then
    xadd[#xadd + 1] = 'request_id'
    xadd[#xadd + 1] = request_id
  end
  if is_text(trace_id) then
    xadd[#xadd + 1] = 'trace_id'
    xadd[#xadd + 1] = trace_id
  end
  return { id = nid, type = ntype, recipients = recipients, recipient_count = #recipients,
    channels = channels, routes = #recipients * #channels, xadd = xadd }
end

-- What append_inline calls once per route, as locals: a global is a table lookup at each use.
local inline_floor, inline_unpack, inline_type, inline_pcall = math.floor, unpack, type, redis.pcall

-- After an append to `target` (one of inline.channels) was refused with `reply` (redis.pcall's
-- error): nothing more goes inline to that stream in this call, on a server refusal (OOM,
-- READONLY, ...) to none.
local function refuse_inline(inline, target, reply)
  if is_infrastructure_error(plain_error(reply.err)) then
    inline.stopped = true
  else
    target.stopped = true
  end
end

-- Appends route `index` of `note` (inline_notification) inline when its channel is one of
-- `inline`'s and not stopped, and expiry allows (expires_at nil, or after `expiry_now`). Returns the
-- entry id, or nil when the route must take the normal path. An append refused is never charged:
-- its stream (on a server refusal, every stream) is stopped for the call, and the route is leased.
local function append_inline(inline, note, index, expires_at, expiry_now)
  if inline.stopped or index >= note.routes then return nil end
  if expires_at and expiry_now >= expires_at then return nil end
  local count = note.recipient_count
  local channel = note.channels[inline_floor(index / count) + 1]
  local target = inline.channels[channel]
  if not target or target.stopped then return nil end
  local recipient = note.recipients[index % count + 1]
  local route_id = channel .. ':' .. recipient
  local xadd = note.xadd
  xadd[1], xadd[4] = target.stream, target.maxlen
  xadd[7], xadd[9], xadd[11] = note.id .. '/' .. route_id, recipient, route_id
  local id = inline_pcall('XADD', inline_unpack(xadd))
  if inline_type(id) == 'table' then
    refuse_inline(inline, target, id)
    return nil
  end
  return id
end
