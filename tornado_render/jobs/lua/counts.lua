-- ARGV: prefix
-- The fleet's numbers for /metrics in one step: each lane's length and its oldest job's creation time ('' when
-- empty), and the running jobs.
local answer = {}
for _, queue in ipairs(queues) do
  local oldest = redis.call('LINDEX', queue, 0)
  table.insert(answer, redis.call('LLEN', queue))
  table.insert(answer, oldest and redis.call('HGET', key('job', oldest), 'created') or '')
end
table.insert(answer, redis.call('SCARD', key('running')))
return answer
