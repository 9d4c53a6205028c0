-- Completes a claimed key with its outcome, if the caller still owns an unexpired claim. One atomic step.
-- KEYS[1] the record; ARGV[1] owner, ARGV[2] now (epoch ms), ARGV[3] new expiry (epoch ms),
--   ARGV[4] the encoded outcome, ARGV[5] how long Redis keeps the record (ms)
-- returns 1 if completed, 0 if the claim is not this owner's (expired, taken over or completed)
local r = redis.call('HMGET', KEYS[1], 's', 'w', 'e')
if r[1] ~= 'I' or r[2] ~= ARGV[1] or tonumber(r[3]) <= tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 's', 'C', 'e', ARGV[3], 'o', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
