-- wrk script: POST a distinct registration each time (distinct names: no duplicate is flagged).
local counter = 0
local thread_id = 0
local function letters(i)
  local word = ""
  repeat
    local r = i % 26
    word = string.char(97 + r) .. word
    i = (i - r) / 26
  until i == 0
  return word
end

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
  seed = tonumber(os.getenv("BENCH_SEED") or "0")
end

function request()
  counter = counter + 1
  local name = letters(seed + thread_id * 10000000 + counter)
  local body = string.format([[{"first_name":"Amina","last_name":"Diallo %s","sex":"F","birth_date":"1994-05-03",
"birth_country":"ER","citizenship":"ER","legal_status":"refugee","reception":{"kind":"cas"},
"household":{"size":1,"children":[],"single_parent":false},"italian_level":"A1","languages":["ti"],
"consent":{"given":true,"date":"2026-01-10","scope":["processing"]},"project_ids":["FAMI-BENCH"]}]], name)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %d\n", summary.requests, summary.duration,
    latency:percentile(99) / 1000, latency:percentile(50) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
