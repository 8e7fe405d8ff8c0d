-- Count one operator sign-in attempt, or refuse it while a counter is locked.
-- KEYS[1] the account's counter  KEYS[2] the address's counter (hashes: failures, lockedUntil)
-- ARGV[1] now (ms, the caller's clock)
-- ARGV[2..5] the account's policy: freeFailures, firstLockoutMs, maxLockoutMs, forgetAfterMs
-- ARGV[6..9] the address's policy, likewise
-- Returns: {0, retryAt, i} refused: KEYS[i] is locked until retryAt, nothing counted
--          {1, accountFailures, accountLockedUntil, addressFailures, addressLockedUntil} counted
--          (a failure past freeFailures locks for firstLockoutMs doubled per further failure,
--          at most maxLockoutMs: ../../sign-in-lockout.ts computes the same)
local now = tonumber(ARGV[1])
for i = 1, 2 do
  local locked_until = tonumber(redis.call('HGET', KEYS[i], 'lockedUntil') or '0')
  if locked_until > now then return {0, locked_until, i} end
end
local reply = {1}
for i = 1, 2 do
  local free = tonumber(ARGV[4 * i - 2])
  local first = tonumber(ARGV[4 * i - 1])
  local longest = tonumber(ARGV[4 * i])
  local forget = tonumber(ARGV[4 * i + 1])
  local failures = redis.call('HINCRBY', KEYS[i], 'failures', 1)
  local lockout = 0
  if failures > free then lockout = math.min(longest, first * 2 ^ (failures - free - 1)) end
  if lockout > 0 then redis.call('HSET', KEYS[i], 'lockedUntil', str(now + lockout)) end
  redis.call('PEXPIRE', KEYS[i], str(math.max(forget, lockout)))
  reply[2 * i] = failures
  reply[2 * i + 1] = tonumber(redis.call('HGET', KEYS[i], 'lockedUntil') or '0')
end
return reply
