-- Forget the device's place if it is still ticket ARGV[1] (a newer place is kept).
-- KEYS[1] the device's key
-- ARGV[1] ticket number
-- Returns: 1 when forgotten, 0 otherwise
local place = redis.call('GET', KEYS[1])
if place and string.match(place, '^(%d+) ') == ARGV[1] then
  -- branch: device-release/forgotten
  redis.call('DEL', KEYS[1])
  return 1
end
-- branch: device-release/kept (no place, or a newer one)
return 0
