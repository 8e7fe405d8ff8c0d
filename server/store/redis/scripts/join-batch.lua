-- Issue ARGV[1] consecutive ticket numbers (the joins that arrived together at
-- node ARGV[2]), mark each one waiting and held by that node. At or after the
-- opening, the pre-queue is drawn first, so these numbers queue behind it.
-- KEYS[1] meta  KEYS[2] status  KEYS[3] held  KEYS[4] gaps  KEYS[5] reclaimed  KEYS[6] deferred
-- KEYS[7..] leaver buckets
-- ARGV[1] count (>= 0)  ARGV[2] node number  ARGV[3] now (ms)  ARGV[4] opensAt (ms)
-- ARGV[5] seed of the draw, should this call make it (unsigned 32-bit)
-- Returns: the first ticket number issued
local meta_key, status_key, held_key = KEYS[1], KEYS[2], KEYS[3]
recover_after_restart(meta_key, KEYS[4], KEYS[6], left_keys_from(7))
draw_if_due(meta_key, KEYS[4], KEYS[5], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
local count = tonumber(ARGV[1])
local last = redis.call('HINCRBY', meta_key, 'issued', count)
local first = last - count + 1

-- unpack() has a stack limit, so the statuses go in chunks.
local CHUNK = 1000
local from = first
while from <= last do
  local to = math.min(last, from + CHUNK - 1)
  local statuses, holders = {}, {}
  for ticket = from, to do
    statuses[#statuses + 1] = str(ticket)
    statuses[#statuses + 1] = S.WAITING
    holders[#holders + 1] = ARGV[2]
    holders[#holders + 1] = str(ticket)
  end
  redis.call('HSET', status_key, unpack(statuses))
  redis.call('ZADD', held_key, unpack(holders))
  from = to + 1
end
return first
