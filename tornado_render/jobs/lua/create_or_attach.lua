-- ARGV: prefix, job key, new id, earlier id, quota user, request, queued state, stored state, max queued,
--       max per user, now, lane
local jobkey, new_id, earlier, now, lane = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[11]), ARGV[12]
local queue, batch, user_set = queues[1], queues[2], key('user', ARGV[5])
local function attached(id)  -- a reader's request takes a waiting batch item into its own lane
  if lane == 'interactive' and redis.call('LREM', batch, 0, id) > 0 then
    redis.call('RPUSH', queue, id)
    redis.call('HSET', key('job', id), 'lane', lane)
  end
  return {id, 0}
end
if earlier ~= '' and redis.call('HGET', key('job', earlier), 'key') == jobkey then
  return attached(earlier)
end
local current = redis.call('GET', key('key', jobkey))
if current then
  local status = redis.call('HGET', key('job', current), 'status')
  if status and status ~= 'failed' then return attached(current) end
  local remembered = tonumber(redis.call('HGET', key('job', current), 'remembered_until') or '0')
  if status == 'failed' and remembered > now then return {current, 0} end
end
local stored = ARGV[8]
if stored == '' then
  local queued, busy = redis.call('LLEN', queue) + redis.call('LLEN', batch), redis.call('SCARD', key('running'))
  if busy >= math.max(1, capacity()) and queued >= tonumber(ARGV[9]) then return {'', -1, queued} end
  local active = 0
  for _, id in ipairs(redis.call('SMEMBERS', user_set)) do
    local status = redis.call('HGET', key('job', id), 'status')
    if status == 'queued' or status == 'running' then active = active + 1 else redis.call('SREM', user_set, id) end
  end
  if active >= tonumber(ARGV[10]) then return {'', -2, active, queued} end
end
local status = stored == '' and 'queued' or 'succeeded'
local state = stored == '' and ARGV[7] or stored
redis.call('HSET', key('job', new_id), 'key', jobkey, 'request', ARGV[6], 'status', status, 'state', state,
           'seq', 0, 'progress', -1, 'created', ARGV[11], 'lane', lane)
redis.call('SET', key('key', jobkey), new_id)
if stored == '' then
  redis.call('RPUSH', lane == 'batch' and batch or queue, new_id)
  redis.call('SADD', user_set, new_id)
  redis.call('RPUSH', key('wake'), '1')
  redis.call('LTRIM', key('wake'), -16, -1)
end
return {new_id, 1}
