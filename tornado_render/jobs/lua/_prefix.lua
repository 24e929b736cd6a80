-- Put before every script (redis_store.py): ARGV[1] is the store's prefix, key(kind, name) one of its keys,
-- queues the lanes' queues in model.LANES' order (interactive, batch), capacity() the fleet's render slots.
local prefix = ARGV[1]
local function key(kind, name) return name and (prefix .. kind .. ':' .. name) or (prefix .. kind) end
local queues = {key('queue'), key('queue', 'batch')}
local function capacity()  -- drops the workers whose heartbeat is gone on the way (a restart leaves one each)
  local total, entries = 0, redis.call('HGETALL', key('workers'))
  for index = 1, #entries, 2 do
    if redis.call('EXISTS', key('worker', entries[index])) == 1 then
      total = total + tonumber(entries[index + 1])
    else
      redis.call('HDEL', key('workers'), entries[index])
    end
  end
  return total
end
