-- One place per device: answer the place the device already holds in the
-- event, or else issue one ticket for it (as join-batch.lua does) and record
-- it for the device until the ticket expires.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k, then the device's key (k.device)
-- ARGV[1] node number  ARGV[2] now (ms)  ARGV[3] opensAt (ms)  ARGV[4] seed of the draw
-- ARGV[5] secretHash  ARGV[6] the ticket's expiry (ms)
-- Returns: { 1, "ticketNo secretHash issuedAt" } for a new place, { 0, same } for the held one
local k = event_keys()
local held_place = redis.call('GET', k.device)
if held_place then return { 0, held_place } end
local now = tonumber(ARGV[2])
local ticket = issue_tickets(k, 1, ARGV[1], now, tonumber(ARGV[3]), tonumber(ARGV[4]))
local place = str(ticket) .. ' ' .. ARGV[5] .. ' ' .. str(now)
redis.call('SET', k.device, place, 'PX', math.max(1, tonumber(ARGV[6]) - now))
return { 1, place }
