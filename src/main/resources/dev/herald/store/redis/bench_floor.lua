-- bench_floor: Redis's own floor for what complete.lua does per published route, for `herald bench
-- floor` and `herald bench drain`. The same XADDs (MAXLEN ~, the same entry fields) and nothing
-- else: no lease check, no route state, no schedule, no counters. Never run by the daemon.
--
-- KEYS[1]  the benchmark's floor stream
-- ARGV[1]  MAXLEN (~)
-- ARGV[2]  shared field count 2k, then the 2k fields shared by every entry (name, value, ...)
-- then per entry: event_id, user_id, route_id (complete.lua's per-route fields)
--
-- Reply: the number of entries appended.
--
-- uses: (nothing)

local shared = tonumber(ARGV[2])
-- One argument list for the call, as complete.lua keeps one per notification.
local xadd = { KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'event_id', false, 'user_id', false,
  'route_id', false }
for k = 1, shared do xadd[11 + k] = ARGV[2 + k] end
local appended = 0
for at = 3 + shared, #ARGV, 3 do
  xadd[7], xadd[9], xadd[11] = ARGV[at], ARGV[at + 1], ARGV[at + 2]
  redis.call('XADD', unpack(xadd))
  appended = appended + 1
end
return appended
