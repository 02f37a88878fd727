-- DIS ShowCheckpoint: the query string is part of the URL given to wrk.
wrk.method = "GET"
wrk.headers["X-Auth-Token"] = "bench"
