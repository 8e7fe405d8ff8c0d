-- One admission step of the controller, the same as MemoryQueueStore.admit:
--  1. away tickets past the grace period count as left (at most PROMOTE_LIMIT per call);
--  2. expired grants leave the active set; the published rate is stored;
--  3. token bucket at admitsPerMinute, burst max(1, admitsPerMinute / 60), nothing banked
--     while paused; the budget is also bounded by maxActive minus the active count;
--  4. requeued tickets first, lowest number first; then, unless paused, the cursor walks at
--     most maxSteps tickets: waiting -> granted (stopping there once the budget is spent),
--     away -> passed, left -> finished (and un-counted).
-- KEYS[1] status  KEYS[2] away  KEYS[3] requeued  KEYS[4] active  KEYS[5] meta  KEYS[6] seq
-- KEYS[7..] leaver buckets, one per BUCKET_WIDTHS level
-- ARGV[1] now (ms)  ARGV[2] maxActive  ARGV[3] admitsPerMinute  ARGV[4] graceMs
-- ARGV[5] grantTtlMs  ARGV[6] maxSteps  ARGV[7] ratePerMinute (stored as given)
-- Returns: {cursor, active, skipped, backlogged (0|1), grantExpiresAt (string), ticketNo...}
--   where the ticket numbers are those admitted, in order, all expiring at grantExpiresAt
local status_key, away_key, requeued_key, active_key, meta_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local left_keys = left_keys_from(7)
local now, max_active, per_minute = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local grace_ms, grant_ttl_ms, max_steps = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])

-- Bounds one call's work; the rest are promoted by the next calls.
local PROMOTE_LIMIT = 10000
local due = redis.call('ZRANGEBYSCORE', away_key, '-inf', str(now - grace_ms), 'LIMIT', 0, PROMOTE_LIMIT)
for _, ticket in ipairs(due) do
  redis.call('ZREM', away_key, ticket)
  redis.call('HSET', status_key, ticket, S.LEFT)
  count_left(left_keys, tonumber(ticket), 1)
end
redis.call('ZREMRANGEBYSCORE', active_key, '-inf', str(now))

local meta = redis.call('HMGET', meta_key, 'cursor', 'tokens', 'tokensAt', 'paused')
local cursor = tonumber(meta[1]) or 0
local tokens = tonumber(meta[2]) or 0
local tokens_at = tonumber(meta[3]) or 0
local issued = tonumber(redis.call('GET', KEYS[6])) or 0

local burst = math.max(1, per_minute / 60)
if meta[4] == '1' then
  tokens = 0
else
  tokens = math.min(burst, tokens + (math.max(0, now - tokens_at) * per_minute) / 60000)
end
local budget = math.max(0, math.min(math.floor(tokens), max_active - redis.call('ZCARD', active_key)))

local expires_at = str(now + grant_ttl_ms)
local admitted = {}
local function grant(ticket)
  redis.call('HSET', status_key, ticket, S.GRANTED .. expires_at)
  redis.call('ZADD', active_key, expires_at, ticket)
  admitted[#admitted + 1] = tonumber(ticket)
  budget = budget - 1
end

if budget > 0 then
  for _, ticket in ipairs(redis.call('ZRANGE', requeued_key, 0, budget - 1)) do
    redis.call('ZREM', requeued_key, ticket)
    grant(ticket)
  end
end

-- While paused the cursor stands still: nobody's turn passes while nobody is admitted.
local skipped, steps = 0, 0
if meta[4] == '1' then steps = max_steps end
while steps < max_steps and cursor < issued do
  local ticket = str(cursor + 1)
  local status = redis.call('HGET', status_key, ticket)
  if status == S.WAITING then
    if budget == 0 then break end
    grant(ticket)
  elseif status == S.AWAY then
    redis.call('ZREM', away_key, ticket)
    redis.call('HSET', status_key, ticket, S.PASSED)
    skipped = skipped + 1
  elseif status == S.LEFT then
    count_left(left_keys, cursor + 1, -1)
    redis.call('HSET', status_key, ticket, S.FINISHED)
    skipped = skipped + 1
  end
  cursor = cursor + 1
  steps = steps + 1
end

tokens = tokens - #admitted
redis.call('HSET', meta_key, 'cursor', str(cursor), 'tokens', str(tokens), 'tokensAt', str(now), 'ratePerMinute', ARGV[7])
redis.call('HINCRBY', meta_key, 'admittedTotal', #admitted)
local backlogged = 0
if cursor < issued or redis.call('ZCARD', requeued_key) > 0 then backlogged = 1 end

local reply = {cursor, redis.call('ZCARD', active_key), skipped, backlogged, expires_at}
for _, ticket in ipairs(admitted) do reply[#reply + 1] = ticket end
return reply
