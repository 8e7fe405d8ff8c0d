-- Replaces the event's operator notice ('' clears it) under the next id; nodes
-- read it with their figures each tick and broadcast it when the id changes.
-- KEYS[1] meta
-- ARGV[1] text  ARGV[2] now (ms)
-- Returns: the notice's id
local id = redis.call('HINCRBY', KEYS[1], 'noticeId', 1)
redis.call('HSET', KEYS[1], 'noticeText', ARGV[1], 'noticeAt', ARGV[2])
return id
