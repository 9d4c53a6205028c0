-- Releases a claimed key, if the caller still owns an unexpired claim: an expired claim (perhaps claimed
-- again by another owner since) is never released by its old owner. One atomic step.
-- KEYS[1] the record; ARGV[1] owner, ARGV[2] now (epoch ms)
-- returns 1 if released, 0 otherwise
local r = redis.call('HMGET', KEYS[1], 's', 'w', 'e')
if r[1] ~= 'I' or r[2] ~= ARGV[1] or tonumber(r[3]) <= tonumber(ARGV[2]) then
  return 0
end
redis.call('DEL', KEYS[1])
return 1
