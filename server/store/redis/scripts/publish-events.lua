-- Publishes the live events document when the stored revision is still the
-- expected one (compare-and-set), so two changes at once cannot undo each other.
-- KEYS[1] the events hash; ARGV: expected revision, document JSON, file digest, publishedBy, publishedAt.
-- Returns { 1, new revision } or { 0, current revision }.
local current = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
if current ~= tonumber(ARGV[1]) then
  -- branch: publish-events/conflict
  return { 0, current }
end
-- One write: a bad argument fails it before anything is written.
-- branch: publish-events/published
local revision = current + 1
redis.call('HSET', KEYS[1], 'revision', revision, 'document', ARGV[2], 'fileDigest', ARGV[3], 'publishedBy', ARGV[4], 'publishedAt', ARGV[5])
return { 1, revision }
