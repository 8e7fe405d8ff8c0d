-- Issue ARGV[1] consecutive ticket numbers (the joins that arrived together at
-- node ARGV[2]), mark each one waiting and held by that node. At or after the
-- opening, the pre-queue is drawn first, so these numbers queue behind it.
-- KEYS[1] meta  KEYS[2] status  KEYS[3] held  KEYS[4] gaps  KEYS[5] reclaimed  KEYS[6] deferred
-- KEYS[7..] leaver buckets
-- ARGV[1] count (>= 0)  ARGV[2] node number  ARGV[3] now (ms)  ARGV[4] opensAt (ms)
-- ARGV[5] seed of the draw, should this call make it (unsigned 32-bit)
-- Returns: the first ticket number issued
local k = { meta = KEYS[1], status = KEYS[2], held = KEYS[3], gaps = KEYS[4], reclaimed = KEYS[5], deferred = KEYS[6], left = left_keys_from(7) }
return issue_tickets(k, tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
