-- Claim one kind of turn notice for the tickets that left a contact, once across every gateway.
-- KEYS[1] the event's contacts hash  KEYS[1 + i] the claim key of ARGV[1 + i]'s notice
-- ARGV[1] when the claims expire (ms since the epoch)  ARGV[1 + i] a ticket number
-- Returns: a flat list ticketNo, contact, ... of the claims this call won
local won = {}
for i = 2, #ARGV do
  local contact = redis.call('HGET', KEYS[1], ARGV[i])
  if not contact then
    -- branch: notice-claim/no-contact
  elseif redis.call('SET', KEYS[i], '1', 'NX', 'PXAT', ARGV[1]) then
    -- branch: notice-claim/claimed
    won[#won + 1] = ARGV[i]
    won[#won + 1] = contact
  else
    -- branch: notice-claim/already-claimed
  end
end
return won
