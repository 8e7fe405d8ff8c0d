-- The holder gave up its place for good: a waiter (connected or away) is
-- counted as a leaver until the cursor passes it; a passed, requeued or
-- granted ticket is finished (a grant frees its active place).
-- KEYS[1] status  KEYS[2] away  KEYS[3] requeued  KEYS[4] active  KEYS[5] held  KEYS[6] meta
-- KEYS[7] deferred  KEYS[8..] leaver buckets
-- ARGV[1] ticketNo
-- Returns: 1 when the ticket changed state, 0 otherwise
local status_key, away_key, requeued_key, active_key, held_key, meta_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local ticket = ARGV[1]
local k = kind(redis.call('HGET', status_key, ticket))
redis.call('ZREM', held_key, ticket)
if k == S.WAITING or k == S.AWAY then
  redis.call('ZREM', away_key, ticket)
  redis.call('HSET', status_key, ticket, S.LEFT)
  count_leaver(draw_of(meta_key), KEYS[7], left_keys_from(8), tonumber(ticket), 1)
  return 1
end
if k == S.PASSED or k == S.REQUEUED then
  remove_requeued(requeued_key, meta_key, ticket)
  redis.call('HSET', status_key, ticket, S.FINISHED)
  return 1
end
if k == S.GRANTED then
  remove_active(active_key, meta_key, ticket)
  redis.call('HSET', status_key, ticket, S.FINISHED)
  return 1
end
return 0
