-- KEYS: queue, queue:batch, running
-- ARGV: prefix
-- The fleet's numbers for /metrics in one step: each lane's length and its oldest job's creation time ('' when
-- empty), and the running jobs.
local answer = {}
for lane = 1, 2 do
  local oldest = redis.call('LINDEX', KEYS[lane], 0)
  table.insert(answer, redis.call('LLEN', KEYS[lane]))
  table.insert(answer, oldest and redis.call('HGET', ARGV[1] .. 'job:' .. oldest, 'created') or '')
end
table.insert(answer, redis.call('SCARD', KEYS[3]))
return answer
