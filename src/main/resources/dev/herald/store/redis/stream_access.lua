-- stream_access: does nothing. Redis checks, before it runs a script, that the caller's ACL lets it
-- use the keys the script declares; calling this with a stream as KEYS[1] fails with NOPERM when
-- Herald may not write that stream, as complete.lua would.
--
-- KEYS[1]  a stream
--
-- Reply: 1.
--
-- uses: (nothing)

return 1
