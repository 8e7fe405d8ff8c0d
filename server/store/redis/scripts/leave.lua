-- The holder gave up its place for good: a waiter (connected or away) is
-- counted as a leaver until the cursor passes it; a passed, requeued or
-- granted ticket is finished (a grant frees its active place).
-- KEYS[1] status  KEYS[2] away  KEYS[3] requeued  KEYS[4] active  KEYS[5..7] leaver buckets
-- ARGV[1] ticketNo
-- Returns: 1 when the ticket changed state, 0 otherwise
local ticket = ARGV[1]
local k = kind(redis.call('HGET', KEYS[1], ticket))
if k == S.WAITING or k == S.AWAY then
  redis.call('ZREM', KEYS[2], ticket)
  redis.call('HSET', KEYS[1], ticket, S.LEFT)
  count_left(left_keys_from(5), tonumber(ticket), 1)
  return 1
end
if k == S.PASSED or k == S.REQUEUED then
  redis.call('ZREM', KEYS[3], ticket)
  redis.call('HSET', KEYS[1], ticket, S.FINISHED)
  return 1
end
if k == S.GRANTED then
  redis.call('ZREM', KEYS[4], ticket)
  redis.call('HSET', KEYS[1], ticket, S.FINISHED)
  return 1
end
return 0
