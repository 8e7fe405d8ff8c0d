-- Replaces the event's operator notice ('' clears it) under the next id; nodes
-- read it with their figures each tick and broadcast it when the id changes.
-- KEYS[1] meta
-- ARGV[1] text  ARGV[2] now (ms)
-- Returns: the notice's id
-- branch: set-notice/bad-argument (text or time missing: nothing written)
local text = arg_string(1, 'text')
arg_number(2, 'now')
-- branch: set-notice/set
local id = redis.call('HINCRBY', KEYS[1], 'noticeId', 1)
redis.call('HSET', KEYS[1], 'noticeText', text, 'noticeAt', ARGV[2])
return id
