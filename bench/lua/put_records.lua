-- DIS SendRecords (PutRecords): one record of 100 bytes (base64 of 75) to stream s1, partition 0, per request.
wrk.method = "POST"
wrk.headers["X-Auth-Token"] = "bench"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"stream_name":"s1","records":[{"data":"' .. string.rep("MDEyMzQ1Njc4OTAx", 6) .. 'MDEy","partition_id":"0"}]}'
