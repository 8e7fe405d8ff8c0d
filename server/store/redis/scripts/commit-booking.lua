-- Consume a grant and commit its booking in one step, or change nothing.
-- KEYS[1] used grants  KEYS[2] status  KEYS[3] people  KEYS[4] slots taken  KEYS[5] bookings
-- KEYS[6] active
-- ARGV[1] grantId  ARGV[2] ticketNo  ARGV[3] personKey  ARGV[4] slot key  ARGV[5] slot capacity
-- ARGV[6] reference  ARGV[7] request fingerprint  ARGV[8] booking record (JSON)
-- Returns: {0} booked  {1, stored record JSON} repeated (same grant and fingerprint)
--   {2} grant used  {3} grant revoked (ticket not granted)  {4} person already booked
--   {5} slot full
local used = redis.call('HGET', KEYS[1], ARGV[1])
if used then
  local reference, fingerprint = unpack(cjson.decode(used))
  if fingerprint == ARGV[7] then return {1, redis.call('HGET', KEYS[5], reference)} end
  return {2}
end
if kind(redis.call('HGET', KEYS[2], ARGV[2])) ~= S.GRANTED then return {3} end
if redis.call('HEXISTS', KEYS[3], ARGV[3]) == 1 then return {4} end
local taken = tonumber(redis.call('HGET', KEYS[4], ARGV[4])) or 0
if taken >= tonumber(ARGV[5]) then return {5} end

redis.call('HINCRBY', KEYS[4], ARGV[4], 1)
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({ARGV[6], ARGV[7]}))
redis.call('HSET', KEYS[3], ARGV[3], ARGV[6])
redis.call('HSET', KEYS[5], ARGV[6], ARGV[8])
redis.call('ZREM', KEYS[6], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], S.USED)
return {0}
