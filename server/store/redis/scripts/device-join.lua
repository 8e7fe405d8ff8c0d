-- One place per device: answer the place the device already holds in the
-- event, or else issue one ticket for it (as join-batch.lua does) and record
-- it for the device until the ticket expires.
-- KEYS[1] the device's key  KEYS[2] meta  KEYS[3] status  KEYS[4] held  KEYS[5] gaps
-- KEYS[6] reclaimed  KEYS[7] deferred  KEYS[8..] leaver buckets
-- ARGV[1] node number  ARGV[2] now (ms)  ARGV[3] opensAt (ms)  ARGV[4] seed of the draw
-- ARGV[5] secretHash  ARGV[6] the ticket's expiry (ms)
-- Returns: { 1, "ticketNo secretHash issuedAt" } for a new place, { 0, same } for the held one
local held_place = redis.call('GET', KEYS[1])
if held_place then return { 0, held_place } end
local now = tonumber(ARGV[2])
local k = { meta = KEYS[2], status = KEYS[3], held = KEYS[4], gaps = KEYS[5], reclaimed = KEYS[6], deferred = KEYS[7], left = left_keys_from(8) }
local ticket = issue_tickets(k, 1, ARGV[1], now, tonumber(ARGV[3]), tonumber(ARGV[4]))
local place = str(ticket) .. ' ' .. ARGV[5] .. ' ' .. str(now)
redis.call('SET', KEYS[1], place, 'PX', math.max(1, tonumber(ARGV[6]) - now))
return { 1, place }
