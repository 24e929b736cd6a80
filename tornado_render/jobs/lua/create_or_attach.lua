-- KEYS: key:<job key>, queue, running, user:<quota user>, wake, queue:batch
-- ARGV: prefix, job key, new id, earlier id, request, queued state, stored state, capacity, max queued,
--       max per user, now, lane
local key_key, queue, running, user_set, wake, batch = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local prefix, jobkey, new_id, earlier, now, lane = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[11]), ARGV[12]
local function job(id) return prefix .. 'job:' .. id end
local function attached(id)  -- a reader's request takes a waiting batch item into its own lane
  if lane == 'interactive' and redis.call('LREM', batch, 0, id) > 0 then
    redis.call('RPUSH', queue, id)
    redis.call('HSET', job(id), 'lane', lane)
  end
  return {id, 0}
end
if earlier ~= '' and redis.call('HGET', job(earlier), 'key') == jobkey then
  return attached(earlier)
end
local current = redis.call('GET', key_key)
if current then
  local status = redis.call('HGET', job(current), 'status')
  if status and status ~= 'failed' then return attached(current) end
  local remembered = tonumber(redis.call('HGET', job(current), 'remembered_until') or '0')
  if status == 'failed' and remembered > now then return {current, 0} end
end
local stored = ARGV[7]
if stored == '' then
  local queued, busy = redis.call('LLEN', queue) + redis.call('LLEN', batch), redis.call('SCARD', running)
  if busy >= tonumber(ARGV[8]) and queued >= tonumber(ARGV[9]) then return {'', -1, queued} end
  local active = 0
  for _, id in ipairs(redis.call('SMEMBERS', user_set)) do
    local status = redis.call('HGET', job(id), 'status')
    if status == 'queued' or status == 'running' then active = active + 1 else redis.call('SREM', user_set, id) end
  end
  if active >= tonumber(ARGV[10]) then return {'', -2, active, queued} end
end
local status = stored == '' and 'queued' or 'succeeded'
local state = stored == '' and ARGV[6] or stored
redis.call('HSET', job(new_id), 'key', jobkey, 'request', ARGV[5], 'status', status, 'state', state,
           'seq', 0, 'progress', -1, 'created', ARGV[11], 'lane', lane)
redis.call('SET', key_key, new_id)
if stored == '' then
  redis.call('RPUSH', lane == 'batch' and batch or queue, new_id)
  redis.call('SADD', user_set, new_id)
  redis.call('RPUSH', wake, '1')
  redis.call('LTRIM', wake, -16, -1)
end
return {new_id, 1}
