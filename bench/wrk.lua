-- wrk script for bench/run: optionally cycles through a file of request paths (one per line,
-- already URL-encoded), and reports machine-readable results from done().
--   wrk ... -s bench/wrk.lua URL                 every request to URL
--   wrk ... -s bench/wrk.lua URL -- PATHS_FILE   request i goes to line i of PATHS_FILE (mod n)
-- Extra request headers come from wrk's own -H.

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local paths = nil
local next_path = 1

function init(args)
  if args[1] == nil then
    return
  end
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
  -- Threads start at different points of the list, so they do not march in step.
  local idx = tonumber(thread_index) or 0   -- set by setup() as a global of this thread
  next_path = (idx * 37) % #paths + 1
end

function request()
  if paths == nil then
    return wrk.format()
  end
  local p = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format(nil, p)
end

-- One line bench/run parses: RESULT key=value ...
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d bytes=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout, summary.bytes))
end
