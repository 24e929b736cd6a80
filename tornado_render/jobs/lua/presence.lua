-- KEYS: a hash instance -> count (clients:<id>, or streams:<quota user>)
-- ARGV: prefix, instance, delta, limit (-1: none), ttl in s (0: leave the key's)
-- Counts this instance's entry and those of instances whose heartbeat lives (dropping the others'). A +1 that would
-- reach `limit` is refused (-1); else this instance's entry moves by `delta` and the new total is returned.
local key, prefix, instance = KEYS[1], ARGV[1], ARGV[2]
local delta, limit, ttl = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local others = 0
local entries = redis.call('HGETALL', key)
for index = 1, #entries, 2 do
  local name, count = entries[index], tonumber(entries[index + 1])
  if name ~= instance and redis.call('EXISTS', prefix .. 'instance:' .. name) == 0 then
    redis.call('HDEL', key, name)
  elseif name ~= instance and count > 0 then
    others = others + count
  end
end
local own = tonumber(redis.call('HGET', key, instance) or '0')
if limit >= 0 and delta > 0 and others + own >= limit then return -1 end
own = own + delta
if own > 0 then redis.call('HSET', key, instance, own) else redis.call('HDEL', key, instance) end
if ttl > 0 and own > 0 then redis.call('EXPIRE', key, ttl) end
return others + math.max(own, 0)
