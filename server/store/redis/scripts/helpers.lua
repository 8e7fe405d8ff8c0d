-- Helpers shared by every script: ../scripts.ts prepends this file (after a
-- generated prelude) to each script before SCRIPT LOAD. The prelude defines,
-- from the TypeScript constants, so Lua never restates them:
--   S              ticket statuses of server/store/ticket-status.ts (S.WAITING = 'w', ...)
--   BUCKET_WIDTHS  leaver bucket widths of shared/queue/left-segments.ts (e.g. {16, 1024, 65536, 4194304})
--   RESTART_TICKET_GAP  ticket numbers skipped after a Redis restart (../../restart-gap.ts)

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

-- KEYS[first], KEYS[first + 1], ...: the leaver bucket hashes, one per level.
local function left_keys_from(first)
  local list = {}
  for level = 1, #BUCKET_WIDTHS do list[level] = KEYS[first + level - 1] end
  return list
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

-- Redis may have come back from a crash without its last writes (AOF fsyncs
-- at most once a second): ticket numbers issued in that window are held by
-- people but no longer counted in `issued`. The first script that issues or
-- looks up a number after a restart (a new run_id) skips RESTART_TICKET_GAP
-- numbers so none is issued twice, and counts the skipped numbers as leavers
-- so nobody sees them as people ahead. A holder of a lost number takes its
-- place back on reconnect (reconnect.lua). The run is recorded in `gaps`, so
-- the controller's cursor crosses it in one step (admit.lua). See docs/decisions/004.
local function recover_after_restart(meta_key, gaps_key, left_keys)
  local run_id = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)')
  local state = redis.call('HMGET', meta_key, 'runId', 'issued')
  if state[1] == run_id then return end
  local issued = tonumber(state[2]) or 0
  if issued > 0 then
    count_left_range(left_keys, issued + 1, issued + RESTART_TICKET_GAP, 1)
    redis.call('ZADD', gaps_key, issued + 1, str(issued + RESTART_TICKET_GAP))
    redis.call('HSET', meta_key, 'issued', str(issued + RESTART_TICKET_GAP))
    redis.call('HINCRBY', meta_key, 'restarts', 1)
  end
  redis.call('HSET', meta_key, 'runId', run_id)
end

-- The meta counters figures() reads instead of counting the sets each tick.
local function add_requeued(requeued_key, meta_key, ticket)
  if redis.call('ZADD', requeued_key, ticket, ticket) == 1 then redis.call('HINCRBY', meta_key, 'requeued', 1) end
end

local function remove_requeued(requeued_key, meta_key, ticket)
  if redis.call('ZREM', requeued_key, ticket) == 1 then redis.call('HINCRBY', meta_key, 'requeued', -1) end
end

local function remove_active(active_key, meta_key, ticket)
  if redis.call('ZREM', active_key, ticket) == 1 then redis.call('HINCRBY', meta_key, 'active', -1) end
end

-- A waiting or requeued ticket whose holder is gone (disconnected, or its node
-- died at `since`): waiting turns away as of `since`, requeued falls back to
-- passed. Returns 1 when the ticket changed state. The caller removes it from `held`.
local function let_go(status_key, away_key, requeued_key, meta_key, ticket, since)
  local status = redis.call('HGET', status_key, ticket)
  if status == S.WAITING then
    redis.call('HSET', status_key, ticket, S.AWAY)
    redis.call('ZADD', away_key, since, ticket)
    return 1
  end
  if status == S.REQUEUED then
    redis.call('HSET', status_key, ticket, S.PASSED)
    remove_requeued(requeued_key, meta_key, ticket)
    return 1
  end
  return 0
end

-- A number inside a restart gap (no status, at or below `issued`) whose holder
-- came back: no longer a leaver while the cursor is behind it, and the cursor
-- stops at it when crossing the gap (admit.lua). Returns false for a number
-- never issued.
local function reclaim_lost(meta_key, gaps_key, reclaimed_key, left_keys, ticket)
  recover_after_restart(meta_key, gaps_key, left_keys)
  local state = redis.call('HMGET', meta_key, 'issued', 'cursor')
  local number = tonumber(ticket)
  if number > (tonumber(state[1]) or 0) then return false end
  if number > (tonumber(state[2]) or 0) then
    count_left(left_keys, number, -1)
    redis.call('ZADD', reclaimed_key, number, ticket)
  end
  return true
end
