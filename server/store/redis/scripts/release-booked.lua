-- The queue side of a booking committed outside Redis (PostgreSQL bookings,
-- docs/decisions/017): the ticket is marked used and gives up whatever it
-- holds (its active place, away or requeued entry, its holder), as
-- commit-booking.lua does after its booking writes. Idempotent: a ticket
-- already used (a second application) or one that left, finished or was
-- revoked since changes nothing, so an active place is never freed twice.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] ticketNo
-- Returns: 1 released now  0 nothing to release
local k_ = event_keys()
-- branch: release-booked/bad-argument (ticketNo missing or malformed: nothing written)
local ticket = arg_string(1, 'ticketNo')
arg_integer(1, 'ticketNo', 1)

local k = kind(redis.call('HGET', k_.status, ticket))
-- branch: release-booked/done (used already, or left, finished or revoked: nothing to release)
if k == S.LEFT or k == S.FINISHED or k == S.USED or k == S.REVOKED then return 0 end

-- Every check is above this line: from here on the script only writes.
if k == nil then
  -- branch: release-booked/lost (admission lost in a restart: no longer counted as a leaver)
  reclaim_lost(k_, ticket)
end
-- branch: release-booked/released (each removal below is a no-op where the ticket is not)
remove_active(k_, ticket)
redis.call('ZREM', k_.away, ticket)
remove_requeued(k_, ticket)
redis.call('ZREM', k_.held, ticket)
redis.call('HSET', k_.status, ticket, S.USED)
return 1
