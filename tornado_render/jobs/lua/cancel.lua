-- KEYS: queue, queue:batch, job:<id>
-- ARGV: id, the cancel request (JSON)
-- A waiting job leaves the queue (1: the caller ends it); else the first request is kept for its worker (0).
if redis.call('LREM', KEYS[1], 0, ARGV[1]) + redis.call('LREM', KEYS[2], 0, ARGV[1]) > 0 then return 1 end
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('HSETNX', KEYS[3], 'cancel', ARGV[2]) end
return 0
