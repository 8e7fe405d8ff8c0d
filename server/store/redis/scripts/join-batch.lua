-- Issue ARGV[1] consecutive ticket numbers (the joins that arrived together at
-- node ARGV[2]), mark each one waiting and held by that node. At or after the
-- opening, the pre-queue is drawn first, so these numbers queue behind it.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] count (>= 0)  ARGV[2] node number  ARGV[3] now (ms)  ARGV[4] opensAt (ms)
-- ARGV[5..7] the node's proposal for the draw, should this call commit to it: seed (unsigned 32-bit), nonce, commitment
-- Returns: the first ticket number issued
local k = event_keys()
-- branch: join-batch/bad-argument (any argument missing or malformed: nothing written)
local count, now = arg_integer(1, 'count', 0), arg_number(3, 'now')
arg_number(2, 'node number')
local opens_at, proposal = arg_number(4, 'opensAt'), arg_proposal(5)
-- branch: join-batch/issued
return issue_tickets(k, count, ARGV[2], now, opens_at, proposal)
