-- KEYS: queue (the interactive lane), queue:batch, running
-- ARGV: prefix, worker, lease in ms, the phase a render starts in
-- The first waiting job of the first lane that has one: a batch item goes only when no reader's request waits. It
-- is Running from now on, at the progress already published (a job whose worker died resumes there).
local running, prefix, worker = KEYS[3], ARGV[1], ARGV[2]
for lane = 1, 2 do
  while true do
    local id = redis.call('LPOP', KEYS[lane])
    if not id then break end
    local job = prefix .. 'job:' .. id
    if redis.call('HGET', job, 'status') == 'queued' then
      local progress = math.max(0, tonumber(redis.call('HGET', job, 'progress') or '-1'))
      local state = cjson.encode({status = 'running', phase = ARGV[4], progress = progress})
      redis.call('SADD', running, id)
      redis.call('HSET', job, 'status', 'running', 'owner', worker, 'state', state)
      redis.call('SET', prefix .. 'lease:' .. id, worker, 'PX', ARGV[3])
      return id
    end
  end
end
return false
