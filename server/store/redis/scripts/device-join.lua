-- One place per device: answer the place the device already holds in the
-- event, or else issue one ticket for it (as join-batch.lua does) and record
-- it for the device until the ticket expires.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k, then the device's key (k.device)
-- ARGV[1] node number  ARGV[2] now (ms)  ARGV[3] opensAt (ms)
-- ARGV[4..6] the node's proposal for the draw: seed (unsigned 32-bit), nonce, commitment
-- ARGV[7] secretHash  ARGV[8] the ticket's expiry (ms)
-- Returns: { 1, "ticketNo secretHash issuedAt" } for a new place, { 0, same } for the held one
local k = event_keys()
-- branch: device-join/bad-argument (any argument missing or malformed: nothing written)
local now, opens_at, proposal = arg_number(2, 'now'), arg_number(3, 'opensAt'), arg_proposal(4)
arg_number(1, 'node number')
local secret_hash, expires_at = arg_string(7, 'secretHash'), arg_number(8, "the ticket's expiry")
-- PX takes whole milliseconds: the place outlives its ticket by under 1 ms rather than failing after the ticket is issued.
local ttl_ms = math.max(1, math.ceil(expires_at - now))

local held_place = redis.call('GET', k.device)
-- branch: device-join/held
if held_place then return { 0, held_place } end

-- branch: device-join/new
local ticket = issue_tickets(k, 1, ARGV[1], now, opens_at, proposal)
local place = str(ticket) .. ' ' .. secret_hash .. ' ' .. str(now)
redis.call('SET', k.device, place, 'PX', ttl_ms)
return { 1, place }
