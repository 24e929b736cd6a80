-- ARGV: prefix, job id, owner (or ''), the job's new state (or ''), then each event's name and data
-- All the events or none: none when `owner` lost the job or its terminal event is in. The state goes with the last
-- (in the hash, and in its stream entry for the instances that follow the job). Progress at or below the job's is
-- dropped (its seq is answered as 0): an append that ran but whose answer was lost (Redis stopping) is sent again,
-- and must not repeat it.
local job, stream, owner, state = key('job', ARGV[2]), key('events', ARGV[2]), ARGV[3], ARGV[4]
if redis.call('EXISTS', job) == 0 or redis.call('HGET', job, 'terminal') == '1' then return false end
if owner ~= '' and redis.call('HGET', job, 'owner') ~= owner then return false end
if state ~= '' then redis.call('HSET', job, 'state', state, 'status', cjson.decode(state).status) end
local seqs = {}
for index = 5, #ARGV, 2 do
  local name, data = ARGV[index], ARGV[index + 1]
  local progress = name == 'progress' and cjson.decode(data).progress or nil
  if progress == nil or progress > tonumber(redis.call('HGET', job, 'progress') or '-1') then
    local seq = redis.call('HINCRBY', job, 'seq', 1)
    if name == 'complete' or name == 'error' then redis.call('HSET', job, 'terminal', '1') end  -- TERMINAL_EVENTS
    if progress ~= nil then redis.call('HSET', job, 'progress', progress) end
    if index + 1 < #ARGV or state == '' then
      redis.call('XADD', stream, seq .. '-0', 'name', name, 'data', data)
    else
      redis.call('XADD', stream, seq .. '-0', 'name', name, 'data', data, 'state', state)
    end
    table.insert(seqs, seq)
  else
    table.insert(seqs, 0)
  end
end
return seqs
