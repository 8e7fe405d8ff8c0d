-- One step of an event's controller, the same as MemoryQueueStore.admit:
--  0. take or renew the lease; another holder's unexpired lease ends the step;
--     at or after the opening, draw the pre-queue if nobody has yet;
--  1. nodes whose heartbeat is older than nodeTimeoutMs are dead: their waiting
--     tickets turn away as of that heartbeat (at most REAP_LIMIT per call; a node
--     is forgotten once it holds none);
--  2. away tickets past the grace period count as left (at most PROMOTE_LIMIT per call);
--  3. expired grants leave the active set; the published rate is stored; once
--     drawn, leavers deferred until the draw are counted at their places (at most
--     SETTLE_LIMIT per call; the cursor waits until all are);
--  4. token bucket at admitsPerMinute, burst max(1, admitsPerMinute / 60), nothing banked
--     while paused or not admitting; the budget is also bounded by maxActive minus the
--     active count;
--  5. requeued tickets first, lowest place first; then, unless paused or not admitting,
--     the cursor walks at most maxSteps places (the ticket at each: ticket_at): waiting -> granted (stopping there once
--     the budget is spent), away -> passed, left -> finished (and un-counted), revoked stays
--     revoked (and is un-counted); a run of
--     numbers skipped after a restart is crossed in one step (and un-counted), stopping
--     at the numbers in it whose holders came back (inside the drawn pre-queue, where
--     such numbers are scattered, each is stepped over).
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] now (ms)  ARGV[2] holder  ARGV[3] leaseMs  ARGV[4] nodeTimeoutMs  ARGV[5] admitting (0|1)
-- ARGV[6] maxActive  ARGV[7] admitsPerMinute  ARGV[8] graceMs  ARGV[9] grantTtlMs  ARGV[10] maxSteps
-- ARGV[11] ratePerMinute (stored as given)  ARGV[12] reap dead nodes (0|1)
-- ARGV[13] opensAt (ms)  ARGV[14..16] the node's proposal for the draw, should this call commit to it:
--   seed (unsigned 32-bit), nonce, commitment
-- Returns: {0} when another holder has the lease, otherwise
--   {1, cursor, active, skipped, backlogged (0|1), reaped, grantExpiresAt (string), ticketNo...}
--   where the ticket numbers are those admitted, in order, all expiring at grantExpiresAt
local k = event_keys()
local status_key, away_key, requeued_key, active_key, meta_key = k.status, k.away, k.requeued, k.active, k.meta
local lease_key, nodes_key, held_key, gaps_key, reclaimed_key = k.lease, k.nodes, k.held, k.gaps, k.reclaimed
local deferred_key = k.deferred
local left_keys = k.left
-- branch: admit/bad-argument (any argument missing or malformed: nothing written)
local now, holder, lease_ms, node_timeout_ms = arg_number(1, 'now'), arg_string(2, 'holder'), arg_number(3, 'leaseMs'), arg_number(4, 'nodeTimeoutMs')
local max_active, per_minute = arg_number(6, 'maxActive'), arg_number(7, 'admitsPerMinute')
local grace_ms, grant_ttl_ms, max_steps = arg_number(8, 'graceMs'), arg_number(9, 'grantTtlMs'), arg_number(10, 'maxSteps')
arg_number(11, 'ratePerMinute')
local opens_at, proposal = arg_number(13, 'opensAt'), arg_proposal(14)
arg_string(5, 'admitting')
arg_string(12, 'reapDeadNodes')

local lease = redis.call('HMGET', lease_key, 'holder', 'until')
-- branch: admit/not-leader
if lease[1] and lease[1] ~= holder and tonumber(lease[2]) > now then return {0} end

-- Every check is above this line.
redis.call('HSET', lease_key, 'holder', holder, 'until', str(now + lease_ms))
-- The restart check of docs/decisions/004 runs in the controller step too.
recover_after_restart(k)
local net = draw_if_due(k, now, opens_at, proposal)

-- Bound one call's work; the rest follow in the next calls.
local REAP_LIMIT, PROMOTE_LIMIT, SETTLE_LIMIT = 5000, 10000, 10000
local reaped = 0
local heartbeats = {}
if ARGV[12] == '1' then heartbeats = redis.call('HGETALL', nodes_key) end
for i = 1, #heartbeats, 2 do
  local node, beat = heartbeats[i], heartbeats[i + 1]
  if tonumber(beat) < now - node_timeout_ms and reaped < REAP_LIMIT then
    -- branch: admit/reap-dead-node (its waiting tickets turn away as of its last heartbeat)
    local held = redis.call('ZRANGEBYSCORE', held_key, node, node, 'LIMIT', 0, REAP_LIMIT - reaped)
    for _, ticket in ipairs(held) do
      redis.call('ZREM', held_key, ticket)
      reaped = reaped + let_go(k, ticket, beat)
    end
    -- branch: admit/reap-forget-node (it holds no more: forgotten; else reaped on in the next calls)
    if #held < REAP_LIMIT then redis.call('HDEL', nodes_key, node) end
  end
end

local due = redis.call('ZRANGEBYSCORE', away_key, '-inf', str(now - grace_ms), 'LIMIT', 0, PROMOTE_LIMIT)
for _, ticket in ipairs(due) do
  -- branch: admit/away-past-grace (counts as left)
  redis.call('ZREM', away_key, ticket)
  redis.call('HSET', status_key, ticket, S.LEFT)
  count_leaver(k, net, tonumber(ticket), 1)
end
redis.call('ZREMRANGEBYSCORE', active_key, '-inf', str(now))

local settling = false
if net then
  local deferred = redis.call('ZRANGE', deferred_key, 0, SETTLE_LIMIT - 1)
  for _, ticket in ipairs(deferred) do count_left(left_keys, place_of(net, tonumber(ticket)), 1) end
  if #deferred > 0 then redis.call('ZREMRANGEBYRANK', deferred_key, 0, #deferred - 1) end
  -- branch: admit/settling (deferred leavers remain: the cursor waits for them)
  settling = redis.call('ZCARD', deferred_key) > 0
end

local meta = redis.call('HMGET', meta_key, 'cursor', 'tokens', 'tokensAt', 'paused', 'issued')
local cursor = tonumber(meta[1]) or 0
local tokens = tonumber(meta[2]) or 0
local tokens_at = tonumber(meta[3]) or 0
local halted = meta[4] == '1' or ARGV[5] ~= '1' or settling
local issued = tonumber(meta[5]) or 0

local burst = math.max(1, per_minute / 60)
-- branch: admit/halted (paused, not admitting or settling: no tokens, the cursor stands still)
if halted then
  tokens = 0
else
  tokens = math.min(burst, tokens + (math.max(0, now - tokens_at) * per_minute) / 60000)
end
local active = redis.call('ZCARD', active_key)
local budget = math.max(0, math.min(math.floor(tokens), max_active - active))

local expires_at = str(now + grant_ttl_ms)
local admitted = {}
local function grant(ticket)
  redis.call('HSET', status_key, ticket, S.GRANTED .. expires_at)
  redis.call('ZADD', active_key, expires_at, ticket)
  redis.call('ZREM', held_key, ticket)
  admitted[#admitted + 1] = tonumber(ticket)
  budget = budget - 1
end

if budget > 0 then
  for _, ticket in ipairs(redis.call('ZRANGE', requeued_key, 0, budget - 1)) do
    -- branch: admit/requeued-first
    redis.call('ZREM', requeued_key, ticket)
    grant(ticket)
  end
end

-- While paused the cursor stands still: nobody's turn passes while nobody is admitted.
local skipped, steps = 0, 0
if halted then steps = max_steps end
while steps < max_steps and cursor < issued do
  local ticket = str(ticket_at(net, cursor + 1))
  local status = redis.call('HGET', status_key, ticket)
  if status == S.WAITING then
    -- branch: admit/budget-spent (the cursor stops at the next waiter)
    if budget == 0 then break end
    -- branch: admit/grant
    grant(ticket)
  elseif status == S.AWAY then
    -- branch: admit/away-passed
    redis.call('ZREM', away_key, ticket)
    redis.call('HSET', status_key, ticket, S.PASSED)
    skipped = skipped + 1
  elseif status == S.LEFT or status == S.REVOKED then
    -- branch: admit/left-finished (left -> finished; revoked stays revoked; both un-counted)
    count_left(left_keys, cursor + 1, -1)
    if status == S.LEFT then redis.call('HSET', status_key, ticket, S.FINISHED) end
    skipped = skipped + 1
  elseif not status and net and cursor < net.size then
    -- A drawn pre-queue number lost in a restart: counted as a leaver at its place.
    -- branch: admit/lost-prequeue-number
    count_left(left_keys, cursor + 1, -1)
  elseif not status then
    -- A restart gap: un-count the run up to the next number reclaimed in it (or its end).
    local gap = redis.call('ZREVRANGEBYSCORE', gaps_key, cursor + 1, '-inf', 'WITHSCORES', 'LIMIT', 0, 1)
    local last = tonumber(gap[1])
    -- branch: admit/no-status-outside-gaps (a number with no status in no gap: stepped over)
    if last and last > cursor then
      local back = redis.call('ZRANGEBYSCORE', reclaimed_key, cursor + 1, last, 'LIMIT', 0, 1)
      local to = last
      -- branch: admit/gap-stops-at-reclaimed (a holder came back: the cursor stops at that number)
      if back[1] then to = tonumber(back[1]) - 1 end
      -- branch: admit/gap-crossed (the run, or what is left of it, in one step)
      if to > cursor then count_left_range(left_keys, cursor + 1, to, -1) end
      if to == last then
        redis.call('ZREM', gaps_key, gap[1])
        redis.call('ZREMRANGEBYSCORE', reclaimed_key, gap[2], last)
      end
      cursor = to - 1
    end
  end
  cursor = cursor + 1
  steps = steps + 1
end

tokens = tokens - #admitted
active = active + #admitted
local requeued = redis.call('ZCARD', requeued_key)
redis.call('HSET', meta_key, 'cursor', str(cursor), 'tokens', str(tokens), 'tokensAt', str(now), 'ratePerMinute', ARGV[11],
  'active', active, 'requeued', requeued)
if #admitted > 0 then redis.call('HINCRBY', meta_key, 'admittedTotal', #admitted) end
local backlogged = 0
-- branch: admit/backlogged (more to admit than this call did)
if cursor < issued or requeued > 0 then backlogged = 1 end

local reply = {1, cursor, active, skipped, backlogged, reaped, expires_at}
for _, ticket in ipairs(admitted) do reply[#reply + 1] = ticket end
return reply
