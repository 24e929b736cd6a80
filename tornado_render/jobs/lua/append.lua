-- KEYS: job:<id>, events:<id>
-- ARGV: name, data, owner (or ''), terminal ('1'/'0'), progress (or ''), state (or ''), status
local job, stream = KEYS[1], KEYS[2]
if redis.call('EXISTS', job) == 0 or redis.call('HGET', job, 'terminal') == '1' then return false end
local owner = ARGV[3]
if owner ~= '' and redis.call('HGET', job, 'owner') ~= owner then return false end
local seq = redis.call('HINCRBY', job, 'seq', 1)
if ARGV[6] ~= '' then redis.call('HSET', job, 'state', ARGV[6], 'status', ARGV[7]) end
if ARGV[4] == '1' then redis.call('HSET', job, 'terminal', '1') end
if ARGV[5] ~= '' then redis.call('HSET', job, 'progress', ARGV[5]) end
redis.call('XADD', stream, seq .. '-0', 'name', ARGV[1], 'data', ARGV[2])
return seq
