-- A ticket's holder connected again, at node ARGV[3]: an away or left waiter
-- waits again (a leaver is un-counted), a passed ticket is requeued; other
-- states are reported. A number Redis lost in a restart (no status, yet
-- issued: the holder's ticket is signed, so it was) takes its place back.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] ticketNo  ARGV[2] now (ms)  ARGV[3] node number
-- Returns: {0} unknown  {1} waiting  {2} requeued  {3, grantExpiresAt (string)} admitted
--   {4} grant expired  {5} used  {6} left  {7} revoked
local keys = event_keys()
local status_key, away_key, held_key, meta_key = keys.status, keys.away, keys.held, keys.meta
-- branch: reconnect/bad-argument (any argument missing or malformed: nothing written)
local ticket, node = ARGV[1], ARGV[3]
arg_integer(1, 'ticketNo', 1)
local now = arg_number(2, 'now')
arg_number(3, 'node number')

local function wait_again()
  redis.call('HSET', status_key, ticket, S.WAITING)
  redis.call('ZADD', held_key, node, ticket)
  return {1}
end

local function requeue()
  redis.call('HSET', status_key, ticket, S.REQUEUED)
  add_requeued(keys, ticket, place_of(draw_of(meta_key), tonumber(ticket)))
  redis.call('ZADD', held_key, node, ticket)
  return {2}
end

local status = redis.call('HGET', status_key, ticket)
local k = kind(status)
if k == nil then
  -- branch: reconnect/unknown (no status and never issued)
  if not lost_number(keys, ticket) then return {0} end
  -- Lost in a restart: waiting again, or requeued if the cursor has passed it
  -- (reclaim_lost does not move the cursor, nor does the restart check).
  local behind = place_of(draw_of(meta_key), tonumber(ticket)) <= (tonumber(redis.call('HGET', meta_key, 'cursor')) or 0)
  reclaim_lost(keys, ticket)
  -- branch: reconnect/lost-requeued (the cursor passed it)
  if behind then return requeue() end
  -- branch: reconnect/lost-waiting
  return wait_again()
end
-- branch: reconnect/waiting
if k == S.WAITING then return wait_again() end
if k == S.AWAY then
  -- branch: reconnect/away
  redis.call('ZREM', away_key, ticket)
  return wait_again()
end
if k == S.LEFT then
  -- branch: reconnect/left (un-counted as a leaver)
  count_leaver(keys, draw_of(meta_key), tonumber(ticket), -1)
  return wait_again()
end
-- branch: reconnect/passed-or-requeued
if k == S.PASSED or k == S.REQUEUED then return requeue() end
if k == S.GRANTED then
  local expires_at = string.sub(status, 2)
  -- branch: reconnect/admitted
  if tonumber(expires_at) > now then return {3, expires_at} end
  -- branch: reconnect/grant-expired
  return {4}
end
-- branch: reconnect/used
if k == S.USED then return {5} end
-- branch: reconnect/revoked
if k == S.REVOKED then return {7} end
-- branch: reconnect/finished
return {6}
