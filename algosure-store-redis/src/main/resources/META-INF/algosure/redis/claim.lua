-- Claims an idempotency key. One atomic step.
-- KEYS[1] the record, a hash: s = state (I in flight, C completed), f = fingerprint, w = owner,
--   e = logical expiry (epoch ms, the store's clock), o = the encoded outcome once completed
-- ARGV[1] fingerprint, ARGV[2] owner, ARGV[3] now (epoch ms), ARGV[4] expiry (epoch ms),
--   ARGV[5] how long Redis keeps the record (ms, past the expiry)
-- returns {'CLAIMED'} (also to the owner holding it) | {'MISMATCH'} | {'IN_FLIGHT'} | {'COMPLETED', outcome}
local r = redis.call('HMGET', KEYS[1], 's', 'f', 'e', 'o', 'w')
if (not r[1]) or (not r[3]) or tonumber(r[3]) <= tonumber(ARGV[3]) then
  -- free, or expired: an expired record is as good as absent. HSET comes first: Redis refuses a script's write past
  -- maxmemory (OOM) only while the script has written nothing, and a DEL first (even of no key) let every claim
  -- through, records piling up past the limit
  redis.call('HSET', KEYS[1], 's', 'I', 'f', ARGV[1], 'w', ARGV[2], 'e', ARGV[4])
  if r[4] then
    redis.call('HDEL', KEYS[1], 'o')
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return {'CLAIMED'}
end
if r[2] ~= ARGV[1] then
  return {'MISMATCH'}
end
if r[1] == 'I' then
  if r[5] == ARGV[2] then
    -- its own owner again (a claim whose reply was lost took the key): still its claim, with its expiry
    return {'CLAIMED'}
  end
  return {'IN_FLIGHT'}
end
return {'COMPLETED', r[4]}
