-- bench/flash_sale.lua: the wrk side of bench/flash_sale. Every request books two seats of
-- the flash-sale event with POST /api/v1/bookings (card pm_card_visa, through the offline
-- provider or, with FLASH_PROVIDER=stripe, through the Stripe stand-in).
--
-- The seats come from FLASH_PAIRS, a file of shuffled seat pairs ("12 345" a line; the same
-- file drives bench/direct_sql.c). Each of the FLASH_THREADS wrk threads walks
-- FLASH_REGIONS cursors round the list, taking turns; the cursors of all threads start
-- evenly spread and interleaved, so buyers sell disjoint regions at first and then run into
-- each other's, where they compete for the same pairs and lose with a 409 — until the script
-- that runs wrk sees the event sold out and stops it with SIGINT.
--
-- Every wrk thread runs exactly one connection (bench/flash_sale passes -t = -c), so the
-- Lua state of a thread is one shopper's: a 503 (the pool shedding a booking that queued
-- longer than Booking.MaxQueueMs) carries Retry-After, and the shopper waits that long and
-- then asks for the same seats again, as a real client does; 201 and 409 move on.
--
-- done() prints one line, "flash: key=value ...", with the counts by status and the latency
-- percentiles (microseconds) over all booking requests.

local function env(name, default)
   local v = os.getenv(name) or default
   if v == nil then error(name .. " is not set (run bench/flash_sale)") end
   return v
end

local event_id = env("FLASH_EVENT")
local pairs_file = env("FLASH_PAIRS")
local nthreads = tonumber(env("FLASH_THREADS"))
local regions = tonumber(env("FLASH_REGIONS", "8"))
-- "test" (the offline provider) or "stripe" (the gateway stand-in, at its configured latency)
local provider = env("FLASH_PROVIDER", "test")

local threads = {}
local created = 0

function setup(thread)
   thread:set("id", created)
   created = created + 1
   table.insert(threads, thread)
end

local bodies, cursors, turn, n

function init(args)
   bodies = {}
   for line in io.lines(pairs_file) do
      local a, b = line:match("^(%d+)%s+(%d+)")
      if a then
         bodies[#bodies + 1] = '{"eventId":' .. event_id .. ',"ticketIds":[' .. a .. ',' .. b ..
            '],"paymentInfo":{"provider":"' .. provider .. '","paymentMethod":"pm_card_visa"}}'
      end
   end
   n = #bodies
   local total = nthreads * regions
   cursors = {}
   for r = 0, regions - 1 do
      -- region r*nthreads+id: neighbouring regions belong to different threads
      cursors[r + 1] = math.floor((r * nthreads + id) * n / total) + 1
   end
   turn = 0
   s201, s409, s503, s5xx, sother = 0, 0, 0, 0, 0
   pause_ms, retry, body = 0, false, nil
   streak = 0            -- 503s in a row for the seats being asked for now
   retried, max_streak = 0, 0   -- settled (201/409) after at least one 503; most 503s in a row
end

function delay()
   local ms = pause_ms
   pause_ms = 0
   return ms
end

local headers = { ["Content-Type"] = "application/json" }

function request()
   if not retry then
      turn = turn % regions + 1
      local i = cursors[turn]
      cursors[turn] = i % n + 1
      body = bodies[i]
   end
   retry = false
   return wrk.format("POST", "/api/v1/bookings", headers, body)
end

function response(status, hdrs, body)
   if status ~= 503 and streak > 0 then
      retried = retried + 1
      if streak > max_streak then max_streak = streak end
      streak = 0
   end
   if status == 201 then
      s201 = s201 + 1
   elseif status == 409 then
      s409 = s409 + 1
   elseif status == 503 then
      s503 = s503 + 1
      streak = streak + 1
      local after = tonumber(hdrs["Retry-After"] or hdrs["retry-after"] or "")
      if after and after > 0 then
         pause_ms, retry = math.floor(after * 1000), true
      end
   elseif status >= 500 then
      s5xx = s5xx + 1
   else
      sother = sother + 1
   end
end

function done(summary, latency, requests)
   local c = { s201 = 0, s409 = 0, s503 = 0, s5xx = 0, sother = 0, retried = 0 }
   local most = 0
   for _, t in ipairs(threads) do
      for k, _ in pairs(c) do
         c[k] = c[k] + (t:get(k) or 0)
      end
      most = math.max(most, t:get("max_streak") or 0)
   end
   local e = summary.errors
   io.write(string.format(
      "flash: s201=%d s409=%d s503=%d s5xx=%d other=%d requests=%d duration_us=%d " ..
      "p50_us=%d p90_us=%d p99_us=%d max_us=%d connect_errors=%d read_errors=%d " ..
      "write_errors=%d timeouts=%d retried=%d max_streak=%d\n",
      c.s201, c.s409, c.s503, c.s5xx, c.sother, summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.timeout, c.retried, most))
end
