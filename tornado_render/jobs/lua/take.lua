-- KEYS: queue (the interactive lane), queue:batch, running
-- ARGV: prefix, worker, lease in ms
-- The first waiting job of the first lane that has one: a batch item goes only when no reader's request waits.
local running, prefix, worker = KEYS[3], ARGV[1], ARGV[2]
for lane = 1, 2 do
  while true do
    local id = redis.call('LPOP', KEYS[lane])
    if not id then break end
    if redis.call('HGET', prefix .. 'job:' .. id, 'status') == 'queued' then
      redis.call('SADD', running, id)
      redis.call('HSET', prefix .. 'job:' .. id, 'status', 'running', 'owner', worker)
      redis.call('SET', prefix .. 'lease:' .. id, worker, 'PX', ARGV[3])
      return id
    end
  end
end
return false
