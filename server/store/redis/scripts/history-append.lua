-- Keep one console history sample of an event, unless one at or after its time is already kept.
-- KEYS[1] the event's history (sorted set, score = sample time)
-- ARGV[1] the sample's time (ms)  ARGV[2] the sample (JSON)  ARGV[3] how long samples are kept (ms)
-- Drops samples older than ARGV[1] - ARGV[3]; the key expires ARGV[3] after the last sample kept.
-- Returns: 1 kept, 0 a sample at or after ARGV[1] is already there (another gateway took it)
-- branch: history-append/bad-argument (a time, sample or keep missing: nothing written)
local t = arg_integer(1, 't', 0)
local sample = arg_string(2, 'sample')
local keep = arg_integer(3, 'keepMs', 1)
if #redis.call('ZRANGEBYSCORE', KEYS[1], t, '+inf', 'LIMIT', 0, 1) > 0 then
  -- branch: history-append/taken
  return 0
end
-- branch: history-append/kept
redis.call('ZADD', KEYS[1], t, sample)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%.0f', t - keep + 1))
redis.call('PEXPIRE', KEYS[1], keep)
return 1
