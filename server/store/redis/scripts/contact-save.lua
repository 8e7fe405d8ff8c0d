-- Keep a ticket's turn notice contact until the event's end.
-- KEYS[1] the event's contacts hash
-- ARGV[1] ticket number  ARGV[2] the contact (JSON)  ARGV[3] the event's end (ms since the epoch)
-- Returns: 1
-- branch: contact-save/saved
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1
