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
-- routes =, channels =, recipients =, due =, exp = }, or { err = why it cannot be read }; due and
-- exp (send_at and expires_at, ms) are nil when the record has none. `keys` is the script's
-- herald_keys; `body` the record when the caller read it already (false: it is missing), nil to
-- read it here. The record is decoded once per call (`cache`).
local function notification_facts(cache, keys, nid, body)
  local facts = cache.facts[nid]
  if facts then return facts end
  local key = keys.notification(nid)
  if body == nil then
    local ok, read = pcall(redis.call, 'GET', key)
    body = ok and read
  end
  if type(body) ~= 'string' then
    facts = { err = 'notification record ' .. key .. ' is missing or not a string', missing = true }
  else
    local decoded, doc = pcall(cjson.decode, body)
    local recipients, channels, ntype, due, exp
    if decoded and type(doc) == 'table' then -- format 2 names, else format 1's (NotificationCodec)
      recipients, channels, ntype = doc.r or doc.recipients, doc.c or doc.channels, doc.t or doc.type
      due, exp = doc.s or doc.send_at_ms, doc.exp or doc.expires_at_ms
    end
    if type(recipients) ~= 'table' or type(channels) ~= 'table' or type(ntype) ~= 'string' then
      facts = { err = 'notification record ' .. key .. ' is unreadable' }
    else
      facts = { type = ntype, routes = #recipients * #channels, channels = channels,
        recipients = #recipients, due = type(due) == 'number' and due or nil,
        exp = type(exp) == 'number' and exp or nil, doc = doc }
    end
  end
  cache.facts[nid] = facts
  return facts
end

-- Stored format 3 (StoredFormat) writes no route hash: while every route of a notification is
-- untouched, all that the hash would hold follows from the record (states.lua). This is the one
-- place that says how: 'open' = 'n' = the route count (recipients x channels), 'type' = the
-- record's type, 'due' = its send_at, 'exp' = its expires_at when it has one. Returns those fields
-- as HSET arguments (name, value, ...; the route count besides as a number, `routes`), which the
-- first script to change the notification writes in the HSET of that change (its route hash
-- exists from then on); or nil and why when the record
-- is missing (then there is no such notification) or unreadable (missing: true in the first case).
local function implied_route_fields(cache, keys, nid, body)
  local facts = notification_facts(cache, keys, nid, body)
  if facts.err then return nil, facts.err, facts.missing end
  if not facts.due then
    return nil, 'notification record ' .. keys.notification(nid) .. ' has no send_at'
  end
  -- Texts made here, once: a number handed to redis.call is formatted with %.14g, far slower.
  local routes = string.format('%d', facts.routes)
  local fields = { 'open', routes, 'type', facts.type, 'due', string.format('%d', facts.due),
    'n', routes, routes = facts.routes }
  if facts.exp then
    fields[9] = 'exp'
    fields[10] = string.format('%d', facts.exp)
  end
  return fields
end

-- The state text of route `index` of notification `nid`, as states.lua's read_route_state reads
-- it, or the one its record implies when it has no route hash (implied_route_fields); nil when
-- there is no such route. Raises what Redis raised (WRONGTYPE): callers pcall it.
local function route_state_of(cache, keys, nid, index)
  local rkey = keys.routes(nid)
  local raw = read_route_state(rkey, index)
  if raw or redis.call('TYPE', rkey).ok ~= 'none' then return raw end
  local fields = implied_route_fields(cache, keys, nid)
  return fields and untouched_state(tonumber(index), fields[6], fields[8])
end

-- `fields` (implied_route_fields) in front of `updates`, the HSET arguments of a first change
-- that finishes `finished` of the notification's routes: 'open' goes in lowered by them already, so
-- that the change needs no HINCRBY of it after (finish_routes, given the same `fields`).
local function with_implied(fields, updates, finished)
  if not fields then return updates end
  local out = {}
  for k = 1, #fields do out[k] = fields[k] end
  out[2] = string.format('%d', open_after_first_change(fields, finished))
  for k = 1, #updates do out[#out + 1] = updates[k] end
  return out
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
