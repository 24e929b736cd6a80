-- KEYS: queue, running, queue:batch, wake
-- ARGV: prefix
-- Running jobs whose lease is gone (their worker died) go back to the front of their lane, and wake the workers.
local queue, running, prefix = KEYS[1], KEYS[2], ARGV[1]
local requeued = {}
for _, id in ipairs(redis.call('SMEMBERS', running)) do
  if redis.call('EXISTS', prefix .. 'lease:' .. id) == 0 then
    redis.call('SREM', running, id)
    local job = prefix .. 'job:' .. id
    if redis.call('HGET', job, 'status') == 'running' then
      redis.call('HSET', job, 'status', 'queued', 'owner', '')
      redis.call('LPUSH', redis.call('HGET', job, 'lane') == 'batch' and KEYS[3] or queue, id)
      redis.call('RPUSH', KEYS[4], '1')
      table.insert(requeued, id)
    end
  end
end
return requeued
