-- Completes a claimed key with its outcome, if the caller still owns an unexpired claim. One atomic step.
-- KEYS[1] the record; KEYS[2] the tenant's keys (see claim.lua)
-- ARGV[1] owner, ARGV[2] now (epoch ms), ARGV[3] new expiry (epoch ms), ARGV[4] the encoded outcome,
--   ARGV[5] how long Redis keeps the record (ms), ARGV[6] the record's member in the tenant's set,
--   ARGV[7] how long Redis keeps a record past its expiry (ms)
-- returns 1 if completed, 0 if the claim is not this owner's (expired, taken over or completed)
local r = redis.call('HMGET', KEYS[1], 's', 'w', 'e')
if r[1] ~= 'I' or r[2] ~= ARGV[1] or tonumber(r[3]) <= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 's', 'C', 'e', ARGV[3], 'o', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
-- still one key of its tenant (no new count), until its new expiry, longer or shorter; the set lives as long as its
-- longest-lived record
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[6])
local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[2], string.format('%d', tonumber(top[2]) - tonumber(ARGV[2]) + tonumber(ARGV[7])))
return 1
