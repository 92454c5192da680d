-- wrk script for the Tandem benchmark. Arguments after `--`:
--   method path body tokens-file host connections
-- body: "-" for none. tokens-file: "-" for none, else one "<token> <task-id>" per line; requests
-- rotate through the tokens (and, for paths containing {task}, each token's own task id).
-- Every request string is built once per thread, so the script costs almost nothing per request.

local requests = {}
local count = 0
local i = 0
local connections = 0
local held = 0

-- How long each connection's first request waits after connecting. Node 20's libuv accepts one
-- connection per turn of the event loop, and each turn serves every connection already in; so
-- connections opened together onto a server that the first few already keep busy are let in one by
-- one, the last after the others have been served hundreds of times. That wait is wrk's start, not
-- the server's steady tail, and wrk's latency correction multiplies it. Held briefly, every
-- connection is accepted before any request is sent (docs/decisions/036-connections-admitted-first.md).
-- wrk calls delay() before each connection's first request (all at connect time, -t1) and after
-- every answer; only the first `connections` calls hold.
local FIRST_REQUEST_HOLD_MS = 50

function init(args)
  local method, path, body, file, host = args[1], args[2], args[3], args[4], args[5]
  connections = tonumber(args[6]) or 0
  if body == "-" then body = nil end
  local base = { Host = host }
  if body then base["Content-Type"] = "application/json" end
  if file == "-" then
    requests[1] = wrk.format(method, path, base, body)
  else
    for line in io.lines(file) do
      local token, task = line:match("^(%S+)%s+(%S+)$")
      if token then
        local headers = { Authorization = "Bearer " .. token }
        for k, v in pairs(base) do headers[k] = v end
        requests[#requests + 1] = wrk.format(method, (path:gsub("{task}", task)), headers, body)
      end
    end
  end
  count = #requests
  -- Threads start at different tokens so they do not walk the list in step.
  i = math.random(count) - 1
end

function delay()
  if held < connections then
    held = held + 1
    return FIRST_REQUEST_HOLD_MS
  end
  return 0
end

function request()
  i = i % count + 1
  return requests[i]
end

function done(summary, latency, _requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,' ..
    '"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
