-- A right password: forget the account's failures, take the attempt back from the address's.
-- KEYS[1] the account's counter  KEYS[2] the address's counter
-- The address keeps its lockout, if any, and its expiry.
-- Returns: 1
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 and redis.call('HINCRBY', KEYS[2], 'failures', -1) <= 0 then
  redis.call('DEL', KEYS[2])
end
return 1
