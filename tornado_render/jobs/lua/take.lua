-- ARGV: prefix, worker, lease in ms, the phase a render starts in
-- The first waiting job of the first lane that has one: a batch item goes only when no reader's request waits. It
-- is Running from now on, at the progress already published (a job whose worker died resumes there).
local worker = ARGV[2]
for _, queue in ipairs(queues) do
  while true do
    local id = redis.call('LPOP', queue)
    if not id then break end
    local job = key('job', id)
    if redis.call('HGET', job, 'status') == 'queued' then
      local progress = math.max(0, tonumber(redis.call('HGET', job, 'progress') or '-1'))
      local state = cjson.encode({status = 'running', phase = ARGV[4], progress = progress})
      redis.call('SADD', key('running'), id)
      redis.call('HSET', job, 'status', 'running', 'owner', worker, 'state', state)
      redis.call('SET', key('lease', id), worker, 'PX', ARGV[3])
      return id
    end
  end
end
return false
