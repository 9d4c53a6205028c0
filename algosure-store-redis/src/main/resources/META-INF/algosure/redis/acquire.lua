-- Takes one permit of a sliding-window limit, unless the key is paused. One atomic step.
-- KEYS[1] the window (a sorted set of permit times), KEYS[2] the pause (the instant it ends, epoch ms)
-- ARGV[1] now (epoch ms, the guard's clock), ARGV[2] permits, ARGV[3] period (ms), ARGV[4] a unique member
-- returns {0} granted | {1, until} paused | {2, retryAt} exhausted
local now = tonumber(ARGV[1])
local paused = redis.call('GET', KEYS[2])
if paused and tonumber(paused) > now then
  return {1, paused}
end
local permits = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
-- the window is (now - period, now]: a permit taken at t counts until t + period
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local used = redis.call('ZCARD', KEYS[1])
if used < permits then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], period + 1000)
  return {0}
end
-- the permit that frees the next slot leaves the window at its time + period
local freeing = redis.call('ZRANGE', KEYS[1], used - permits, used - permits, 'WITHSCORES')
return {2, string.format('%d', tonumber(freeing[2]) + period)}
