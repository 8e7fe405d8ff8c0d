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
-- branch: commit-booking/bad-argument (any argument missing or malformed: nothing written)
local grant_id, ticket, person = arg_string(1, 'grantId'), arg_string(2, 'ticketNo'), arg_string(3, 'personKey')
local slot, capacity, reference = arg_string(4, 'slot key'), arg_number(5, 'slot capacity'), arg_string(6, 'reference')
local fingerprint, record = arg_string(7, 'request fingerprint'), arg_string(8, 'booking record')
arg_integer(2, 'ticketNo', 1)

local used = redis.call('HGET', used_key, grant_id)
if used then
  local stored_reference, stored_fingerprint = unpack(cjson.decode(used))
  if stored_fingerprint == fingerprint then
    -- branch: commit-booking/repeated (the used record written again, unchanged: a WAIT after this call
    -- then covers the original commit too, whichever connection made it; docs/decisions/027)
    redis.call('HSET', used_key, grant_id, used)
    return {1, redis.call('HGET', bookings_key, stored_reference)}
  end
  -- branch: commit-booking/grant-used
  return {2}
end
local k = kind(redis.call('HGET', status_key, ticket))
-- branch: commit-booking/grant-revoked (left, finished, used by another grant, or revoked)
if k == S.LEFT or k == S.FINISHED or k == S.USED or k == S.REVOKED then return {3} end
-- branch: commit-booking/already-booked
if redis.call('HEXISTS', people_key, person) == 1 then return {4} end
local taken = tonumber(redis.call('HGET', slots_key, slot)) or 0
-- branch: commit-booking/slot-full
if taken >= capacity then return {5} end

-- Every check is above this line: from here on the script only writes.
if k == nil then
  -- branch: commit-booking/booked-lost (admission lost in a restart: a lost number is
  -- counted as a leaver until the cursor passes it)
  reclaim_lost(k_, ticket)
end
redis.call('HINCRBY', slots_key, slot, 1)
redis.call('HSET', used_key, grant_id, cjson.encode({reference, fingerprint}))
redis.call('HSET', people_key, person, reference)
redis.call('HSET', bookings_key, reference, record)
if k == S.GRANTED then
  -- branch: commit-booking/booked-granted
  remove_active(k_, ticket)
elseif k == S.AWAY then
  -- branch: commit-booking/booked-away (admission lost in a restart)
  redis.call('ZREM', away_key, ticket)
elseif k == S.REQUEUED then
  -- branch: commit-booking/booked-requeued (admission lost in a restart)
  remove_requeued(k_, ticket)
else
  -- branch: commit-booking/booked-waiting (waiting or passed: admission lost in a restart; or the lost number above)
end
redis.call('ZREM', held_key, ticket)
redis.call('HSET', status_key, ticket, S.USED)
return {0}
