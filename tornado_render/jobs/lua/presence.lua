-- ARGV: prefix, kind (clients or streams), name (a job id or a quota user), instance, delta, limit (-1: none),
--       ttl in s (0: leave the key's)
-- A hash instance -> count: this instance's entry and those of instances whose heartbeat lives (the others' are
-- dropped). A +1 that would reach `limit` is refused (-1); else this instance's entry moves by `delta` and the new
-- total is returned.
local hash, instance = key(ARGV[2], ARGV[3]), ARGV[4]
local delta, limit, ttl = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local others = 0
local entries = redis.call('HGETALL', hash)
for index = 1, #entries, 2 do
  local name, count = entries[index], tonumber(entries[index + 1])
  if name ~= instance and redis.call('EXISTS', key('instance', name)) == 0 then
    redis.call('HDEL', hash, name)
  elseif name ~= instance and count > 0 then
    others = others + count
  end
end
local own = tonumber(redis.call('HGET', hash, instance) or '0')
if limit >= 0 and delta > 0 and others + own >= limit then return -1 end
own = own + delta
if own > 0 then redis.call('HSET', hash, instance, own) else redis.call('HDEL', hash, instance) end
if ttl > 0 and own > 0 then redis.call('EXPIRE', hash, ttl) end
return others + math.max(own, 0)
