-- ARGV: prefix, job id, the cancel request (JSON), '1' when only a waiting job is to be cancelled
-- A waiting job leaves the queue (1: the caller ends it); else the first request is kept for its worker (0).
local id, job = ARGV[2], key('job', ARGV[2])
if redis.call('LREM', queues[1], 0, id) + redis.call('LREM', queues[2], 0, id) > 0 then return 1 end
if ARGV[4] == '1' then return 0 end
if redis.call('EXISTS', job) == 1 then redis.call('HSETNX', job, 'cancel', ARGV[3]) end
return 0
