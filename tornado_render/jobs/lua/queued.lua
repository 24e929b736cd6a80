-- ARGV: prefix, lane (its index in queues, 1-based; 0 for every lane)
-- The waiting jobs' ids, lane by lane.
local ids, only = {}, tonumber(ARGV[2])
for index, queue in ipairs(queues) do
  if only == 0 or index == only then
    for _, id in ipairs(redis.call('LRANGE', queue, 0, -1)) do table.insert(ids, id) end
  end
end
return ids
