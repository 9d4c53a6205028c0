-- Claims an idempotency key. One atomic step.
-- KEYS[1] the record, a hash: s = state (I in flight, C completed), f = fingerprint, w = owner,
--   e = logical expiry (epoch ms, the store's clock), o = the encoded outcome once completed
-- KEYS[2] the tenant's keys, a sorted set: member = the record's hash, score = its logical expiry (same slot as KEYS[1])
-- ARGV[1] fingerprint, ARGV[2] owner, ARGV[3] now (epoch ms), ARGV[4] expiry (epoch ms),
--   ARGV[5] how long Redis keeps the record (ms, past the expiry), ARGV[6] the record's member in the tenant's set,
--   ARGV[7] how many live keys the tenant holds at most
-- returns {'CLAIMED'} (also to the owner holding it) | {'MISMATCH'} | {'IN_FLIGHT'} | {'COMPLETED', outcome}
--   | {'TENANT_FULL'} (a new key of a tenant at its bound; nothing written)
local r = redis.call('HMGET', KEYS[1], 's', 'f', 'e', 'o', 'w')
if (not r[1]) or (not r[3]) or tonumber(r[3]) <= tonumber(ARGV[3]) then
  -- free, or expired: a new live key of the tenant. Its live keys (expiry past now) are counted before anything is
  -- written, so a refused claim writes nothing; a live member without a record (deleted by hand) is counted already
  if redis.call('ZCOUNT', KEYS[2], '(' .. ARGV[3], '+inf') >= tonumber(ARGV[7]) then
    local counted = redis.call('ZSCORE', KEYS[2], ARGV[6])
    if (not counted) or tonumber(counted) <= tonumber(ARGV[3]) then
      return {'TENANT_FULL'}
    end
  end
  -- HSET comes first: Redis refuses a script's write past maxmemory (OOM) only while the script has written nothing,
  -- and a DEL first (even of no key) let every claim through, records piling up past the limit
  redis.call('HSET', KEYS[1], 's', 'I', 'f', ARGV[1], 'w', ARGV[2], 'e', ARGV[4])
  if r[4] then
    redis.call('HDEL', KEYS[1], 'o')
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[6])
  -- the tenant's expired keys leave its set (each once: amortized O(log n) a claim)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
  -- the set lives as long as its longest-lived record, never longer: a claim only adds one, so the set's time to live
  -- grows to the record's if that is longer (PTTL is -1 for a set just created)
  if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[5]) then
    redis.call('PEXPIRE', KEYS[2], ARGV[5])
  end
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
