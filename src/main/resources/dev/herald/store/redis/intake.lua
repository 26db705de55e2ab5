-- intake: settles a batch of entries read from the intents stream in one atomic step (IntakeCall
-- in Java): accepts the valid notifications (as accept.lua), applies the cancels (as cancel.lua),
-- copies the invalid entries to the rejected stream with their reason, acknowledges every entry
-- (XACK) and deletes it from the intents stream (XDEL), which so holds only intents not settled
-- yet.
--
-- An entry that is no longer pending was settled already, by a consumer that took it over while
-- this one stalled: it is left alone. So an intent never creates a second notification, and no
-- entry is acknowledged without its effect, or has its effect without being acknowledged.
--
-- KEYS[1]  schedule (zset); the prefix of the other keys (keys.lua)
-- KEYS[2]  stats (hash)
-- KEYS[3]  dead-letter index (zset), for cancels
-- KEYS[4]  retention (zset), for cancels
-- KEYS[5]  intents stream
-- KEYS[6]  rejected stream
-- KEYS[7]  route figures by type (hash, figures.lua)
-- ARGV[1]  now (ms)
-- ARGV[2]  idempotency window (ms); 0 turns idempotency off
-- ARGV[3]  consumer group
-- ARGV[4]  bound of the rejected stream (XADD ... MAXLEN ~)
-- ARGV[5]  retention of finished notifications (ms), for cancels
-- ARGV[6..] per entry, in stream order: entry id, kind, then by kind
--   A  (accept)   an accept item (accepting.lua)
--   C  (cancel)   notification id ('' when by key), idempotency name ('' when by id), the reason
--                 to reject it with when it names no notification
--   R  (reject)   the reason (field and why)
--   D  (deleted)  nothing: the entry was trimmed before it was read; acknowledge only
--   S  (settled)  nothing: its effect was stored in another shard first; acknowledge only
--
-- Reply: one array per entry, in order: { status, detail... }:
--   { 'accepted', id } | { 'duplicate', id of the earlier notification }
--   | { 'cancelled', then as cancel.lua replies: id, routes cancelled, routes already published,
--     type, then each channel and the routes cancelled on it }
--   | { 'rejected', the reason when this script found it (else '': the caller's reason) }
--   | { 'dropped' } | { 'acknowledged' } (an S entry) | { 'settled' } (no longer pending: nothing
--   done)
-- Errors (nothing written): WRONGTYPE at one of the KEYS; NOGROUP.
--
-- Every read and type check runs in pass 1, before the first write: Redis does not roll back a
-- script that fails part-way, and a failure after some writes would leave notifications stored
-- whose intents stay pending and whose counters never moved. What pass 1 finds wrong with one entry
-- (an id in use, a key of another type where its notification's keys should be) rejects that entry
-- alone, with the reason; the rest of the batch is settled.
--
-- uses: keys, slices, errors, idempotency, accepting, cancelling

local schedule, stats, dead, retention = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local stream, rejected, type_figures = KEYS[5], KEYS[6], KEYS[7]
local K = herald_keys(schedule, 'schedule')
local now, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local group, rejected_max = ARGV[3], ARGV[4]

local err = wrong_type(schedule, 'zset') or wrong_type(stats, 'hash') or wrong_type(dead, 'zset')
  or wrong_type(retention, 'zset') or wrong_type(rejected, 'stream')
  or wrong_type(type_figures, 'hash')
if err then return err end
local acc = new_accept(K, schedule, stats, type_figures, now, window)

-- Pass 1 of a pending cancel: the notification it names (by key: as the entries before it leave
-- the key, so a cancel sees a notification accepted earlier in the batch), or why it cannot be run.
local function resolve_cancel(e)
  if e.nid ~= '' then
    e.target = e.nid
  else
    local idem_key = K.idempotency(e.idem)
    local bad = key_problem(idem_key, 'string')
    if bad then return 'cancel_idempotency_key: ' .. bad end
    e.target = acc.claimed_keys[idem_key] or idempotent_id(idem_key, now, window)
  end
  if e.target then
    local bad = cancel_target_problem(K, e.target)
    if bad then return 'cancel: ' .. bad end
  end
  return nil
end

-- Pass 1: parse, check and decide, no writes.
local entries = {}
local i = 6
local argc = #ARGV
while i <= argc do
  local e = { id = ARGV[i], kind = ARGV[i + 1] }
  i = i + 2
  if e.kind == 'A' then
    e.item, i = read_accept_item(ARGV, i)
  elseif e.kind == 'C' then
    e.nid, e.idem, e.reason = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    i = i + 3
  elseif e.kind == 'R' then
    e.reason = ARGV[i]
    i = i + 1
  end
  e.pending = #redis.call('XPENDING', stream, group, e.id, e.id, 1) > 0
  if e.pending then
    local bad
    if e.kind == 'A' then
      bad = check_accept_item(acc, e.item)
      if bad then bad = '(intent): ' .. bad end
    elseif e.kind == 'C' then
      bad = resolve_cancel(e)
    end
    if bad then
      e.kind, e.reason, e.found = 'R', bad, bad
    end
  end
  entries[#entries + 1] = e
end

-- Copies the entry's fields (as the producer wrote them) to the rejected stream, with the reason.
local rejects = 0
local function reject(e)
  local original = redis.call('XRANGE', stream, e.id, e.id)
  local fields = original[1] and original[1][2] or {}
  local args = { rejected, 'MAXLEN', '~', rejected_max, '*' }
  for k = 1, math.min(#fields, 1000) do args[#args + 1] = fields[k] end
  args[#args + 1] = 'reason'
  args[#args + 1] = e.reason
  args[#args + 1] = 'source_id'
  args[#args + 1] = e.id
  redis.call('XADD', unpack(args))
  rejects = rejects + 1
end

-- Pass 2: write, in stream order (a cancel sees the notifications accepted before it).
local ctx = { keys = K, now = now, schedule = schedule, dead = dead, stats = stats,
  retention = retention, retention_ms = tonumber(ARGV[5]), type_figures = type_figures }
local reply, acked = {}, {}
for _, e in ipairs(entries) do
  local entry = { 'settled' }
  if e.pending then
    acked[#acked + 1] = e.id
    if e.kind == 'A' then
      if e.item.duplicate_of then
        entry = { 'duplicate', e.item.duplicate_of }
      else
        if not e.item.stored_already then write_accept_item(acc, e.item) end
        entry = { 'accepted', e.item.id }
      end
    elseif e.kind == 'C' then
      local cancelled, published, detail
      if e.target then cancelled, published, detail = cancel_notification(ctx, e.target) end
      if cancelled then
        entry = { 'cancelled', e.target, cancelled, published }
        for _, v in ipairs(detail) do entry[#entry + 1] = v end
      else
        reject(e)
        entry = { 'rejected', '' }
      end
    elseif e.kind == 'R' then
      reject(e)
      entry = { 'rejected', e.found or '' }
    elseif e.kind == 'S' then
      entry = { 'acknowledged' }
    else
      entry = { 'dropped' }
    end
  end
  reply[#reply + 1] = entry
end

call_in_slices('XACK', { stream, group }, acked, SLICE)
call_in_slices('XDEL', stream, acked, SLICE)
finish_accept(acc)
if rejects > 0 then redis.call('HINCRBY', stats, 'intents_rejected', rejects) end
if #acked > 0 then redis.call('HINCRBY', stats, 'intents_acknowledged', #acked) end
return reply
