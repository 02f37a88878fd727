-- DMS delete messages (route B): DELETE with its JSON body; the reply has one entry per partition.
wrk.method = "DELETE"
wrk.headers["X-Auth-Token"] = "bench"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"partitions":[{"partition":0,"offset":5}]}'
