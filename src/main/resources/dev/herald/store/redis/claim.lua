-- claim: leases due routes to one worker, a group at a time, or publishes them itself (inline, below)
-- (ClaimCall in Java).
--
-- KEYS[1]  schedule (zset); the prefix of the other keys (keys.lua)
-- KEYS[2]  quarantine (hash: member -> "<ms>|<reason>")
-- KEYS[3]  stats (hash)
-- KEYS[4]  retention (zset: notification id -> delete at ms), for expired and published ones
-- KEYS[5]  route figures by type (hash, figures.lua), for expired and published routes
-- KEYS[6]  channel controls (hash: "paused:<channel>" -> "<since ms>|<who>",
--          "rate:<channel>" -> routes/s set by an operator, over the config's)
-- KEYS[7]  rate buckets (hash: channel -> "<tokens>|<at ms>"), shared by every process
-- KEYS[8..7+c] the streams of the c channels that may be published inline (below), in ARGV's
--          order
-- ARGV[1]  now (ms)
-- ARGV[2]  lease until (ms)
-- ARGV[3]  lease token (no '|')
-- ARGV[4]  most routes to lease
-- ARGV[5]  retention of finished notifications (ms), for expired notifications
-- ARGV[6]  most bytes of events to lease (estimated), so that one completion never appends more
--          (Redis does not enforce maxmemory on a script once it has written); the first route
--          is leased whatever its size
-- ARGV[7]  1 when the store's format is 4 or more (StoredFormat: every process running reads it),
--          so that routes published inline are written packed (below), else 0
-- ARGV[8]  how many channels the config gives a rate limit, then per channel: name, routes/s
-- then     Herald's clock minus Redis's (ms), for the expiry check of inline publishing
-- then     how many channels c may be published inline, then per channel: name, MAXLEN (~)
-- then, only for a shard of several: how many channels come with tokens taken from their shared
--          bucket (rate_tokens.lua), then per channel: name, routes/s, tokens; a shard's claim
--          leases a rate-limited channel's routes with those tokens only, never its own bucket's
--
-- Channel controls: a route of a paused channel is not leased (so it is charged nothing) and its
-- group looks again after PAUSE_RECHECK_MS; a route of a rate-limited channel is leased only with
-- a token of its channel's bucket (refilled at the rate, holding at most one second's worth), and
-- waits at least HOLD_MS for the next. With no control set, no record is decoded for them.
--
-- Estimate: an event carries its notification's payload, which the record holds as a JSON string
-- (escaped, so a little over the payload), and ROUTE_BYTES of ids and names.
-- A record under 4 KiB counts whole (a little over, and cheaper than finding the payload in it).
--
-- Expiry: the due group of a notification whose expires_at has passed is not leased; its waiting
-- routes end expired (expire_group below).
--
-- Due: pending or failed routes whose time has come, in groups whose lease (if any) ran out; an
-- untouched route (no field, states.lua) is pending, due at its notification's 'due'; a route its
-- group's packed field lists is published (never due, never expired). A group's read is one HMGET
-- of the fields every route hash has or may have for it ('L<first>', 'exp', 'due', 'n', 'open',
-- 'P<first>'), and only when one of them exists a second of its routes' fields. A
-- notification stored in format 3 with no route hash yet has all its routes untouched, and what
-- the hash would hold is taken from its record (figures.lua's implied_route_fields); the HSET of
-- its first group's change (the lease, the routes published inline, or expired) writes it. With
-- neither a route hash nor a readable record the group is quarantined (no route states).
-- A route whose state cannot be read is leased too, flagged, so that the worker dead-letters it.
--
-- Inline publishing: a due route of a channel given as inline (the worker's breaker for its stream
-- is closed) is not leased but published by this claim, as complete.lua would publish it: its entry
-- appended (publishing.lua: the fields, order and values EventEncoder makes), its state
-- s|<attempts + 1>|<now>|<entry id> (from stored format 4, ARGV[7]: in a run of its group's packed
-- field P<first> instead, states.lua, appended to what earlier claims wrote there; a failed route
-- keeps its f| field, which P<first> overrides), the 'published' counter, the figures by type,
-- 'open' and the retention, and its group's schedule entry. Only when its notification's record
-- is one this version writes with a payload, the channel controls let it go (as for a lease: a
-- rate token spent), the byte budget has room, and expiry allows: the later of now and Redis's TIME
-- (moved by the clock offset) before expires_at. Any other route is leased as always, and so is
-- one whose append is refused, uncharged (the normal path retries it and charges it by
-- complete.lua's rules); after a refusal nothing more goes inline to that stream in this call,
-- after a server refusal (OOM, READONLY, ...) nothing at all. The common case, a group whose
-- routes are all untouched and unleased and go inline whole, takes a short path
-- (publish_untouched) that writes the same.
--
-- Order of writes: a group's appends come first, right after them one HSET of its route states
-- (published ones, and the lease of those leased), then its 'open' count; the retention of the
-- notifications finished, the leased groups' and the published groups' schedule entries go once
-- per call, after every group; then the rate buckets, the counters and the figures. A script
-- stopped part-way so never leaves an appended entry unrecorded (an entry left in the schedule
-- costs a claim a look; a finished notification left out of the retention index is kept, not
-- deleted). Under maxmemory Redis
-- refuses a script's first write (and lets it finish once it has written): a refused first append
-- leaves its route to be leased, whose HSET is then refused too, and the claim fails having written
-- nothing.
--
-- Reply: { next due ms or -1,
--          { member, reason, ... } of the schedule entries quarantined,
--          { notification id, index, why, ... } of the routes whose state was unreadable,
--          Redis's clock (TIME, ms) as the claim ran, so that the worker knows how its clock
--          stands to Redis's (complete.lua judges expiry by Redis's clock; TIME after writes
--          needs effects replication: the only kind on Redis 7, the default since 5),
--          1 when the byte budget stopped the claim with due routes left, else 0,
--          the number of routes published inline (so that the caller knows a WAIT is for them),
--          block count, then per claimed group a block: notification id, record (nil when
--          missing; 1 when an earlier block of this reply already carried it), run count, then
--          per run of consecutive routes with the same attempts and due time, all leased or all
--          published inline: first index, route count, attempts, due ms, then 0 (leased) or 1
--          (published inline); the entry ids of routes published inline are in the route hash
--          only (their states), not in the reply }
--
-- uses: keys, slices, states, figures, errors, publishing

-- Locals for what the per-route loop uses: a global is a table lookup at each use.
local ARGV, KEYS, tonumber, tostring = ARGV, KEYS, tonumber, tostring
local schedule, quarantine_key, stats = KEYS[1], KEYS[2], KEYS[3]
local K = herald_keys(schedule, 'schedule')
local now = tonumber(ARGV[1])
local lease_until = tonumber(ARGV[2])
local token = ARGV[3]
local budget = tonumber(ARGV[4])
local bytes_left = tonumber(ARGV[6])
local bytes_full = false -- the byte budget stopped the claim
local ROUTE_BYTES = 256
-- Retired notifications go to the retention index in one ZADD per call, after every group.
local finishing = { now = now, retention = KEYS[4], retention_ms = tonumber(ARGV[5]), retired = {} }
local type_figures = KEYS[5]
local notes = notification_cache()
local PAUSE_RECHECK_MS = 1000
local HOLD_MS = 100

local packed = ARGV[7] == '1' -- routes published inline go in their group's P field (states.lua)
local rate_count = tonumber(ARGV[8] or '0')
local inline_at = 9 + 2 * rate_count -- the clock offset, then the inline channels
local grants_at = inline_at + 2 + 2 * tonumber(ARGV[inline_at + 1] or '0')

-- The channel controls in force, or nil when there are none: { paused = set, rates = channel ->
-- routes/s, tokens = channel -> tokens now }.

local function channel_controls()
  local rates, paused, any = {}, {}, false
  local n = rate_count
  for i = 0, n - 1 do
    rates[ARGV[9 + 2 * i]] = tonumber(ARGV[10 + 2 * i])
    any = true
  end
  local fields = redis.call('HGETALL', KEYS[6])
  for i = 1, #fields, 2 do
    local kind, channel = string.match(fields[i], '^(%a+):(.+)$')
    if kind == 'paused' then
      paused[channel] = true
      any = true
    elseif kind == 'rate' and tonumber(fields[i + 1]) then
      rates[channel] = tonumber(fields[i + 1])
      any = true
    end
  end
  local g = grants_at
  local shard, granted = ARGV[g] ~= nil, {}
  for i = 0, tonumber(ARGV[g] or '0') - 1 do
    local channel = ARGV[g + 1 + 3 * i]
    rates[channel], granted[channel] = tonumber(ARGV[g + 2 + 3 * i]), tonumber(ARGV[g + 3 + 3 * i])
    any = true
  end
  if not any then return nil end
  local tokens, filled = {}, {}
  for channel, rate in pairs(rates) do
    local raw = not shard and redis.call('HGET', KEYS[7], channel)
    local left, at = string.match(raw or '', '^([%d.]+)|(%d+)$')
    tokens[channel], filled[channel] = rate, now -- a bucket never used starts full
    if left then
      -- A process whose clock stands behind the last filler's adds nothing (never twice).
      local since = math.max(0, now - tonumber(at))
      tokens[channel] = math.min(rate, tonumber(left) + since * rate / 1000)
      filled[channel] = math.max(now, tonumber(at))
    end
    if shard then tokens[channel], filled[channel] = granted[channel] or 0, nil end
  end
  return { paused = paused, rates = rates, tokens = tokens, filled = filled }
end
local controls = channel_controls()
local inline = inline_channels(ARGV, inline_at + 1, KEYS, 8)
local expiry_now = nil -- expiry_clock, read once a group of a notification with expires_at is due

-- The channel of route `index` of notification `nid` (route index = channel index * recipients +
-- recipient index), or nil when its record cannot be read (the worker dead-letters it).
local function channel_of(nid, index)
  local facts = notification_facts(notes, K, nid)
  if facts.err or facts.recipients == 0 then return nil end
  return facts.channels[math.floor(index / facts.recipients) + 1]
end

-- When a route of `channel` may be looked at again, or nil when it may be leased now.
local function channel_hold(channel)
  if not channel then return nil end
  if controls.paused[channel] then return now + PAUSE_RECHECK_MS end
  local rate = controls.rates[channel]
  if rate and controls.tokens[channel] < 1 then
    return now + math.max(HOLD_MS, math.ceil((1 - controls.tokens[channel]) * 1000 / rate))
  end
  return nil
end

-- When a route in this state next needs a worker, or nil (finished, or waiting for an operator).
local function needs_worker_at(code, t)
  if code == 'p' or code == 'f' then return t end
  return nil
end

-- Moves an unreadable schedule member aside so that the loop does not trip on it again: kept in
-- the quarantine hash before it leaves the schedule, so that a failure between the two cannot
-- lose it.
local quarantined = {}
local function quarantine(member, reason)
  redis.call('HSET', quarantine_key, member, string.format('%d|%s', now, reason))
  redis.call('ZREM', schedule, member)
  redis.call('HINCRBY', stats, 'quarantined', 1)
  quarantined[#quarantined + 1] = member
  quarantined[#quarantined + 1] = reason
end

-- For a due group of an expired notification: its waiting routes (pending or failed, those of a
-- lease that ran out included) become x|<attempts>|<now> and are never leased again. The lease
-- field goes first (a late holder's completion is then refused), then the states, and the
-- schedule entry last: a failure part-way leaves the group scheduled, to be expired again.
-- `values` holds the group's route states; `implied` the fields of a route hash not written yet
-- (implied_route_fields), which go in the same HSET.
local function expire_group(rkey, nid, member, first, values, count, implied)
  local updates, expired, figures = {}, 0, {}
  local ntype = nil
  for j = 1, count do
    local code, attempts = parse_state(values[j])
    if code == 'p' or code == 'f' then
      updates[#updates + 1] = first + j - 1
      updates[#updates + 1] = fmt_state('x', attempts, now)
      expired = expired + 1
      ntype = ntype or notification_type(notes, K, nid)
      tally(figures, waiting_figure(attempts), ntype, -1)
      tally(figures, 'expired', ntype, 1)
    end
  end
  redis.call('HDEL', rkey, 'L' .. first)
  if expired > 0 then
    call_in_slices('HSET', rkey, with_implied(implied, updates, expired), SLICE)
  end
  redis.call('ZREM', schedule, member)
  if expired > 0 then
    redis.call('HINCRBY', stats, 'expired', expired)
    write_tally(type_figures, figures)
    finish_routes(finishing, rkey, nid, expired, implied)
  end
end

local members = redis.call('ZRANGEBYSCORE', schedule, '-inf', now, 'LIMIT', 0, budget)
local unreadable = {}
local out = {}
local blocks = 0
local claimed_total = 0 -- routes taken, leased or published inline
local body_sent = {}  -- notification id -> true once a block carried its record
local bodies = {}     -- notification id -> its record (false when missing), read once
local event_bytes = {} -- notification id -> estimated bytes of one of its events
local index_names = {} -- route index -> its field name, made once per call
local leased = {} -- lease until, member, ... of the groups leased: their schedule entries
-- Inline publishing (see the header), per call: the groups published without a lease, their
-- schedule entries (next at, member, ...; members that go), routes published, figures by type.
local moved, gone = {}, {}
local published_total = 0
local published_figures = {}
local published_prefixes = {} -- attempts made before -> 's|<attempts + 1>|<now>|'
local now_text = string.format('%d', now)
local inline_notes = {} -- notification id -> inline_notification of its record, made once

-- The notification's record and the estimated size of one of its events (see the header).
local function record_of(nid)
  if bodies[nid] == nil then
    local ok, body = pcall(redis.call, 'GET', K.notification(nid))
    body = ok and body or false
    bodies[nid] = body
    local size = ROUTE_BYTES
    if body and #body < 4096 then
      size = size + #body -- small: the whole record is estimate enough, and cheaper
    elseif body then
      -- Format 2 names it "b", format 1 "payload_json" (NotificationCodec); no string holds
      -- either name in quotes, as inside a JSON string every quote is escaped.
      local skip = 5
      local from = string.find(body, '"b":"', 1, true)
      if not from then
        skip = 16
        from = string.find(body, '"payload_json":"', 1, true)
      end
      -- The string ends at the first '","' after it: inside it every quote is escaped.
      local to = from and string.find(body, '","', from + skip, true)
      size = size + (to and (to - from - skip) or #body)
    end
    event_bytes[nid] = size
  end
  return bodies[nid]
end

-- What inline publishing needs of the notification (publishing.lua), or false.
local function inline_note(nid)
  local note = inline_notes[nid]
  if note == nil then
    local body = record_of(nid)
    note = inline_notification(body, nid, notification_facts(notes, K, nid, body).doc)
    inline_notes[nid] = note
  end
  return note
end

-- Opens a reply block for notification `nid` (see the header): its id, its record (1 when an
-- earlier block of this reply carried it), `runs`; returns where the run count stands in `out`.
local function open_block(nid, runs)
  out[#out + 1] = nid
  out[#out + 1] = body_sent[nid] and 1 or record_of(nid)
  body_sent[nid] = true
  out[#out + 1] = runs
  blocks = blocks + 1
  return #out
end

-- The short path: a due group whose routes are all untouched (states.lua) and unleased, in a
-- notification with no route hash yet (stored format 3; `implied` its fields, figures.lua) or one
-- whose hash exists (`implied` nil: another group was changed), every route of a channel that goes
-- inline, published whole by a loop that does nothing else, at a quarter of the general loop's
-- Lua per route (issue 18). Taken only when nothing the general loop weighs can apply: format 4
-- (packed), no channel controls, the whole group within the route and byte budgets, due at `due`
-- and not expired (`expires_at`), its record one that goes inline, each of its channels inline and
-- not stopped. Writes what the general loop would for the same group: the entries, then one HSET
-- of P<first> (and the implied fields, 'open' lowered; else 'open' drops by HINCRBY), the figures,
-- the retention, a reply block with one run; the schedule entry goes after every group. Returns
-- 'whole'; or false, having written nothing, when it does not apply (or its first append is
-- refused): the general loop takes the group. An append refused later stops it there: the routes
-- published are recorded as above and it returns 'partial', and the general loop then takes the
-- group afresh (its route hash now lists those routes published), leasing what may no longer go
-- inline, as it would have.
local function publish_untouched(member, nid, rkey, first, last, due, expires_at, implied)
  local count = last - first + 1
  if budget < count or due > now then return false end
  if expires_at then
    if expires_at <= now then return false end
    expiry_now = expiry_now or expiry_clock(now, tonumber(ARGV[inline_at]))
    if expiry_now >= expires_at then return false end
  end
  local note = inline_note(nid)
  if not note or last >= note.routes or event_bytes[nid] * count > bytes_left then return false end
  local per, channels, targets = note.recipient_count, note.channels, inline.channels
  local from_channel, to_channel = math.floor(first / per), math.floor(last / per)
  for c = from_channel, to_channel do
    local target = targets[channels[c + 1]]
    if not target or target.stopped then return false end
  end
  local xadd, recipients, ids, n = note.xadd, note.recipients, {}, 0
  local refused = false
  for c = from_channel, to_channel do
    local channel = channels[c + 1]
    local target = targets[channel]
    xadd[1], xadd[4] = target.stream, target.maxlen
    local route_prefix = channel .. ':'
    local event_prefix = nid .. '/' .. route_prefix
    local base = c * per
    for index = math.max(first, base), math.min(last, base + per - 1) do
      local recipient = recipients[index - base + 1]
      xadd[7], xadd[9], xadd[11] = event_prefix .. recipient, recipient, route_prefix .. recipient
      local id = redis.pcall('XADD', unpack(xadd))
      if type(id) == 'table' then
        refuse_inline(inline, target, id)
        refused = true
        break
      end
      n = n + 1
      ids[n] = id
    end
    if refused then break end
  end
  if n == 0 then return false end
  call_in_slices('HSET', rkey,
    with_implied(implied, { 'P' .. first, fmt_published_run(first, 1, now_text, ids) }, n), SLICE)
  finish_routes(finishing, rkey, nid, n, implied)
  tally(published_figures, waiting_figure(0), note.type, -n)
  tally(published_figures, 'published', note.type, n)
  published_total = published_total + n
  budget = budget - n
  claimed_total = claimed_total + n
  bytes_left = bytes_left - n * event_bytes[nid]
  local at = open_block(nid, 1)
  out[at + 1], out[at + 2], out[at + 3], out[at + 4], out[at + 5] = first, n, 0, due, 1
  if n < count then return 'partial' end
  gone[#gone + 1] = member
  return 'whole'
end
local short_path = packed and inline ~= nil and not controls

local m = 1
while m <= #members do
  if budget <= 0 or bytes_full then break end
  local member = members[m]
  local short = false -- publish_untouched's result
  local nid, first, last = parse_member(member)
  if not nid then
    quarantine(member, 'unreadable schedule member')
  else
    local rkey = K.routes(nid)
    local count = last - first + 1
    -- The group's fields besides its routes': the lease, the notification's expires_at, what its
    -- untouched routes stand for (states.lua), 'open' (every route hash has it: without, there is
    -- none, format 3) and the packed published routes (format 4). Its routes' fields only when
    -- the hash exists: an untouched notification's group costs one short HMGET.
    local p_name = 'P' .. first
    local read, values = pcall(redis.call, 'HMGET', rkey, 'L' .. first, 'exp', 'due', 'n', 'open',
      p_name)
    local meta = values
    local exists = read and (meta[1] or meta[2] or meta[3] or meta[4] or meta[5] or meta[6])
    local implied, why_not = nil, nil -- no route hash yet: what it would hold (figures.lua)
    if read and not meta[5] and not meta[3] and not meta[1] and not meta[2] then
      implied, why_not = implied_route_fields(notes, K, nid, record_of(nid))
      -- The short path (above) first, before anything is made for the general loop.
      local facts = implied and notification_facts(notes, K, nid)
      short = implied and not exists and short_path and not inline.stopped
        and publish_untouched(member, nid, rkey, first, last, facts.due, facts.exp, implied)
    end
    local fields, packed_raw = nil, nil
    if not short then
      -- The routes' field names: to read them, and below format 4 to write a state per route.
      if exists or not packed then
        fields = {}
        for i = first, last do
          local name = index_names[i]
          if not name then
            name = tostring(i)
            index_names[i] = name
          end
          fields[i - first + 1] = name
        end
      end
      if exists then
        read, values = pcall(call_in_slices, 'HMGET', rkey, fields, SLICE)
      elseif read then
        values = {}
      end
      if read then
        for k = 1, 6 do values[count + k] = meta[k] end
      end
      packed_raw = read and values[count + 6] -- the packed field as read (false: none)
      if packed_raw then
        -- Routes listed there are published, whatever their own fields say (states.lua).
        read = each_published(packed_raw, function(index, text)
          if index >= first and index <= last then values[index - first + 1] = text end
        end)
        if not read then values = 'unreadable published routes in ' .. p_name end
      end
      if read and implied then
        values[count + 3] = implied[6]
        values[count + 4] = implied[8]
        values[count + 2] = implied[10]
      end
    end
    if short then
      -- Published on the short path (above), whole or in part.
    elseif not read then
      local why = type(values) == 'table' and values.err or tostring(values)
      quarantine(member, 'route states unreadable: ' .. plain_error(why))
    elseif why_not then
      -- Neither route states nor a record to tell them: kept aside, as a group without states is.
      quarantine(member, 'no route states at ' .. rkey .. ' and ' .. why_not)
    else
      local expires_at, lease_raw = tonumber(values[count + 2]), values[count + 1]
      -- An untouched route has no field: it reads as the one pending text it stands for, so that
      -- what follows meets only stored texts (and mostly the same one, as before).
      local untouched = untouched_state(first, values[count + 3], values[count + 4])
      local fresh = false -- every route of the group untouched, no lease: the short path's case
      if untouched then
        local below = tonumber(values[count + 4]) - first
        fresh = below >= count and not packed_raw and (not lease_raw or lease_raw == '')
        for j = 1, math.min(count, below) do
          if not values[j] then
            values[j] = untouched
          else
            fresh = false
          end
        end
      end
      local _, held_until = parse_lease(lease_raw)
      if fresh and short_path and not inline.stopped then
        -- A group of a notification whose route hash exists (another group was changed), its
        -- own routes all untouched: the short path as well.
        short = publish_untouched(member, nid, rkey, first, last, tonumber(values[count + 3]),
          expires_at, nil)
      end
      if short then
        -- Published on the short path (above), whole or in part.
      elseif held_until and held_until > now then
        -- Still leased: the score was stale. Come back when the lease runs out.
        redis.call('ZADD', schedule, held_until, member)
      elseif expires_at and expires_at <= now then
        expire_group(rkey, nid, member, first, values, count, implied)
      else
        if inline and expires_at and not expiry_now then
          expiry_now = expiry_clock(now, tonumber(ARGV[inline_at]))
        end
        local present, claimed, published, next_due = 0, 0, 0, nil -- claimed: leased
        local last_raw, code, attempts, t -- routes of a group mostly share one state text
        local runs_at, runs = nil, 0        -- where this group's run count goes in out
        local run_at, run_end, run_attempts, run_due, run_inline = nil, -1, nil, nil, false
        local group_bytes = 0 -- estimated bytes of one of its events, once a route was due
        local note = nil -- inline_note(nid), once a route was due
        local updates = {} -- states of the routes published inline: index, state, ...
        local published_by_before = nil -- attempts made before -> routes published inline
        -- Packed (format 4): the runs of this group's packed field closed so far, and the open
        -- one: its first index, the attempts made before, its entry ids.
        local packed_runs, run_first, run_ids_attempts, run_ids = {}, nil, nil, nil
        for j = 1, count do
          local raw = values[j]
          if raw then
            present = present + 1
            local index = first + j - 1
            local done = false
            if raw == last_raw and run_end == index - 1 and not controls and budget > 0
                and group_bytes <= bytes_left then
              -- The common case: the state of the route before, which was just taken (so due,
              -- and within the byte budget so far): the run grows by this route, if it can go the
              -- same way.
              if not run_inline then
                claimed = claimed + 1
                done = true
              else
                local id = append_inline(inline, note, index, expires_at, expiry_now)
                if id then
                  if packed then
                    run_ids[#run_ids + 1] = id -- the route before was in this packed run
                  else
                    updates[#updates + 1] = fields[j]
                    updates[#updates + 1] = published_prefix(published_prefixes, attempts,
                      now_text) .. id
                  end
                  published_by_before[attempts] = published_by_before[attempts] + 1
                  published = published + 1
                  done = true
                end
              end
              if done then
                budget = budget - 1
                claimed_total = claimed_total + 1
                bytes_left = bytes_left - group_bytes
                out[run_at + 1] = out[run_at + 1] + 1
                run_end = index
              end
            end
            if not done then
              if raw ~= last_raw then
                code, attempts, t = parse_state(raw)
                last_raw = raw
              end
              local flag = nil
              if not code then
                last_raw = nil
                flag = 'unreadable route state ' .. string.sub(raw, 1, 60)
                attempts, t = 0, now
              end
              local at = now -- an unreadable state is due at once, to be dead-lettered
              if code then at = needs_worker_at(code, t) end
              if at and at <= now then
                local bytes = event_bytes[nid]
                if not bytes then
                  record_of(nid)
                  bytes = event_bytes[nid]
                end
                group_bytes = bytes
                if budget > 0 and claimed_total > 0 and bytes > bytes_left then bytes_full = true end
                local channel = controls and code and channel_of(nid, index)
                local hold = channel and channel_hold(channel)
                if hold then
                  next_due = min_of(next_due, hold)
                elseif budget > 0 and not bytes_full then
                  local id = nil
                  if inline and code then
                    if note == nil then note = inline_note(nid) end
                    if note then id = append_inline(inline, note, index, expires_at, expiry_now) end
                  end
                  if channel and controls.rates[channel] then
                    controls.tokens[channel] = controls.tokens[channel] - 1
                  end
                  budget = budget - 1
                  claimed_total = claimed_total + 1
                  bytes_left = bytes_left - bytes
                  local inlined = id ~= nil
                  if inlined then published = published + 1 else claimed = claimed + 1 end
                  if not runs_at then runs_at = open_block(nid, 0) end
                  if index == run_end + 1 and attempts == run_attempts and t == run_due
                      and inlined == run_inline then
                    out[run_at + 1] = out[run_at + 1] + 1 -- the run grows by this route
                  else
                    run_at = #out + 1
                    out[run_at] = index
                    out[run_at + 1] = 1
                    out[run_at + 2] = attempts
                    out[run_at + 3] = t
                    out[run_at + 4] = inlined and 1 or 0
                    runs = runs + 1
                    run_attempts, run_due, run_inline = attempts, t, inlined
                  end
                  if inlined then
                    if not packed then
                      updates[#updates + 1] = fields[j]
                      updates[#updates + 1] = published_prefix(published_prefixes, attempts,
                        now_text) .. id
                    elseif run_ids and index == run_first + #run_ids
                        and attempts == run_ids_attempts then
                      run_ids[#run_ids + 1] = id
                    else
                      if run_ids then
                        packed_runs[#packed_runs + 1] =
                          fmt_published_run(run_first, run_ids_attempts + 1, now_text, run_ids)
                      end
                      run_first, run_ids_attempts, run_ids = index, attempts, { id }
                    end
                    published_by_before = published_by_before or {}
                    published_by_before[attempts] = (published_by_before[attempts] or 0) + 1
                  end
                  run_end = index
                  if flag then
                    unreadable[#unreadable + 1] = nid
                    unreadable[#unreadable + 1] = index
                    unreadable[#unreadable + 1] = flag
                    run_end = -1 -- keep unreadable routes in runs of their own
                  end
                else
                  next_due = min_of(next_due, now) -- out of budget: still due
                end
              elseif at then
                next_due = min_of(next_due, at)
              end
            end
          end
        end
        if runs_at then out[runs_at] = runs end
        if present == 0 then
          quarantine(member, 'no route states at ' .. rkey)
        else
          if claimed > 0 then
            -- next_due now holds when the routes left out of the lease need a worker.
            updates[#updates + 1] = 'L' .. first
            updates[#updates + 1] = fmt_lease(token, lease_until, now, last, next_due)
            leased[#leased + 1] = lease_until
            leased[#leased + 1] = member
          elseif published > 0 and lease_raw and lease_raw ~= '' then
            -- A lease that ran out goes with the routes it covered, as a new lease would replace
            -- it: its holder's completion is then refused, never appended a second time.
            updates[#updates + 1] = 'L' .. first
            updates[#updates + 1] = ''
          end
          -- Right after the group's appends: their states, with the lease in the same HSET (and
          -- the fields of a route hash written now for the first time, 'open' less those published).
          if run_ids then
            packed_runs[#packed_runs + 1] =
              fmt_published_run(run_first, run_ids_attempts + 1, now_text, run_ids)
            local runs_text = table.concat(packed_runs, ';')
            updates[#updates + 1] = p_name
            updates[#updates + 1] = packed_raw and (packed_raw .. ';' .. runs_text) or runs_text
          end
          if #updates > 0 then
            call_in_slices('HSET', rkey, with_implied(implied, updates, published), SLICE)
          end
          if published > 0 then
            finish_routes(finishing, rkey, nid, published, implied)
            -- The record's type: the one accept.lua wrote to the route hash from it.
            local ntype = note.type
            for before, n in pairs(published_by_before) do
              tally(published_figures, waiting_figure(before), ntype, -n)
              tally(published_figures, 'published', ntype, n)
            end
            published_total = published_total + published
            if claimed == 0 and next_due then
              moved[#moved + 1] = next_due
              moved[#moved + 1] = member
            elseif claimed == 0 then
              gone[#gone + 1] = member
            end
          elseif claimed == 0 then
            reschedule(schedule, member, next_due)
          end
        end
      end
    end
  end
  -- A group the short path published in part is taken again, by the general loop (above).
  if short ~= 'partial' then m = m + 1 end
end

-- The leased groups' entries move to the lease's end in one ZADD, the groups published whole to
-- when they next need a worker, or go. Until then they stay where they were (due): a claim stopped
-- before finds the lease (or the published routes) and moves its entry then.
call_in_slices('ZADD', finishing.retention, finishing.retired, SLICE)
call_in_slices('ZADD', schedule, leased, SLICE)
call_in_slices('ZADD', schedule, moved, SLICE)
call_in_slices('ZREM', schedule, gone, SLICE)

if controls then
  for channel, t in pairs(controls.tokens) do
    if controls.filled[channel] then
      redis.call('HSET', KEYS[7], channel, string.format('%.3f|%d', t, controls.filled[channel]))
    end
  end
end
if published_total > 0 then redis.call('HINCRBY', stats, 'published', published_total) end
write_tally(type_figures, published_figures)

local head = redis.call('ZRANGE', schedule, 0, 0, 'WITHSCORES')
local next_due = -1
if head[2] then next_due = tonumber(head[2]) end
local time = redis.call('TIME')
local redis_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local reply = { next_due, quarantined, unreadable, redis_ms, bytes_full and 1 or 0, published_total,
  blocks }
for i = 1, #out do reply[7 + i] = out[i] end
return reply
