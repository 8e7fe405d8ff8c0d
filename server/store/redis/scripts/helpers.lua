-- Helpers shared by every script: ../scripts.ts prepends this file (after a
-- generated prelude) to each script before SCRIPT LOAD. The prelude defines,
-- from the TypeScript constants, so Lua never restates them:
--   S              ticket statuses of server/store/ticket-status.ts (S.WAITING = 'w', ...)
--   BUCKET_WIDTHS  leaver bucket widths of shared/queue/left-segments.ts (e.g. {16, 1024, 65536, 4194304})

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
