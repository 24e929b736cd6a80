-- KEYS: queue, running
-- ARGV: prefix
local queue, running, prefix = KEYS[1], KEYS[2], ARGV[1]
local requeued = {}
for _, id in ipairs(redis.call('SMEMBERS', running)) do
  if redis.call('EXISTS', prefix .. 'lease:' .. id) == 0 then
    redis.call('SREM', running, id)
    if redis.call('HGET', prefix .. 'job:' .. id, 'status') == 'running' then
      redis.call('HSET', prefix .. 'job:' .. id, 'status', 'queued', 'owner', '')
      redis.call('LPUSH', queue, id)
      table.insert(requeued, id)
    end
  end
end
return requeued
