-- Bind an identity assertion to the grant that first used it, until the assertion expires.
-- KEYS[1] the assertion's key
-- ARGV[1] the grant id   ARGV[2] how long to remember it (ms, >= 1)
-- Returns: 1 when bound now or already bound to this grant, 0 when another grant used it
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then return 1 end
return 0
