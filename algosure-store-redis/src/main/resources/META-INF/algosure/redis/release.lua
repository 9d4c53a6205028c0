-- Releases a claimed key, if the caller still owns an unexpired claim: an expired claim (perhaps claimed
-- again by another owner since) is never released by its old owner. One atomic step.
-- KEYS[1] the record; KEYS[2] the tenant's keys (see claim.lua)
-- ARGV[1] owner, ARGV[2] now (epoch ms), ARGV[3] the record's member in the tenant's set,
--   ARGV[4] how long Redis keeps a record past its expiry (ms)
-- returns 1 if released, 0 otherwise
local r = redis.call('HMGET', KEYS[1], 's', 'w', 'e')
if r[1] ~= 'I' or r[2] ~= ARGV[1] or tonumber(r[3]) <= tonumber(ARGV[2]) then
  return 0
end
redis.call('DEL', KEYS[1])
-- the key leaves its tenant's count; the set (removed with its last member) lives as long as its longest-lived record
redis.call('ZREM', KEYS[2], ARGV[3])
local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if top[2] then
  -- not positive: every member expired past its record's time in Redis, and PEXPIRE removes the set
  redis.call('PEXPIRE', KEYS[2], string.format('%d', tonumber(top[2]) - tonumber(ARGV[2]) + tonumber(ARGV[4])))
end
return 1
