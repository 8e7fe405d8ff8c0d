-- Replaces the event's operator notice ('' clears it) under the next id; nodes
-- read it with their figures each tick and broadcast it when the id changes.
-- KEYS[1] meta
-- ARGV[1] text (Korean, or every language's)  ARGV[2] now (ms)  ARGV[3] English text ('' or absent: none)
-- Returns: the notice's id
-- branch: set-notice/bad-argument (text or time missing: nothing written)
local text = arg_string(1, 'text')
arg_number(2, 'now')
-- branch: set-notice/set
local id = redis.call('HINCRBY', KEYS[1], 'noticeId', 1)
redis.call('HSET', KEYS[1], 'noticeText', text, 'noticeEn', ARGV[3] or '', 'noticeAt', ARGV[2])
return id
