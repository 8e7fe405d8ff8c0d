-- Holders disconnected: a waiting ticket turns away (keeping its place for the
-- grace period, see admit.lua); a requeued ticket falls back to passed.
-- KEYS[1] status  KEYS[2] away  KEYS[3] requeued
-- ARGV[1] now (ms)  ARGV[2..] ticket numbers
-- Returns: how many tickets changed state
local changed = 0
for i = 2, #ARGV do
  local ticket = ARGV[i]
  local status = redis.call('HGET', KEYS[1], ticket)
  if status == S.WAITING then
    redis.call('HSET', KEYS[1], ticket, S.AWAY)
    redis.call('ZADD', KEYS[2], ARGV[1], ticket)
    changed = changed + 1
  elseif status == S.REQUEUED then
    redis.call('HSET', KEYS[1], ticket, S.PASSED)
    redis.call('ZREM', KEYS[3], ticket)
    changed = changed + 1
  end
end
return changed
