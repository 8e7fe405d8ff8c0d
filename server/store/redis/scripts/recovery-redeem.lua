-- Use a recovery code once, within the event's budget of misses per minute.
-- KEYS[1] hash id → "expiresAt ticketNo ticket box", or "used"  KEYS[2] hash ticketNo → id  KEYS[3] this minute's miss counter
-- ARGV[1] id  ARGV[2] now (ms)  ARGV[3] misses allowed per minute  ARGV[4] when the minute ends (ms)
-- Returns: {1, ticket, box} found, and marked used; {0} unknown (a miss counted); {2, retryAt} over the budget
local id = arg_string(1, 'id')
local now = arg_integer(2, 'now', 0)
local limit = arg_integer(3, 'missesPerMinute', 0)
local window_ends = arg_integer(4, 'windowEndsAt', 0)
local misses = tonumber(redis.call('GET', KEYS[3]) or '0')
if misses >= limit then
  -- branch: recovery-redeem/limited
  return { 2, window_ends }
end
local entry = redis.call('HGET', KEYS[1], id)
local expires_at, ticket_no, ticket, box
if entry then expires_at, ticket_no, ticket, box = string.match(entry, '^(%d+) (%d+) (%S+) (%S+)$') end
if not expires_at or tonumber(expires_at) <= now then
  -- branch: recovery-redeem/unknown (none, used, or past its ticket's expiry)
  if expires_at then redis.call('HDEL', KEYS[1], id) end
  redis.call('INCR', KEYS[3])
  redis.call('PEXPIREAT', KEYS[3], window_ends)
  return { 0 }
end
-- branch: recovery-redeem/found
redis.call('HSET', KEYS[1], id, 'used')
if redis.call('HGET', KEYS[2], ticket_no) == id then redis.call('HDEL', KEYS[2], ticket_no) end
return { 1, ticket, box }
