-- DMS SendKafkaMessage to one partition of topic t03, chosen by the PARTITION environment variable (0 when
-- unset): two of these on different partitions show whether partitions scale independently.
local partition = os.getenv("PARTITION") or "0"
wrk.method = "POST"
wrk.headers["X-Auth-Token"] = "bench"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"topic":"t03","body":"' .. string.rep("0123456789", 10) ..
           '","property_list":[{"name":"PARTITION","value":"' .. partition .. '"}]}'
