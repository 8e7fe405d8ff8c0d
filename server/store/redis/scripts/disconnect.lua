-- Holders disconnected from node ARGV[2]: a waiting ticket turns away (keeping
-- its place for the grace period, see admit.lua); a requeued ticket falls back
-- to passed. A ticket another node holds by now (its holder came back there
-- first) is left alone.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] now (ms)  ARGV[2] node number  ARGV[3..] ticket numbers
-- Returns: how many tickets changed state
local k = event_keys()
local held_key = k.held
-- branch: disconnect/bad-argument (any argument missing or malformed: nothing written)
local node = arg_number(2, 'node number')
arg_number(1, 'now')
local tickets = {}
for i = 3, #ARGV do tickets[#tickets + 1] = arg_string(i, 'ticket number') end
if #tickets == 0 then return 0 end

-- Which of them this node still holds, read before the first write.
local holders = redis.call('ZMSCORE', held_key, unpack(tickets))
local changed = 0
for i, ticket in ipairs(tickets) do
  if tonumber(holders[i]) == node then
    -- branch: disconnect/let-go
    redis.call('ZREM', held_key, ticket)
    changed = changed + let_go(k, ticket, ARGV[1])
  else
    -- branch: disconnect/held-elsewhere (another node holds it by now, or nobody)
  end
end
return changed
