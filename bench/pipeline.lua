-- wrk script: HTTP/1.1 pipelining. Each write carries DEPTH requests for
-- wrk.path back to back; wrk counts every response.
--   wrk -t2 -c50 -d10s --latency -s bench/pipeline.lua URL -- 16
-- Latency figures are per batch (from the write to the last response).
local depth = 16

init = function(args)
  depth = tonumber(args[1]) or depth
  local reqs = {}
  for i = 1, depth do
    reqs[i] = wrk.format()
  end
  batch = table.concat(reqs)
end

request = function()
  return batch
end
