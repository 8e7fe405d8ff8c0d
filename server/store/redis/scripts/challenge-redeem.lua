-- Redeem a proof-of-work challenge once: remember its id until it expires.
-- KEYS[1] the challenge's key
-- ARGV[1] how long to remember it (ms, >= 1)
-- Returns: 1 when redeemed now, 0 when it already was
-- One command, so a bad ARGV[1] fails it before anything is written.
-- branch: challenge-redeem/redeemed
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 1 end
-- branch: challenge-redeem/already-redeemed
return 0
