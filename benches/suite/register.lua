-- wrk script for benches/suite: the public registration form posted with a new email address
-- on every request ("bench-RUN-THREAD-COUNTER@post.example.org"), so each one stores a new
-- registration and its confirmation email. The harness fetched the form once and passes, in
-- the environment: BENCH_FORM_PATH, BENCH_CSRF_COOKIE and BENCH_CSRF_TOKEN (the cookie and the
-- token bound to it), BENCH_ORGANISATION (a listed organisation's id), BENCH_RUN (a tag unique
-- to this run) and BENCH_FORWARDED=1 to send each request from its own client address
-- (X-Forwarded-For, believed because the server trusts 127.0.0.1 as a proxy).

local threads_made = 0

function setup(thread)
   threads_made = threads_made + 1
   thread:set("thread_id", threads_made)
end

local function urlencode(s)
   return (string.gsub(s, "[^%w%-%._~]", function(c)
      return string.format("%%%02X", string.byte(c))
   end))
end

local function env(name)
   local value = os.getenv(name)
   if value == nil or value == "" then
      error("register.lua: " .. name .. " is not set")
   end
   return value
end

function init(args)
   counter = 0
   path = env("BENCH_FORM_PATH")
   run = env("BENCH_RUN")
   forwarded = os.getenv("BENCH_FORWARDED") == "1"
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
   wrk.headers["Cookie"] = "convoca_csrf=" .. env("BENCH_CSRF_COOKIE")
   -- Every other field is the same in every request; the honeypot ("website") stays empty.
   fixed = "&name=Bench+Official&organisation=" .. urlencode(env("BENCH_ORGANISATION")) ..
      "&organisation_other=&position=Adviser&country=&language=en&timezone=Europe%2FParis" ..
      "&needs=&consent=yes&website=&csrf_token=" .. urlencode(env("BENCH_CSRF_TOKEN"))
end

function request()
   counter = counter + 1
   if forwarded then
      wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", thread_id % 256,
         math.floor(counter / 256) % 256, counter % 256)
   end
   local body = "email=bench-" .. run .. "-" .. thread_id .. "-" .. counter .. "%40post.example.org" .. fixed
   return wrk.format(nil, path, nil, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,"connect":%.0f,"read":%.0f,' ..
      '"write":%.0f,"status":%.0f,"timeout":%.0f,"p50_us":%.0f,"p90_us":%.0f,"p99_us":%.0f,' ..
      '"max_us":%.0f,"mean_us":%.1f}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
      e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean))
end
