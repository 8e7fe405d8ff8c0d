-- Make ARGV[1] the ticket's one live recovery code (an earlier code of the ticket is forgotten).
-- KEYS[1] hash id → "expiresAt ticketNo ticket box", or "used"  KEYS[2] hash ticketNo → id
-- ARGV[1] id  ARGV[2] ticket number  ARGV[3] ticket token  ARGV[4] sealed secret  ARGV[5] expiresAt (ms)  ARGV[6] now (ms)
-- Returns: 1 stored; 0 when the id was redeemed already (nothing written)
-- Both hashes live until the last entry written expires; redeem drops entries past their own expiry.
local id = arg_string(1, 'id')
arg_integer(2, 'ticketNo', 1)
local ticket_no = ARGV[2]
local ticket = arg_string(3, 'ticket')
local box = arg_string(4, 'box')
local expires_at = arg_integer(5, 'expiresAt', 0)
local now = arg_integer(6, 'now', 0)
if redis.call('HGET', KEYS[1], id) == 'used' then
  -- branch: recovery-set/used
  return 0
end
local earlier = redis.call('HGET', KEYS[2], ticket_no)
if earlier and earlier ~= id then
  -- branch: recovery-set/replaces
  redis.call('HDEL', KEYS[1], earlier)
end
-- branch: recovery-set/stored
redis.call('HSET', KEYS[1], id, ARGV[5] .. ' ' .. ticket_no .. ' ' .. ticket .. ' ' .. box)
redis.call('HSET', KEYS[2], ticket_no, id)
for _, key in ipairs({ KEYS[1], KEYS[2] }) do
  local ttl = redis.call('PTTL', key)
  if ttl < 0 or now + ttl < expires_at then redis.call('PEXPIREAT', key, expires_at) end
end
return 1
