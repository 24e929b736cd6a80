-- KEYS: job:<id>, key:<job key>, running, queue, lease:<id>, events:<id>, clients:<id>, queue:batch, user:<quota user>
-- ARGV: id, retention in s, remembered until (or '')
local job, id = KEYS[1], ARGV[1]
redis.call('SREM', KEYS[3], id)
redis.call('LREM', KEYS[4], 0, id)
redis.call('LREM', KEYS[8], 0, id)
redis.call('SREM', KEYS[9], id)
redis.call('DEL', KEYS[5])
redis.call('HSET', job, 'owner', '')
local retention = tonumber(ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', job, 'remembered_until', ARGV[3]) end
redis.call('EXPIRE', job, retention)
redis.call('EXPIRE', KEYS[6], retention)
redis.call('EXPIRE', KEYS[7], retention)
if redis.call('GET', KEYS[2]) == id then redis.call('EXPIRE', KEYS[2], retention) end
return 1
