-- KEYS: streams:<quota user>
-- ARGV: prefix, instance, limit
local key, prefix, instance, limit = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
local total = 0
local entries = redis.call('HGETALL', key)
for index = 1, #entries, 2 do
  if entries[index] == instance or redis.call('EXISTS', prefix .. 'instance:' .. entries[index]) == 1 then
    total = total + tonumber(entries[index + 1])
  else
    redis.call('HDEL', key, entries[index])
  end
end
if total >= limit then return 0 end
redis.call('HINCRBY', key, instance, 1)
redis.call('EXPIRE', key, 86400)
return 1
