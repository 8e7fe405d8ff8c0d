-- The holder gave up its place for good: a waiter (connected or away) is
-- counted as a leaver until the cursor passes it; a passed, requeued or
-- granted ticket is finished (a grant frees its active place).
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] ticketNo
-- Returns: 1 when the ticket changed state, 0 otherwise
local k_ = event_keys()
local status_key, away_key, held_key, meta_key = k_.status, k_.away, k_.held, k_.meta
local ticket = ARGV[1]
local k = kind(redis.call('HGET', status_key, ticket))
local net = draw_of(meta_key)
-- branch: leave/unchanged (unknown, left, finished, used or revoked)
if k ~= S.WAITING and k ~= S.AWAY and k ~= S.PASSED and k ~= S.REQUEUED and k ~= S.GRANTED then return 0 end

-- Every check is above this line.
redis.call('ZREM', held_key, ticket)
if k == S.WAITING or k == S.AWAY then
  -- branch: leave/waiter-left
  redis.call('ZREM', away_key, ticket)
  redis.call('HSET', status_key, ticket, S.LEFT)
  count_leaver(k_, net, tonumber(ticket), 1)
  return 1
end
if k == S.PASSED or k == S.REQUEUED then
  -- branch: leave/passed-finished (passed or requeued)
  remove_requeued(k_, ticket)
  redis.call('HSET', status_key, ticket, S.FINISHED)
  return 1
end
-- branch: leave/granted-finished (its active place is freed)
remove_active(k_, ticket)
redis.call('HSET', status_key, ticket, S.FINISHED)
return 1
