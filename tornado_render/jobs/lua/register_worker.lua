-- ARGV: prefix, worker, slots, heartbeat ttl in ms
-- The heartbeat first: capacity() drops an entry without one.
redis.call('SET', key('worker', ARGV[2]), '1', 'PX', ARGV[4])
redis.call('HSET', key('workers'), ARGV[2], ARGV[3])
return 1
