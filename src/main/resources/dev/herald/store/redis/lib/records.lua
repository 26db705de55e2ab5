-- records: the names of a notification record's fields (NotificationCodec) in each stored format
-- Herald has written. Format 2 uses the short names below and has no id (its key names it);
-- format 1, which versions before it wrote, spells them out and holds 'v' and 'id' besides.
--
-- uses: (nothing)

local RECORD_FORMAT_1_NAMES = { t = 'type', p = 'producer', key = 'idempotency_key',
  r = 'recipients', c = 'channels', b = 'payload_json', req = 'request_id', trace = 'trace_id',
  s = 'send_at_ms', max = 'max_attempts', a = 'accepted_at_ms', exp = 'expires_at_ms' }

-- For each format, short name -> the name a record of that format gives the field.
local RECORD_NAMES = { [1] = RECORD_FORMAT_1_NAMES, [2] = {} }
for short in pairs(RECORD_FORMAT_1_NAMES) do RECORD_NAMES[2][short] = short end
