-- ARGV: prefix
-- Running jobs whose lease is gone (their worker died) go back to the front of their lane, and wake the workers.
local requeued = {}
for _, id in ipairs(redis.call('SMEMBERS', key('running'))) do
  if redis.call('EXISTS', key('lease', id)) == 0 then
    redis.call('SREM', key('running'), id)
    local job = key('job', id)
    if redis.call('HGET', job, 'status') == 'running' then
      redis.call('HSET', job, 'status', 'queued', 'owner', '')
      redis.call('LPUSH', redis.call('HGET', job, 'lane') == 'batch' and queues[2] or queues[1], id)
      redis.call('RPUSH', key('wake'), '1')
      table.insert(requeued, id)
    end
  end
end
return requeued
