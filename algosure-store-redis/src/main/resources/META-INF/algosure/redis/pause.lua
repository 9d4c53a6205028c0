-- Pauses a key until an instant; a pause is only ever extended. One atomic step.
-- KEYS[1] the pause; ARGV[1] until (epoch ms), ARGV[2] how long Redis keeps the key (ms, past the pause)
-- returns 1 if the pause was set or extended, 0 if a longer one was in place
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
