-- wrk script: sign a statement for a new organization on every request.
--
-- Arguments (after "--"): the form's path, the CSRF cookie, the form's CSRF token,
-- a run id and the form's spam-check stamp (sent with the empty honeypot, as a
-- browser does). Names and emails are unique per run, thread and request, so every
-- request records a new organization. A valid sign-on answers 302 (to the thank-you
-- page); anything else, including a 200 (the form sent back with errors), counts as
-- failed. done() prints "BENCH_LUA {json}" for bench/wrk.py.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

local function urlencode(text)
  return (string.gsub(text, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  path, cookie, token, run_id, stamp = args[1], args[2], args[3], args[4], args[5]
  counter = 0
  redirected = 0
  failed = 0
  statuses = {}
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
  }
end

function request()
  counter = counter + 1
  local unique = string.format("%s %d %d", run_id, id, counter)
  local fields = {
    csrfmiddlewaretoken = token,
    kind = "organization",
    ["organization-name"] = "Benchmark Organization " .. unique,
    ["organization-country"] = "KE",
    ["organization-website"] = "",
    ["organization-contact_name"] = "Bench Contact",
    ["organization-contact_email"] = string.format("bench-%s-%d-%d@example.org", run_id, id, counter),
    ["organization-listing"] = "listed",
    ["organization-authorized"] = "on",
    ["organization-consent"] = "on",
    ["organization-homepage"] = "",
    ["organization-form_stamp"] = stamp,
  }
  local body = {}
  for name, value in pairs(fields) do
    table.insert(body, urlencode(name) .. "=" .. urlencode(value))
  end
  return wrk.format("POST", path, headers, table.concat(body, "&"))
end

function response(status, response_headers, body)
  if status == 302 then
    redirected = redirected + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total_redirected, total_failed = 0, 0
  for _, thread in ipairs(threads) do
    total_redirected = total_redirected + thread:get("redirected")
    total_failed = total_failed + thread:get("failed")
  end
  io.write(string.format('BENCH_LUA {"redirected": %d, "failed": %d}\n', total_redirected, total_failed))
end
