-- A join with a priority-lane code (docs/decisions/031): check the code, record
-- one use of it and issue the next ticket of its lane, held by the node, in one
-- step. A lane gets its number k at its first join (meta lineCount), and its
-- tickets are k * LANE_SPAN + 1, + 2, ...
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] code (normalised)  ARGV[2] now (ms)  ARGV[3] node number  ARGV[4...] the event's lane ids
-- Returns: {1, ticketNo, laneId} joined; {0} unknown code (or its lane is not
--   configured); {2} expired; {3} every use taken
local k = event_keys()
-- branch: lane-join/bad-argument (any argument missing or malformed: nothing written)
local code, now = arg_string(1, 'code'), arg_number(2, 'now')
local node = arg_number(3, 'node number')

local record = redis.call('HGET', k.laneCodes, code)
-- branch: lane-join/unknown
if not record then return {0} end
local lane_id, uses, expires_at = string.match(record, '^(%S+) (%d+) (%d+)')
local configured = false
for i = 4, #ARGV do
  if ARGV[i] == lane_id then configured = true end
end
-- branch: lane-join/lane-not-configured (the code's lane was taken out of the event)
if not configured then return {0} end
-- branch: lane-join/expired
if tonumber(expires_at) <= now then return {2} end
local used = tonumber(redis.call('HGET', k.laneCodeUses, code)) or 0
-- branch: lane-join/used-up
if used >= tonumber(uses) then return {3} end

-- Every check is above this line.
recover_after_restart(k)
redis.call('HINCRBY', k.laneCodeUses, code, 1)
local line = tonumber(redis.call('HGET', k.lanes, lane_id))
if not line then
  -- branch: lane-join/first-of-lane (the lane takes the next lane number)
  line = redis.call('HINCRBY', k.meta, 'lineCount', 1)
  redis.call('HSET', k.lanes, lane_id, line)
  redis.call('HSET', k.meta, 'L' .. line .. 'c', str(line * LANE_SPAN), 'L' .. line .. 'i', str(line * LANE_SPAN))
end
-- branch: lane-join/joined
local ticket = redis.call('HINCRBY', k.meta, 'L' .. line .. 'i', 1)
redis.call('HSET', k.status, str(ticket), S.WAITING)
redis.call('ZADD', k.held, node, str(ticket))
return {1, ticket, lane_id}
