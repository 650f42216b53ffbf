-- wrk script: POST one GraphQL request body, over and over, and print a machine-readable
-- summary. The body is read from the file named by BENCH_BODY_FILE (a JSON document
-- {"query": ..., "variables": ...}), so one script serves every shape and every server.
--
--   BENCH_BODY_FILE=body.json wrk -t1 -c16 -d5s -s bench/wrk/post.lua http://127.0.0.1:8080/graphql
--
-- The last line printed is `BENCH_JSON {...}`: requests, duration_us, requests_per_s, bytes,
-- latency percentiles in microseconds (p50, p90, p99, p99.9, mean, max) and the error counts
-- (connect, read, write, non-2xx status, timeout). bench/run-all.sh parses that line.

local path = os.getenv("BENCH_BODY_FILE")
if not path then
    error("BENCH_BODY_FILE is not set")
end
local f = assert(io.open(path, "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
    local s = summary
    local secs = s.duration / 1e6
    io.write(string.format(
        'BENCH_JSON {"requests":%d,"duration_us":%d,"requests_per_s":%.2f,"bytes":%d,' ..
        '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"mean_us":%.1f,"max_us":%d,' ..
        '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
        s.requests, s.duration, s.requests / secs, s.bytes,
        latency:percentile(50), latency:percentile(90), latency:percentile(99),
        latency:percentile(99.9), latency.mean, latency.max,
        s.errors.connect, s.errors.read, s.errors.write, s.errors.status, s.errors.timeout))
end
