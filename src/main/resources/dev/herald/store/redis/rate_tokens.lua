-- rate_tokens: takes tokens from the shared bucket of each rate-limited channel for a claim that
-- spans shards, and puts back tokens a claim took and did not use (RedisRateTokens in Java). With
-- shards every claim.lua runs in its shard's slot; the buckets live in one slot (the first shard's),
-- so that the rate holds across all shards and processes: a claim takes its tokens here first and
-- hands them to the shards' claims as arguments.
--
-- KEYS[1]  channel controls (hash: "rate:<channel>" -> routes/s set by an operator, over the
--          config's), as claim.lua reads them
-- KEYS[2]  rate buckets (hash: channel -> "<tokens>|<at ms>")
-- ARGV[1]  now (ms)
-- ARGV[2]  most tokens to take of each channel (0: only put back)
-- ARGV[3]  how many channels the config gives a rate limit, then per channel: name, routes/s
-- then     how many channels get tokens back, then per channel: name, tokens
--
-- A bucket fills at its rate and holds at most one second's worth, as in claim.lua; tokens put back
-- never fill it past that. Reply: per rate-limited channel: name, routes/s, tokens taken.
--
-- uses: (nothing)

local now, most = tonumber(ARGV[1]), tonumber(ARGV[2])
local rates = {}
local n = tonumber(ARGV[3])
for i = 0, n - 1 do
  rates[ARGV[4 + 2 * i]] = tonumber(ARGV[5 + 2 * i])
end
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local channel = string.match(fields[i], '^rate:(.+)$')
  if channel and tonumber(fields[i + 1]) then rates[channel] = tonumber(fields[i + 1]) end
end
local back = {}
local b = 4 + 2 * n
for i = 0, tonumber(ARGV[b] or '0') - 1 do
  back[ARGV[b + 1 + 2 * i]] = tonumber(ARGV[b + 2 + 2 * i])
end

local reply = {}
for channel, rate in pairs(rates) do
  local left, at = string.match(redis.call('HGET', KEYS[2], channel) or '', '^([%d.]+)|(%d+)$')
  local tokens, filled = rate, now -- a bucket never used starts full
  if left then
    -- A process whose clock stands behind the last filler's adds nothing (never twice).
    tokens = math.min(rate, tonumber(left) + math.max(0, now - tonumber(at)) * rate / 1000)
    filled = math.max(now, tonumber(at))
  end
  tokens = math.min(rate, tokens + (back[channel] or 0))
  local taken = math.max(0, math.min(most, math.floor(tokens)))
  tokens = tokens - taken
  redis.call('HSET', KEYS[2], channel, string.format('%.3f|%d', tokens, filled))
  reply[#reply + 1] = channel
  reply[#reply + 1] = string.format('%d', rate)
  reply[#reply + 1] = taken
end
return reply
