-- Holders disconnected from node ARGV[2]: a waiting ticket turns away (keeping
-- its place for the grace period, see admit.lua); a requeued ticket falls back
-- to passed. A ticket another node holds by now (its holder came back there
-- first) is left alone.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] now (ms)  ARGV[2] node number  ARGV[3..] ticket numbers
-- Returns: how many tickets changed state
local k = event_keys()
local held_key = k.held
local node = tonumber(ARGV[2])
local changed = 0
for i = 3, #ARGV do
  local ticket = ARGV[i]
  if tonumber(redis.call('ZSCORE', held_key, ticket)) == node then
    redis.call('ZREM', held_key, ticket)
    changed = changed + let_go(k, ticket, ARGV[1])
  end
end
return changed
