-- Take or renew the controller lease, on the caller's clock (not Redis TTLs,
-- so the lease follows the same injected time as everything else).
-- KEYS[1] lease
-- ARGV[1] holder  ARGV[2] now (ms)  ARGV[3] ttl (ms)
-- Returns: 1 when ARGV[1] now holds the lease until now + ttl,
--   0 when another holder's lease has not run out
local lease = redis.call('HMGET', KEYS[1], 'holder', 'until')
local now = tonumber(ARGV[2])
if lease[1] and lease[1] ~= ARGV[1] and tonumber(lease[2]) > now then return 0 end
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'until', str(now + tonumber(ARGV[3])))
return 1
