-- ARGV: prefix, job id, job key, quota user, retention in s, remembered until (or '')
-- Out of the queue, the running set and its user's jobs; its hash, events and clients kept `retention` seconds.
local id, job, retention = ARGV[2], key('job', ARGV[2]), tonumber(ARGV[5])
redis.call('SREM', key('running'), id)
redis.call('LREM', queues[1], 0, id)
redis.call('LREM', queues[2], 0, id)
redis.call('SREM', key('user', ARGV[4]), id)
redis.call('DEL', key('lease', id))
redis.call('HSET', job, 'owner', '')
if ARGV[6] ~= '' then redis.call('HSET', job, 'remembered_until', ARGV[6]) end
redis.call('EXPIRE', job, retention)
redis.call('EXPIRE', key('events', id), retention)
redis.call('EXPIRE', key('clients', id), retention)
if redis.call('GET', key('key', ARGV[3])) == id then redis.call('EXPIRE', key('key', ARGV[3]), retention) end
return 1
