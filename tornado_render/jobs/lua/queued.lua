-- ARGV: prefix
-- The waiting jobs' ids, lane by lane.
local ids = {}
for _, queue in ipairs(queues) do
  for _, id in ipairs(redis.call('LRANGE', queue, 0, -1)) do table.insert(ids, id) end
end
return ids
