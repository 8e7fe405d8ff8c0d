-- Give up the controller lease if ARGV[1] holds it.
-- KEYS[1] lease
-- ARGV[1] holder
-- Returns: 1 when released, 0 when someone else (or nobody) held it
-- branch: release-lease/not-holder
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
-- branch: release-lease/released
redis.call('DEL', KEYS[1])
return 1
