-- A ticket's holder connected again: an away or left waiter waits again (a
-- leaver is un-counted), a passed ticket is requeued; other states are reported.
-- KEYS[1] status  KEYS[2] away  KEYS[3] requeued  KEYS[4..6] leaver buckets
-- ARGV[1] ticketNo  ARGV[2] now (ms)
-- Returns: {0} unknown  {1} waiting  {2} requeued  {3, grantExpiresAt (string)} admitted
--   {4} grant expired  {5} used  {6} left
local ticket = ARGV[1]
local status = redis.call('HGET', KEYS[1], ticket)
local k = kind(status)
if k == nil then return {0} end
if k == S.WAITING then return {1} end
if k == S.AWAY then
  redis.call('ZREM', KEYS[2], ticket)
  redis.call('HSET', KEYS[1], ticket, S.WAITING)
  return {1}
end
if k == S.LEFT then
  count_left(left_keys_from(4), tonumber(ticket), -1)
  redis.call('HSET', KEYS[1], ticket, S.WAITING)
  return {1}
end
if k == S.PASSED or k == S.REQUEUED then
  redis.call('HSET', KEYS[1], ticket, S.REQUEUED)
  redis.call('ZADD', KEYS[3], ticket, ticket)
  return {2}
end
if k == S.GRANTED then
  local expires_at = string.sub(status, 2)
  if tonumber(expires_at) > tonumber(ARGV[2]) then return {3, expires_at} end
  return {4}
end
if k == S.USED then return {5} end
return {6}
