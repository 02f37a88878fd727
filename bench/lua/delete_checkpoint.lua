-- DIS DeleteCheckpoint (route A): the query string is part of the URL given to wrk.
wrk.method = "DELETE"
wrk.headers["X-Auth-Token"] = "bench"
