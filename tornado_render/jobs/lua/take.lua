-- KEYS: queue, running
-- ARGV: prefix, worker, lease in ms
local queue, running = KEYS[1], KEYS[2]
local prefix, worker = ARGV[1], ARGV[2]
while true do
  local id = redis.call('LPOP', queue)
  if not id then return false end
  if redis.call('HGET', prefix .. 'job:' .. id, 'status') == 'queued' then
    redis.call('SADD', running, id)
    redis.call('HSET', prefix .. 'job:' .. id, 'status', 'running', 'owner', worker)
    redis.call('SET', prefix .. 'lease:' .. id, worker, 'PX', ARGV[3])
    return id
  end
end
