-- Issue ARGV[1] consecutive ticket numbers (the joins that arrived together)
-- and mark each one waiting.
-- KEYS[1] seq  KEYS[2] status
-- ARGV[1] count (>= 0)
-- Returns: the first ticket number issued
local count = tonumber(ARGV[1])
local last = redis.call('INCRBY', KEYS[1], count)
local first = last - count + 1

-- unpack() has a stack limit, so the statuses go in chunks.
local CHUNK = 1000
local from = first
while from <= last do
  local to = math.min(last, from + CHUNK - 1)
  local fields = {}
  for ticket = from, to do
    fields[#fields + 1] = str(ticket)
    fields[#fields + 1] = S.WAITING
  end
  redis.call('HSET', KEYS[2], unpack(fields))
  from = to + 1
end
return first
