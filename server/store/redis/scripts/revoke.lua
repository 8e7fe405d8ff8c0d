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
-- branch: revoke/bad-argument (any argument missing or malformed: nothing written)
local ticket = arg_string(1, 'ticketNo')
local keep = arg_integer(2, 'how many revocations the recent list keeps', 1)
local k = kind(redis.call('HGET', status_key, ticket))
-- branch: revoke/unknown
if k == nil then return {0} end
-- branch: revoke/already-revoked
if k == S.REVOKED then return {2} end
-- branch: revoke/used
if k == S.USED then return {3} end
-- branch: revoke/finished
if k == S.FINISHED then return {4} end
local net = draw_of(meta_key)
local recent = {}
for n in string.gmatch(redis.call('HGET', meta_key, 'revokedRecent') or '', '%d+') do recent[#recent + 1] = n end
recent[#recent + 1] = ticket
local first = math.max(1, #recent - keep + 1)

-- Every check and read is above this line.
if k == S.WAITING or k == S.AWAY then
  -- branch: revoke/waiter (counted as a leaver until the cursor passes it)
  redis.call('ZREM', away_key, ticket)
  count_leaver(k_, net, tonumber(ticket), 1)
elseif k == S.REQUEUED then
  -- branch: revoke/requeued
  remove_requeued(k_, ticket)
else
  -- branch: revoke/left-or-passed (a leaver is counted already; a passed one is behind the cursor; granted: below)
end
local was_admitted = 0
-- branch: revoke/granted (its active place is freed)
if k == S.GRANTED then was_admitted = 1 end
remove_active(k_, ticket)
redis.call('ZREM', held_key, ticket)
redis.call('HSET', status_key, ticket, S.REVOKED)
redis.call('HSET', meta_key, 'revokedRecent', table.concat(recent, ' ', first, #recent))
redis.call('HINCRBY', meta_key, 'revokedSeq', 1)
return {1, was_admitted}
