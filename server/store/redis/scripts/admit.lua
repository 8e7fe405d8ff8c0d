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
--     such numbers are scattered, each is stepped over);
--  6. with priority lanes (docs/decisions/031), each admission of the budget goes to
--     the lane owed the most (credit >= 1, lowest lane order on a tie), else to the main
--     line, else to any lane with people waiting; after each one every lane with people
--     waiting is owed its share more; a lane with nobody waiting is owed nothing. A lane
--     walks its own cursor as the main line does (its numbers are places; a number with
--     no status is one skipped after a restart, counted as a leaver).
-- KEYS: the event's keys in the order of ../keys.ts SCRIPT_KEY_ORDER, read by event_keys() as k
-- ARGV[1] now (ms)  ARGV[2] holder  ARGV[3] leaseMs  ARGV[4] nodeTimeoutMs  ARGV[5] admitting (0|1)
-- ARGV[6] maxActive  ARGV[7] admitsPerMinute  ARGV[8] graceMs  ARGV[9] grantTtlMs  ARGV[10] maxSteps
-- ARGV[11] ratePerMinute (stored as given)  ARGV[12] reap dead nodes (0|1)
-- ARGV[13] opensAt (ms)  ARGV[14..16] the node's proposal for the draw, should this call commit to it:
--   seed (unsigned 32-bit), nonce, commitment
-- ARGV[17] n, the number of lanes, then ARGV[18...] n pairs: lane id, share
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
local shares = {}
for i = 1, arg_integer(17, 'lane count', 0) do
  shares[i] = { id = arg_string(16 + 2 * i, 'lane id'), share = arg_number(17 + 2 * i, 'lane share') }
end

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
local skipped = 0

-- The lines this step walks: the main line, then the configured lanes anyone joined.
local main = { line = 0, cursor = cursor, issued = issued, steps = 0, done = false,
  rq = redis.call('ZCOUNT', requeued_key, '-inf', '(' .. str(LANE_SPAN)) }
local lanes = {}
for _, lane in ipairs(shares) do
  local line = tonumber(redis.call('HGET', k.lanes, lane.id))
  if line then
    local p = 'L' .. line
    local f = redis.call('HMGET', meta_key, p .. 'c', p .. 'i', p .. 'k', p .. 'a')
    lanes[#lanes + 1] = { line = line, share = lane.share, cursor = tonumber(f[1]), issued = tonumber(f[2]),
      credit = tonumber(f[3]) or 0, admitted = tonumber(f[4]) or 0, steps = 0, done = false,
      rq = redis.call('ZCOUNT', requeued_key, str(line * LANE_SPAN), '(' .. str((line + 1) * LANE_SPAN)) }
  end
end

local function grant(ticket, line)
  redis.call('HSET', status_key, ticket, S.GRANTED .. expires_at)
  redis.call('ZADD', active_key, expires_at, ticket)
  redis.call('ZREM', held_key, ticket)
  admitted[#admitted + 1] = tonumber(ticket)
  budget = budget - 1
  if line.line > 0 then line.admitted = line.admitted + 1 end
end

local function waiting_in(line)
  return line.cursor < line.issued or line.rq > 0
end

-- The line's next admission (want) or, without want, its cursor's walk up to its next waiter:
-- requeued first, lowest place first; then the cursor, at most maxSteps places in this call.
-- True when one was granted; a line that ran out of reach is done for this call.
local function take(line, want)
  if want and line.rq > 0 then
    local low = line.line * LANE_SPAN
    local ticket = redis.call('ZRANGEBYSCORE', requeued_key, str(low), '(' .. str(low + LANE_SPAN), 'LIMIT', 0, 1)[1]
    -- branch: admit/requeued-first
    redis.call('ZREM', requeued_key, ticket)
    line.rq = line.rq - 1
    grant(ticket, line)
    return true
  end
  while line.steps < max_steps and line.cursor < line.issued do
    local place = line.cursor + 1
    local ticket = str(place)
    if line.line == 0 then ticket = str(ticket_at(net, place)) end
    local status = redis.call('HGET', status_key, ticket)
    if status == S.WAITING then
      -- branch: admit/budget-spent (the cursor stops at the next waiter)
      if not want then return false end
      -- branch: admit/grant
      grant(ticket, line)
      line.cursor = place
      line.steps = line.steps + 1
      return true
    elseif status == S.AWAY then
      -- branch: admit/away-passed
      redis.call('ZREM', away_key, ticket)
      redis.call('HSET', status_key, ticket, S.PASSED)
      skipped = skipped + 1
    elseif status == S.LEFT or status == S.REVOKED then
      -- branch: admit/left-finished (left -> finished; revoked stays revoked; both un-counted)
      count_left(left_keys, place, -1)
      if status == S.LEFT then redis.call('HSET', status_key, ticket, S.FINISHED) end
      skipped = skipped + 1
    elseif not status and line.line > 0 then
      -- A lane number skipped after a restart: counted as a leaver (helpers.lua recover_lanes).
      -- branch: admit/lane-gap-number
      count_left(left_keys, place, -1)
    elseif not status and net and line.cursor < net.size then
      -- A drawn pre-queue number lost in a restart: counted as a leaver at its place.
      -- branch: admit/lost-prequeue-number
      count_left(left_keys, place, -1)
    elseif not status then
      -- A restart gap: un-count the run up to the next number reclaimed in it (or its end).
      local cursor = line.cursor
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
        line.cursor = to - 1
      end
    end
    line.cursor = line.cursor + 1
    line.steps = line.steps + 1
  end
  line.done = true
  return false
end

-- The lane owed the most among those with people waiting (owed at least one admission when `owed`).
local function most_owed(owed)
  local best = nil
  for _, lane in ipairs(lanes) do
    if not lane.done and waiting_in(lane) and (not owed or lane.credit >= 1) and (not best or lane.credit > best.credit) then best = lane end
  end
  return best
end

-- While paused the cursor stands still: nobody's turn passes while nobody is admitted.
if not halted then
  while budget > 0 do
    local lane = most_owed(true)
    local taken = nil
    if lane then
      -- branch: admit/lane-owed (a lane owed an admission by its share takes it)
      if take(lane, true) then taken = lane end
    elseif not main.done then
      if take(main, true) then taken = main end
    else
      local other = most_owed(false)
      -- branch: admit/lines-empty (nobody left to admit in reach of this call)
      if not other then break end
      -- branch: admit/lane-takes-unused (the main line is empty: a lane takes the admission)
      if take(other, true) then taken = other end
    end
    if taken then
      if taken.line > 0 then taken.credit = math.max(0, taken.credit - 1) end
      for _, each in ipairs(lanes) do
        if waiting_in(each) then each.credit = each.credit + each.share end
      end
    end
  end
  take(main, false)
  for _, lane in ipairs(lanes) do
    take(lane, false)
    -- branch: admit/lane-empty (nobody waits in the lane: it is owed nothing)
    if not waiting_in(lane) then lane.credit = 0 end
  end
end
cursor = main.cursor

tokens = tokens - #admitted
active = active + #admitted
redis.call('HSET', meta_key, 'cursor', str(cursor), 'tokens', str(tokens), 'tokensAt', str(now), 'ratePerMinute', ARGV[11],
  'active', active, 'requeued', main.rq)
local backlogged = 0
-- branch: admit/backlogged (more to admit than this call did)
if waiting_in(main) then backlogged = 1 end
for _, lane in ipairs(lanes) do
  local p = 'L' .. lane.line
  redis.call('HSET', meta_key, p .. 'c', str(lane.cursor), p .. 'k', str(lane.credit), p .. 'a', str(lane.admitted), p .. 'q', lane.rq)
  if waiting_in(lane) then backlogged = 1 end
end
if #admitted > 0 then redis.call('HINCRBY', meta_key, 'admittedTotal', #admitted) end

local reply = {1, cursor, active, skipped, backlogged, reaped, expires_at}
for _, ticket in ipairs(admitted) do reply[#reply + 1] = ticket end
return reply
