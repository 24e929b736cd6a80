-- ARGV: prefix, job id, worker, lease in ms
if redis.call('GET', key('lease', ARGV[2])) == ARGV[3] then
  redis.call('PEXPIRE', key('lease', ARGV[2]), ARGV[4])
  return 1
end
return 0
