-- KEYS: queue, running, queue:batch
-- ARGV: prefix
local queue, running, prefix = KEYS[1], KEYS[2], ARGV[1]
local requeued = {}
for _, id in ipairs(redis.call('SMEMBERS', running)) do
  if redis.call('EXISTS', prefix .. 'lease:' .. id) == 0 then
    redis.call('SREM', running, id)
    local job = prefix .. 'job:' .. id
    if redis.call('HGET', job, 'status') == 'running' then
      redis.call('HSET', job, 'status', 'queued', 'owner', '')
      redis.call('LPUSH', redis.call('HGET', job, 'lane') == 'batch' and KEYS[3] or queue, id)
      table.insert(requeued, id)
    end
  end
end
return requeued
