-- Consume a grant and commit its booking in one step, or change nothing.
-- The grant's signature was checked before this call, so its ticket was
-- admitted: a ticket still granted is the normal case; one that is waiting,
-- away, requeued, passed or unknown had its admission lost in a Redis restart
-- (docs/decisions/004) and books all the same. One that left, finished or was
-- revoked does not.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] grantId  ARGV[2] ticketNo  ARGV[3] personKey  ARGV[4] slot key  ARGV[5] slot capacity
-- ARGV[6] reference  ARGV[7] request fingerprint  ARGV[8] booking record (JSON)
-- Returns: {0} booked  {1, stored record JSON} repeated (same grant and fingerprint)
--   {2} grant used  {3} grant revoked (its holder left, or an operator revoked it)  {4} person already booked
--   {5} slot full
local k_ = event_keys()
local used_key, status_key, people_key, slots_key, bookings_key = k_.usedGrants, k_.status, k_.people, k_.slotsTaken, k_.bookings
local away_key, held_key = k_.away, k_.held
local ticket = ARGV[2]
local used = redis.call('HGET', used_key, ARGV[1])
if used then
  local reference, fingerprint = unpack(cjson.decode(used))
  if fingerprint == ARGV[7] then return {1, redis.call('HGET', bookings_key, reference)} end
  return {2}
end
local k = kind(redis.call('HGET', status_key, ticket))
if k == S.LEFT or k == S.FINISHED or k == S.USED or k == S.REVOKED then return {3} end
if redis.call('HEXISTS', people_key, ARGV[3]) == 1 then return {4} end
local taken = tonumber(redis.call('HGET', slots_key, ARGV[4])) or 0
if taken >= tonumber(ARGV[5]) then return {5} end

-- Every check is above this line: from here on the script only writes.
if k == nil then
  -- A number lost in a restart is counted as a leaver until the cursor passes it.
  reclaim_lost(k_, ticket)
end
redis.call('HINCRBY', slots_key, ARGV[4], 1)
redis.call('HSET', used_key, ARGV[1], cjson.encode({ARGV[6], ARGV[7]}))
redis.call('HSET', people_key, ARGV[3], ARGV[6])
redis.call('HSET', bookings_key, ARGV[6], ARGV[8])
if k == S.GRANTED then
  remove_active(k_, ticket)
elseif k == S.AWAY then
  redis.call('ZREM', away_key, ticket)
elseif k == S.REQUEUED then
  remove_requeued(k_, ticket)
end
redis.call('ZREM', held_key, ticket)
redis.call('HSET', status_key, ticket, S.USED)
return {0}
