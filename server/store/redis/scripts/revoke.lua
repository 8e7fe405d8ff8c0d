-- An operator revokes a ticket, the same as MemoryQueueStore.revoke: a waiting
-- ticket (connected, away, left, passed or requeued) or an admitted one stops
-- for good. One still ahead of the cursor is counted as a leaver (a left one
-- already is) until the cursor passes it (admit.lua); a grant frees its active
-- place. The ticket joins the event's list of recent revocations, which every
-- node reads with its figures to close the ticket's holder.
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] ticketNo  ARGV[2] how many revocations the recent list keeps
-- Returns: {0} unknown  {1, wasAdmitted (0|1)} revoked  {2} already revoked  {3} used  {4} finished
local k_ = event_keys()
local status_key, away_key, held_key, meta_key = k_.status, k_.away, k_.held, k_.meta
local ticket = ARGV[1]
local k = kind(redis.call('HGET', status_key, ticket))
if k == nil then return {0} end
if k == S.REVOKED then return {2} end
if k == S.USED then return {3} end
if k == S.FINISHED then return {4} end

if k == S.WAITING or k == S.AWAY then
  redis.call('ZREM', away_key, ticket)
  count_leaver(k_, draw_of(meta_key), tonumber(ticket), 1)
elseif k == S.REQUEUED then
  remove_requeued(k_, ticket)
end
local was_admitted = 0
if k == S.GRANTED then was_admitted = 1 end
remove_active(k_, ticket)
redis.call('ZREM', held_key, ticket)
redis.call('HSET', status_key, ticket, S.REVOKED)

local recent = {}
for n in string.gmatch(redis.call('HGET', meta_key, 'revokedRecent') or '', '%d+') do recent[#recent + 1] = n end
recent[#recent + 1] = ticket
local first = math.max(1, #recent - tonumber(ARGV[2]) + 1)
redis.call('HSET', meta_key, 'revokedRecent', table.concat(recent, ' ', first, #recent))
redis.call('HINCRBY', meta_key, 'revokedSeq', 1)
return {1, was_admitted}
