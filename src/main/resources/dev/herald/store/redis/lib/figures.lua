-- figures: route figures by notification type (`herald stats`), and what the scripts read of a
-- notification besides its routes. The figures are a hash (RedisKeys.typeFigures) with one field
-- per figure and type, "<figure>:<type>" (type '' when unknown):
--   pending, failed                 routes waiting in that state now (leased ones included)
--   dead_letter.<classification>    dead letters now, by the classification of their last failure
--   accepted, published, requeued, purged, expired, cancelled   totals since the store was created
-- A script adds up its changes in a table with tally() and writes them once per call.
--
-- uses: states

local function tally(t, figure, ntype, n)
  local field = figure .. ':' .. ntype
  t[field] = (t[field] or 0) + n
end

local function write_tally(key, t)
  for field, n in pairs(t) do
    if n ~= 0 then redis.call('HINCRBY', key, field, n) end
  end
end

-- The figure of a route waiting with `attempts` made: the name of its state (waiting_code).
local WAITING_FIGURES = { p = 'pending', f = 'failed' }
local function waiting_figure(attempts)
  return WAITING_FIGURES[waiting_code(attempts)]
end

-- The dead_letter figure of a failure (JSON, as FailureCodec and complete.lua write it), or of a
-- route's failure history (its last line is the failure that made it a dead letter).
local function dead_figure(failure_json)
  local last = string.match(failure_json or '', '([^\n]*)$')
  return 'dead_letter.' .. (string.match(last or '', '"classification":"([%w_]+)"') or 'unknown')
end

-- What a call has read of its notifications, each read once: facts (below) and types by id.
local function notification_cache()
  return { facts = {}, types = {} }
end

-- A notification's type, route count, channels and recipient count, from its record: { type =,
-- routes =, channels =, recipients = }, or { err = why it cannot be read }. `keys` is the script's
-- herald_keys.
local function notification_facts(cache, keys, nid)
  local facts = cache.facts[nid]
  if facts then return facts end
  local key = keys.notification(nid)
  local ok, body = pcall(redis.call, 'GET', key)
  if not ok or not body then
    facts = { err = 'notification record ' .. key .. ' is missing or not a string' }
  else
    local decoded, doc = pcall(cjson.decode, body)
    local recipients, channels, ntype
    if decoded and type(doc) == 'table' then -- format 2 names, else format 1's (NotificationCodec)
      recipients, channels, ntype = doc.r or doc.recipients, doc.c or doc.channels, doc.t or doc.type
    end
    if type(recipients) ~= 'table' or type(channels) ~= 'table' or type(ntype) ~= 'string' then
      facts = { err = 'notification record ' .. key .. ' is unreadable' }
    else
      facts = { type = ntype, routes = #recipients * #channels, channels = channels,
        recipients = #recipients }
    end
  end
  cache.facts[nid] = facts
  return facts
end

-- A notification's type, for its figures: the field 'type' of its route hash, which accept wrote
-- (`stored`: its value when the caller read it along, false when it was absent, nil when not read);
-- from its record for a notification stored before that field existed; '' when neither is readable.
local function notification_type(cache, keys, nid, stored)
  local known = cache.types[nid]
  if known then return known end
  if stored == nil then
    local ok, value = pcall(redis.call, 'HGET', keys.routes(nid), 'type')
    stored = ok and value
  end
  known = stored or notification_facts(cache, keys, nid).type or ''
  cache.types[nid] = known
  return known
end
