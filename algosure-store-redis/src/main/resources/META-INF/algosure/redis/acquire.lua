-- Takes one permit of a sliding-window limit, unless the key is paused. One atomic step.
-- The window is measured by the Redis server's clock (TIME): every instance shares it, and permits are ordered
-- exactly as Redis runs them, so a caller whose own clock reading is a little old cannot slip past the limit.
-- The pause is compared with the guard's clock, since its end came from it (Retry-After).
-- KEYS[1] the window (a sorted set of permit times, epoch ms), KEYS[2] the pause (the instant it ends, epoch ms)
-- ARGV[1] the guard's now (epoch ms), ARGV[2] permits, ARGV[3] period (ms), ARGV[4] a unique member
-- returns {0, grantedAt} granted | {1, until} paused | {2, retryAt} exhausted
local paused = redis.call('GET', KEYS[2])
if paused and tonumber(paused) > tonumber(ARGV[1]) then
  return {1, paused}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local permits = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
-- the window is (now - period, now]: a permit taken at t counts until t + period
local used = redis.call('ZCOUNT', KEYS[1], string.format('(%d', now - period), '+inf')
if used < permits then
  -- ZADD comes first: Redis refuses a script's write past maxmemory (OOM) only while the script has written nothing,
  -- and the clean-up first let every permit through, windows growing past the limit
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
  redis.call('PEXPIRE', KEYS[1], period + 1000)
  return {0, string.format('%d', now)}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
-- the permit that frees the next slot leaves the window at its time + period
local freeing = redis.call('ZRANGE', KEYS[1], used - permits, used - permits, 'WITHSCORES')
return {2, string.format('%d', tonumber(freeing[2]) + period)}
