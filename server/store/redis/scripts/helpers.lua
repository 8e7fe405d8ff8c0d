-- Helpers shared by every script: ../scripts.ts prepends this file (after a
-- generated prelude) to each script before SCRIPT LOAD. The prelude defines,
-- from the TypeScript constants, so Lua never restates them:
--   SCRIPT         the script's own name (e.g. 'commit-booking'), for error messages
--   S              ticket statuses of server/store/ticket-status.ts (S.WAITING = 'w', ...)
--   BUCKET_WIDTHS  leaver bucket widths of shared/queue/left-segments.ts (e.g. {16, 1024, 65536, 4194304})
--   RESTART_TICKET_GAP  ticket numbers skipped after a Redis restart (../../restart-gap.ts)
--   LANE_RESTART_GAP    the same for each priority lane's numbers
--   LANE_SPAN      width of each priority lane's range of ticket numbers (shared/queue/lanes.ts)
--   event_keys()   the event's keys as one named table k (k.status, k.meta, k.left[level], k.device, ...),
--                  read from KEYS in the one order of ../keys.ts (SCRIPT_KEY_ORDER): every script of an
--                  event is called with that list, and every helper takes k, never positional keys
--
-- Rule for every script: reads and checks first, then writes. A script makes
-- every check that may refuse (return a non-success code, or raise an error)
-- before its first write: it checks its arguments (arg_number, arg_string
-- below), reads what decides its answer, and only then writes; it calls
-- helpers that write (recover_after_restart, reclaim_lost, draw_if_due,
-- issue_tickets, let_go, count_leaver, ...) only after those checks, and
-- helpers that only read (lost_number, draw_of, issued_after_restart) before.
-- Redis keeps a script's writes when it fails half-way, so a refusal or an
-- error after a write leaves a half-done change behind (issue 13:
-- commit-booking.lua wrote the booking, then failed in reclaim_lost). After
-- the first write a script only runs commands that cannot fail on what it has
-- checked (reads there only feed the change already decided, e.g. admit.lua's
-- cursor walk). An out-of-memory Redis refuses a script's first write, never
-- a later one, so the rule also makes OOM refuse the whole script.
--
-- Every return path and state-dependent branch carries a `-- branch: <script>/<name>`
-- tag; docs/redis-scripts.md lists them with the test that covers each, and
-- test/store/redis-script-branches.test.ts fails when one is missing.

-- Arguments (checked before the first write): a missing or malformed one is
-- the caller's bug and fails the script with BAD_SCRIPT_ARGUMENT, nothing written.
local function bad_argument(i, name, expected)
  error({ err = string.format('BAD_SCRIPT_ARGUMENT %s.lua ARGV[%d] %s must be %s, got %s', SCRIPT, i, name, expected, tostring(ARGV[i])) })
end

local function arg_number(i, name)
  local n = tonumber(ARGV[i])
  if not n or n ~= n or n == math.huge or n == -math.huge then bad_argument(i, name, 'a number') end
  return n
end

-- An integer at or above `min` (what HINCRBY, PX and the key counts need).
local function arg_integer(i, name, min)
  local n = tonumber(ARGV[i])
  if not n or n ~= math.floor(n) or n < min or n >= 2 ^ 53 then bad_argument(i, name, 'an integer >= ' .. min) end
  return n
end

local function arg_string(i, name)
  if type(ARGV[i]) ~= 'string' then bad_argument(i, name, 'a string') end
  return ARGV[i]
end

-- A node's proposal for the event's draw at ARGV[i], ARGV[i+1], ARGV[i+2]:
-- seed (unsigned 32-bit), nonce and commitment (hex; ../../draw-seed.ts).
local function arg_proposal(i)
  return { seed = arg_number(i, 'seed'), nonce = arg_string(i + 1, 'nonce'), commitment = arg_string(i + 2, 'commitment') }
end

-- A number as a string that reads back as the same double; integers below
-- 1e17 print without an exponent (tostring switches to one past 1e14).
local function str(n)
  return string.format('%.17g', n)
end

-- The status letter of a stored status (HGET answers false for a missing field).
local function kind(status)
  if status then return string.sub(status, 1, 1) end
  return nil
end


-- Count (delta 1) or un-count (delta -1) a leaver in every level's bucket;
-- a bucket that drops to zero is deleted, as in the memory store.
local function count_left(left_keys, ticket_no, delta)
  for level, width in ipairs(BUCKET_WIDTHS) do
    local bucket = str(math.floor(ticket_no / width))
    if redis.call('HINCRBY', left_keys[level], bucket, delta) == 0 then
      redis.call('HDEL', left_keys[level], bucket)
    end
  end
end

-- Count a run of consecutive ticket numbers first..last as leavers (delta 1)
-- or not (-1), bucket by bucket: the numbers skipped after a restart.
local function count_left_range(left_keys, first, last, delta)
  for level, width in ipairs(BUCKET_WIDTHS) do
    for bucket = math.floor(first / width), math.floor(last / width) do
      local from = math.max(first, bucket * width)
      local to = math.min(last, (bucket + 1) * width - 1)
      if redis.call('HINCRBY', left_keys[level], str(bucket), delta * (to - from + 1)) == 0 then
        redis.call('HDEL', left_keys[level], str(bucket))
      end
    end
  end
end

-- The pre-queue draw, the twin of shared/queue/draw.ts (docs/decisions/005):
-- tickets 1..size, issued before the opening, take their places from a keyed
-- Feistel permutation with cycle walking; later tickets keep their number as
-- their place. Same constants and arithmetic as the TypeScript, all of it
-- exact in Lua's doubles (below 2^53); `bit` works on the low 32 bits.
local TWO_32 = 4294967296
local DRAW_ROUNDS = 6

local function imul32(a, b)
  local b_lo = b % 65536
  local b_hi = (b - b_lo) / 65536
  return (((a * b_hi) % 65536) * 65536 + a * b_lo) % TWO_32
end

local function xor32(a, b)
  return bit.bxor(a, b) % TWO_32
end

local function mix32(v)
  v = v % TWO_32
  v = xor32(v, bit.rshift(v, 16))
  v = imul32(v, 0x45d9f3b)
  v = xor32(v, bit.rshift(v, 16))
  v = imul32(v, 0x45d9f3b)
  return xor32(v, bit.rshift(v, 16))
end

local function draw_network(size, seed)
  local bits = 1
  while bits < 26 and 4 ^ bits < size do bits = bits + 1 end
  local keys = {}
  for round = 1, DRAW_ROUNDS do keys[round] = mix32((seed + round * 0x9e3779b9) % TWO_32) end
  return { size = size, half = 2 ^ bits, keys = keys }
end

local function feistel(net, x, forward)
  local half = net.half
  local left, right = math.floor(x / half), x % half
  if forward then
    for round = 1, DRAW_ROUNDS do
      left, right = right, xor32(left, mix32((right + net.keys[round]) % TWO_32) % half)
    end
  else
    for round = DRAW_ROUNDS, 1, -1 do
      left, right = xor32(right, mix32((left + net.keys[round]) % TWO_32) % half), left
    end
  end
  return left * half + right
end

-- Cycle walking: the network until the value falls back inside 0..size-1
-- (net nil: not drawn yet, places are numbers; beyond the pre-queue too).
local function walk(net, n, forward)
  if not net or n > net.size then return n end
  local x = n - 1
  repeat x = feistel(net, x, forward) until x < net.size
  return x + 1
end

-- The place in line of ticket n.
local function place_of(net, n)
  return walk(net, n, true)
end

-- The ticket at place p: the inverse of place_of.
local function ticket_at(net, p)
  return walk(net, p, false)
end

-- The event's draw, or nil before the opening.
local function draw_of(meta_key)
  local drawn = redis.call('HMGET', meta_key, 'drawSize', 'drawSeed')
  if not drawn[1] then return nil end
  return draw_network(tonumber(drawn[1]), tonumber(drawn[2]))
end

-- The commitment to the draw (docs/decisions/005, "Verifiable draw"): the
-- event's first join or controller step stores its caller's proposal, the
-- seed and nonce in commitSeed and commitNonce (secret: nothing but this
-- function reads them) and their hash in commitment, published at once.
-- The first join or controller step at or after the opening draws with the
-- committed seed: every number issued so far is the pre-queue, and the seed
-- and nonce are copied into drawSeed and drawNonce, revealed. One write,
-- whatever its size. Its restart gaps leave `gaps` (their places are
-- scattered now: the cursor steps over them one by one instead of crossing a run).
local function draw_if_due(k, now, opens_at, proposal)
  local meta_key, gaps_key, reclaimed_key = k.meta, k.gaps, k.reclaimed
  local net = draw_of(meta_key)
  -- branch: helpers/draw-done (drawn already)
  if net then return net end
  local committed = redis.call('HMGET', meta_key, 'commitSeed', 'commitNonce')
  if now < opens_at then
    -- branch: helpers/draw-not-due (before the opening, committed already)
    if committed[1] then return nil end
    -- branch: helpers/commit-now (the event's first join or step: the seed is fixed, its hash published)
    redis.call('HSET', meta_key, 'commitSeed', str(proposal.seed), 'commitNonce', proposal.nonce, 'commitment', proposal.commitment, 'committedAt', str(now))
    return nil
  end
  local size = tonumber(redis.call('HGET', meta_key, 'issued')) or 0
  local seed = tonumber(committed[1])
  if seed then
    -- branch: helpers/draw-now
    redis.call('HSET', meta_key, 'drawSize', str(size), 'drawSeed', committed[1], 'drawNonce', committed[2])
  else
    -- branch: helpers/draw-uncommitted (nothing ran before the opening: committed and revealed in the same write)
    seed = proposal.seed
    redis.call('HSET', meta_key, 'drawSize', str(size), 'drawSeed', str(seed), 'drawNonce', proposal.nonce,
      'commitSeed', str(seed), 'commitNonce', proposal.nonce, 'commitment', proposal.commitment, 'committedAt', str(now))
  end
  redis.call('ZREMRANGEBYSCORE', gaps_key, '-inf', size)
  redis.call('ZREMRANGEBYSCORE', reclaimed_key, '-inf', size)
  return draw_network(size, seed)
end

-- Before the draw a leaver has no place to be counted at: it waits in
-- `deferred` (score = number) until the controller counts it (admit.lua).
local function defer_range(deferred_key, first, last)
  local CHUNK = 1000
  local from = first
  while from <= last do
    local to = math.min(last, from + CHUNK - 1)
    local members = {}
    for n = from, to do
      members[#members + 1] = n
      members[#members + 1] = str(n)
    end
    redis.call('ZADD', deferred_key, unpack(members))
    from = to + 1
  end
end

-- Count (delta 1) or un-count (-1) ticket n as a leaver, at its place.
local function count_leaver(k, net, n, delta)
  local deferred_key, left_keys = k.deferred, k.left
  if delta > 0 and not net then
    -- branch: helpers/leaver-deferred (before the draw)
    defer_range(deferred_key, n, n)
    return
  end
  -- branch: helpers/unleaver-deferred (a deferred leaver came back)
  if delta < 0 and redis.call('ZREM', deferred_key, str(n)) == 1 then return end
  -- branch: helpers/leaver-at-place
  count_left(left_keys, place_of(net, n), delta)
end

-- Redis may have come back from a crash without its last writes (AOF fsyncs
-- at most once a second): ticket numbers issued in that window are held by
-- people but no longer counted in `issued`. The first script that issues or
-- looks up a number after a restart (a new run_id) skips RESTART_TICKET_GAP
-- numbers so none is issued twice, and counts the skipped numbers as leavers
-- so nobody sees them as people ahead (in the pre-queue: once drawn). A holder
-- of a lost number takes its place back on reconnect (reconnect.lua). The run
-- is recorded in `gaps`, so the controller's cursor crosses it in one step
-- (admit.lua). See docs/decisions/004.

-- Reads only: this Redis run's id, `issued` as stored, and `issued` as the
-- restart check leaves it (the same unless this is a new run with tickets).
local function issued_after_restart(k)
  local run_id = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
  local state = redis.call('HMGET', k.meta, 'runId', 'issued')
  local issued = tonumber(state[2]) or 0
  if state[1] == run_id or issued == 0 then return run_id, issued, issued, state[1] == run_id end
  return run_id, issued, issued + RESTART_TICKET_GAP, false
end

-- Each priority lane skips LANE_RESTART_GAP numbers of its own, counted as
-- leavers in its range (the lane's cursor un-counts them one by one, admit.lua).
local function recover_lanes(k)
  local lanes = redis.call('HVALS', k.lanes)
  for _, line in ipairs(lanes) do
    local issued_field = 'L' .. line .. 'i'
    local issued = tonumber(redis.call('HGET', k.meta, issued_field))
    -- branch: helpers/recover-lane-gap
    if issued > tonumber(line) * LANE_SPAN then
      count_left_range(k.left, issued + 1, issued + LANE_RESTART_GAP, 1)
      redis.call('HSET', k.meta, issued_field, str(issued + LANE_RESTART_GAP))
    end
  end
end

-- Writes: the restart check itself (once per Redis run).
local function recover_after_restart(k)
  local run_id, issued, recovered, same_run = issued_after_restart(k)
  -- branch: helpers/recover-same-run
  if same_run then return end
  recover_lanes(k)
  if issued > 0 then
    if draw_of(k.meta) then
      -- branch: helpers/recover-gap-drawn (skipped numbers counted at their drawn places)
      count_left_range(k.left, issued + 1, recovered, 1)
    else
      -- branch: helpers/recover-gap-deferred (before the draw: counted once drawn)
      defer_range(k.deferred, issued + 1, recovered)
    end
    redis.call('ZADD', k.gaps, issued + 1, str(recovered))
    redis.call('HSET', k.meta, 'issued', str(recovered))
    redis.call('HINCRBY', k.meta, 'restarts', 1)
  else
    -- branch: helpers/recover-new-run (nothing issued yet: the run id only)
  end
  redis.call('HSET', k.meta, 'runId', run_id)
end

-- The meta counters figures() reads instead of counting the sets each tick.
-- Requeued tickets are admitted lowest place first; a lane's are counted in its own field
-- (their places, = their numbers, lie in the lane's range of the one sorted set).
local function requeued_field(ticket)
  local line = math.floor(tonumber(ticket) / LANE_SPAN)
  if line == 0 then return 'requeued' end
  return 'L' .. line .. 'q'
end

local function add_requeued(k, ticket, place)
  if redis.call('ZADD', k.requeued, place, ticket) == 1 then redis.call('HINCRBY', k.meta, requeued_field(ticket), 1) end
end

local function remove_requeued(k, ticket)
  if redis.call('ZREM', k.requeued, ticket) == 1 then redis.call('HINCRBY', k.meta, requeued_field(ticket), -1) end
end

local function remove_active(k, ticket)
  if redis.call('ZREM', k.active, ticket) == 1 then redis.call('HINCRBY', k.meta, 'active', -1) end
end

-- A waiting or requeued ticket whose holder is gone (disconnected, or its node
-- died at `since`): waiting turns away as of `since`, requeued falls back to
-- passed. Returns 1 when the ticket changed state. The caller removes it from `held`.
local function let_go(k, ticket, since)
  local status_key, away_key = k.status, k.away
  local status = redis.call('HGET', status_key, ticket)
  if status == S.WAITING then
    -- branch: helpers/let-go-waiting
    redis.call('HSET', status_key, ticket, S.AWAY)
    redis.call('ZADD', away_key, since, ticket)
    return 1
  end
  if status == S.REQUEUED then
    -- branch: helpers/let-go-requeued
    redis.call('HSET', status_key, ticket, S.PASSED)
    remove_requeued(k, ticket)
    return 1
  end
  -- branch: helpers/let-go-other (admitted or done: nothing to let go)
  return 0
end

-- Reads only: whether a ticket with no status is a number lost in a restart,
-- at or below `issued` as the restart check leaves it (else never issued).
local function lost_number(k, ticket)
  local _, _, recovered = issued_after_restart(k)
  return tonumber(ticket) <= recovered
end

-- Writes: a number inside a restart gap (no status, at or below `issued`) whose
-- holder came back is no longer a leaver while the cursor is behind it, and the
-- cursor stops at it when crossing the gap (admit.lua). Runs the restart check
-- first. Call it after every check, for a number lost_number accepted (a number
-- beyond `issued` changes nothing but the restart check).
local function reclaim_lost(k, ticket)
  recover_after_restart(k)
  local state = redis.call('HMGET', k.meta, 'issued', 'cursor')
  local number = tonumber(ticket)
  -- branch: helpers/reclaim-never-issued
  if number > (tonumber(state[1]) or 0) then return end
  local net = draw_of(k.meta)
  -- branch: helpers/reclaim-passed (the cursor is past it: nothing counted to undo)
  if place_of(net, number) <= (tonumber(state[2]) or 0) then return end
  -- branch: helpers/reclaim-ahead
  count_leaver(k, net, number, -1)
  -- branch: helpers/reclaim-beyond-draw (a gap number past the drawn pre-queue: the cursor stops at it)
  if net and number > net.size then redis.call('ZADD', k.reclaimed, number, ticket) end
end

-- Issue `count` consecutive ticket numbers held by `node`, each marked waiting
-- (join-batch.lua, device-join.lua). At or after the opening the pre-queue is
-- drawn first, so these numbers queue behind it. Returns the first number.
-- Writes only: the caller has checked its arguments (count an integer >= 0,
-- node, now, opens_at numbers, the proposal).
local function issue_tickets(k, count, node, now, opens_at, proposal)
  recover_after_restart(k)
  draw_if_due(k, now, opens_at, proposal)
  local last = redis.call('HINCRBY', k.meta, 'issued', count)
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
      holders[#holders + 1] = node
      holders[#holders + 1] = str(ticket)
    end
    redis.call('HSET', k.status, unpack(statuses))
    redis.call('ZADD', k.held, unpack(holders))
    from = to + 1
  end
  return first
end
