-- KEYS: workers
-- ARGV: prefix
local total = 0
local entries = redis.call('HGETALL', KEYS[1])
for index = 1, #entries, 2 do
  if redis.call('EXISTS', ARGV[1] .. 'worker:' .. entries[index]) == 1 then
    total = total + tonumber(entries[index + 1])
  else
    redis.call('HDEL', KEYS[1], entries[index])
  end
end
return total
