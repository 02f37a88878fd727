-- DMS SendKafkaMessage: one 100-byte message to topic t02 per request (each one is stored).
wrk.method = "POST"
wrk.headers["X-Auth-Token"] = "bench"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"topic":"t02","body":"' .. string.rep("0123456789", 10) .. '"}'
