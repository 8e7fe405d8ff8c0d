-- Holders disconnected from node ARGV[2]: a waiting ticket turns away (keeping
-- its place for the grace period, see admit.lua); a requeued ticket falls back
-- to passed. A ticket another node holds by now (its holder came back there
-- first) is left alone.
-- KEYS[1] status  KEYS[2] away  KEYS[3] requeued  KEYS[4] held  KEYS[5] meta
-- ARGV[1] now (ms)  ARGV[2] node number  ARGV[3..] ticket numbers
-- Returns: how many tickets changed state
local status_key, away_key, requeued_key, held_key, meta_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local node = tonumber(ARGV[2])
local changed = 0
for i = 3, #ARGV do
  local ticket = ARGV[i]
  if tonumber(redis.call('ZSCORE', held_key, ticket)) == node then
    redis.call('ZREM', held_key, ticket)
    changed = changed + let_go(status_key, away_key, requeued_key, meta_key, ticket, ARGV[1])
  end
end
return changed
