-- cancelling: cancelling a notification, as cancel.lua and intake.lua do.
--
-- uses: states, slices, figures, errors

-- Pass 1 of a cancel: why the notification `nid` cannot be cancelled without a WRONGTYPE part-way
-- (its route hash or failure history is a key of another type), or of an error (no route hash and
-- a record that cannot be read, stored format 3: the routes it would cancel are unknown), or nil.
local function cancel_target_problem(keys, nid)
  local bad = key_problem(keys.routes(nid), 'hash') or key_problem(keys.failures(nid), 'hash')
  if bad or redis.call('TYPE', keys.routes(nid)).ok ~= 'none' then return bad end
  local _, why, missing = implied_route_fields(notification_cache(), keys, nid)
  if why and not missing then return why .. ', and it has no route states' end
  return nil
end

-- Cancels every route of the notification not published yet (pending, failed, leased, dead
-- letter): c|<attempts>|<now>; published (those its packed fields list too, format 4), expired and
-- cancelled routes stay. Per the invariant of
-- states.lua the group leases go first, so that a holder's completion is refused ('stale') and
-- appends nothing. The groups leave the schedule and the dead letters the dead index.
-- ctx: keys, now, schedule, dead, stats, retention, retention_ms, type_figures.
-- Returns the routes cancelled, the routes already published, and for the metrics
-- { type, then each channel and the routes cancelled on it }; nil when there is no such
-- notification. A notification with no route hash yet (stored format 3) has all its routes
-- untouched, read from its record (figures.lua's implied_route_fields), and the HSET of the
-- cancelled states writes the hash's fields too; with an unreadable record it raises before any
-- write.
local function cancel_notification(ctx, nid)
  local rkey = ctx.keys.routes(nid)
  local notes = notification_cache()
  local all = redis.call('HGETALL', rkey)
  local implied = nil -- no route hash yet (stored format 3): what it would hold (figures.lua)
  if #all == 0 then
    local why, missing
    implied, why, missing = implied_route_fields(notes, ctx.keys, nid)
    if missing then return nil end
    -- Nothing written yet: a record that tells no routes is refused, never taken for none.
    if not implied then error('cancel ' .. nid .. ': ' .. why .. ', and it has no route states') end
    for k = 1, #implied do all[k] = implied[k] end
  end
  local stored_type = false
  local updates, dead, leases, dead_fields = {}, {}, {}, {}
  local moves = {} -- from figure -> routes cancelled
  local last, cancelled, published = -1, 0, 0
  local fields, base_due, route_count = {}, nil, nil -- untouched routes have none (states.lua)
  local packed = {} -- route index (text) -> published state, as the packed fields list them
  local function note_published(index, text) packed[tostring(index)] = text end
  for i = 1, #all, 2 do
    local field = all[i]
    if field == 'due' then base_due = all[i + 1] end
    if field == 'n' then route_count = all[i + 1] end
    if string.match(field, '^%d+$') then fields[field] = all[i + 1] end
    if string.match(field, '^P%d+$') and not each_published(all[i + 1], note_published) then
      -- Which routes went out is unknown: cancelling one of them would undo a publication.
      error('cancel ' .. nid .. ': unreadable published routes in ' .. field .. ' of ' .. rkey)
    end
  end
  local untouched = untouched_state(0, base_due, route_count)
  if untouched then
    for index = 0, tonumber(route_count) - 1 do
      local field = tostring(index)
      if not fields[field] then
        all[#all + 1] = field
        all[#all + 1] = untouched
      end
    end
  end
  for i = 1, #all, 2 do
    local field = all[i]
    if string.match(field, '^%d+$') then
      local index = tonumber(field)
      if index > last then last = index end
      -- A route the packed field lists is published whatever its own field says (states.lua).
      local code, attempts = parse_state(packed[field] or all[i + 1])
      if code == 'p' or code == 'f' or code == 'd' then
        updates[#updates + 1] = field
        updates[#updates + 1] = fmt_state('c', attempts, ctx.now)
        cancelled = cancelled + 1
        if code == 'd' then
          dead[#dead + 1] = nid .. ':' .. field
          dead_fields[#dead_fields + 1] = field
        else
          local from = waiting_figure(attempts)
          moves[from] = (moves[from] or 0) + 1
        end
      elseif code == 's' then
        published = published + 1
      end
    elseif string.match(field, '^L%d+$') then
      leases[#leases + 1] = field
    elseif field == 'type' then
      stored_type = all[i + 1]
    end
  end
  local ntype = notification_type(notes, ctx.keys, nid, stored_type)
  local detail = { ntype }
  if cancelled > 0 then -- by channel: route index = channel index * recipients + recipient index
    local facts = notification_facts(notes, ctx.keys, nid)
    local by_channel = {}
    for k = 1, #updates, 2 do
      local channel = facts.channels
        and facts.channels[math.floor(tonumber(updates[k]) / facts.recipients) + 1]
      if channel then
        if not by_channel[channel] then
          by_channel[channel] = #detail + 2
          detail[#detail + 1] = channel
          detail[#detail + 1] = 0
        end
        detail[by_channel[channel]] = detail[by_channel[channel]] + 1
      end
    end
  end
  local figures = {}
  for from, n in pairs(moves) do tally(figures, from, ntype, -n) end
  if #dead_fields > 0 then
    local histories = call_in_slices('HMGET', ctx.keys.failures(nid), dead_fields, SLICE)
    for k = 1, #dead_fields do tally(figures, dead_figure(histories[k] or nil), ntype, -1) end
  end
  tally(figures, 'cancelled', ntype, cancelled)
  -- All reads are done. Leases first (see above), then the states, then the schedule and
  -- dead-index entries: a failure part-way leaves routes that are claimed (or listed) again, never
  -- a waiting route without a schedule entry or a dead letter outside the index.
  if #leases > 0 then call_in_slices('HDEL', rkey, leases, SLICE) end
  if cancelled > 0 then
    call_in_slices('HSET', rkey, with_implied(implied, updates, cancelled), SLICE)
    local members = {}
    for first = 0, last, GROUP_SIZE do
      members[#members + 1] = group_member(nid, first, math.min(first + GROUP_SIZE - 1, last))
    end
    call_in_slices('ZREM', ctx.schedule, members, SLICE)
    if #dead > 0 then call_in_slices('ZREM', ctx.dead, dead, SLICE) end
    redis.call('HINCRBY', ctx.stats, 'cancelled', cancelled)
    write_tally(ctx.type_figures, figures)
    finish_routes(ctx, rkey, nid, cancelled, implied)
  end
  return cancelled, published, detail
end
