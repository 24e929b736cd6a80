-- ARGV: prefix
-- The fleet's render slots that no running job holds.
return math.max(0, capacity() - redis.call('SCARD', key('running')))
