#!/usr/bin/env python3
"""End-to-end checks of the authentication flags on the built binary.

- a broken credentials file stops startup (exit 2) with one line naming the file, JSON path and problem;
- --auth-mode strict without --credentials stops startup (exit 2);
- the environment twins STREAM_EMULATOR_AUTH_MODE / STREAM_EMULATOR_CREDENTIALS work;
- with every log line on (trace), neither a secret key nor a token ever reaches the log.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

PROJECT = "0123456789abcdef0123456789abcdef"
SECRET = "s3cretKeyThatMustNeverBeLogged0123456789"
TOKEN = "MIItokenThatMustNeverBeLogged"


def write_json(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    f.write(text)
    f.close()
    return f.name


def status_of(url, headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def check(label, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + label + ("" if ok else f": {detail}"))
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    binary = parser.parse_args().binary
    results = []

    bad = write_json('{"credentials":[{"ak":"A","sk":"' + SECRET + '","project_id":"nope"}]}')
    try:
        run = subprocess.run([binary, "--port", "0", "--credentials", bad], capture_output=True, text=True, timeout=10)
        want = f"stream-emulator: bad credentials: {bad}: $.credentials[0].project_id: must be 32 lower-case"
        results.append(check("bad credentials file exits 2 naming file, path and problem",
                             run.returncode == 2 and want in run.stderr and SECRET not in run.stderr,
                             f"exit {run.returncode}, stderr {run.stderr!r}"))
    finally:
        os.unlink(bad)

    run = subprocess.run([binary, "--port", "0", "--auth-mode", "strict"], capture_output=True, text=True, timeout=10)
    results.append(check("strict without credentials exits 2",
                         run.returncode == 2 and "--auth-mode strict needs --credentials FILE" in run.stderr,
                         f"exit {run.returncode}, stderr {run.stderr!r}"))

    run = subprocess.run([binary, "--auth-mode", "lax"], capture_output=True, text=True, timeout=10)
    results.append(check("an unknown mode is refused", run.returncode != 0 and "lax" in run.stderr, run.stderr))

    good = write_json(json.dumps({"credentials": [{"ak": "AK1", "sk": SECRET}], "tokens": [{"token": TOKEN}]}))
    env = dict(os.environ, STREAM_EMULATOR_AUTH_MODE="strict", STREAM_EMULATOR_CREDENTIALS=good)
    proc = subprocess.Popen([binary, "--port", "0", "--log-level", "trace"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        match = re.match(r"stream-emulator listening on (http://127\.0\.0\.1:\d+)", line)
        if not match:
            proc.kill()
            raise SystemExit(f"emulator did not start: {line!r}")
        base = match.group(1) + f"/v2/{PROJECT}/streams/missing"
        status, body = status_of(base, {"X-Auth-Token": TOKEN})
        results.append(check("the configured token passes", status == 400 and "DIS.4301" in body, f"{status} {body}"))
        status, body = status_of(base, {"X-Auth-Token": "MIIother"})
        results.append(check("an unknown token is refused (env twins set strict mode)",
                             status == 401 and "decrypt token fail" in body, f"{status} {body}"))
        status, body = status_of(base, {"X-Sdk-Date": "20231114T221320Z", "Authorization":
                                        "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=" + "0" * 64})
        results.append(check("a bad signature is refused", status == 401 and "APIGW.0301" in body, f"{status} {body}"))
    finally:
        proc.send_signal(signal.SIGTERM)
        _, log = proc.communicate(timeout=15)
        os.unlink(good)
    results.append(check("the log names the mode", "authentication: strict mode, 1 access keys, 1 tokens" in log, log))
    results.append(check("no secret or token in the log", SECRET not in log and TOKEN not in log, log))

    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
