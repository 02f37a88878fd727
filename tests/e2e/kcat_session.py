#!/usr/bin/env python3
"""End-to-end check of an instance's Kafka listener with kcat (Debian's kcat, librdkafka inside).

Starts the binary with an ephemeral HTTP port and ephemeral Kafka ports, creates an instance and two topics
through REST, then, against the brokers ShowInstance lists in kafka_private_connect_address:
  - `kcat -L -J` lists exactly the brokers of ShowInstance and the topics of the REST topic list, with the
    leaders and replicas of the REST partition views;
  - `kcat -P -K: -l` produces keyed lines from a file, in two runs some milliseconds apart, to a partition;
  - `kcat -C -o beginning -e` consumes them back: offsets, keys and values, timestamps of the two runs;
  - a REST deletion (POST .../messages/delete) moves the log start, and the same kcat command now starts there;
  - `kcat -Q -t topic:partition:ms` answers the first retained offset at or after each time;
  - deleting the instance through REST closes every broker's port: kcat -L fails, connections are refused.
Every kcat output is compared whole.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from emulator import kafka_emulator

PROJECT = "0123456789abcdef0123456789abcdef"
TOKEN = "MIIany-token-passes-in-loose-mode"
# The reference CreateInstance body (tests/support/dms_client.cpp's instance_body).
INSTANCE_BODY = {
    "name": "kcat-e2e",
    "engine": "kafka",
    "engine_version": "3.x",
    "broker_num": 3,
    "storage_space": 300,
    "product_id": "c6.2u4g.cluster",
    "storage_spec_code": "dms.physical.storage.ultra.v2",
    "vpc_id": "vpc-1",
    "subnet_id": "subnet-1",
    "security_group_id": "sg-1",
    "available_zones": ["az-1"],
}
TOPIC = "orders"
KCAT_TIMEOUT = 30


class Session:
    def __init__(self, base):
        self.base = base
        self.failures = []

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"X-Auth-Token": TOKEN, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def json_call(self, method, path, body=None, status=200):
        got, reply = self.call(method, path, body)
        if got != status:
            raise SystemExit(f"{method} {path} -> {got} {reply!r}")
        return json.loads(reply) if reply else None

    def expect(self, ok, what, detail=""):
        print(("ok      " if ok else "FAILED  ") + what)
        if not ok:
            if detail:
                print("        " + detail.replace("\n", "\n        "))
            self.failures.append(what)

    def expect_equal(self, got, expected, what):
        self.expect(got == expected, what, f"got      {got!r}\nexpected {expected!r}")


def kcat(*args):
    """Runs kcat; returns (exit status, stdout, stderr)."""
    done = subprocess.run(["kcat", *args], capture_output=True, text=True, timeout=KCAT_TIMEOUT,
                          stdin=subprocess.DEVNULL)
    return done.returncode, done.stdout, done.stderr


def refused(address):
    host, port = address.rsplit(":", 1)
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
        return False
    except ConnectionRefusedError:
        return True


def kcat_main(run_checks, scratch_prefix):
    """The command line of the kcat scripts (`--binary`): `run_checks(session, scratch)` against a fresh
    emulator with ephemeral Kafka ports."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    with kafka_emulator(args.binary, scratch_prefix) as (endpoint, scratch):
        run_checks(Session(endpoint), scratch)


def run(s, scratch):
    dms = f"/v2/{PROJECT}"
    instance = s.json_call("POST", f"{dms}/kafka/instances", INSTANCE_BODY)["instance_id"]
    s.json_call("POST", f"{dms}/instances/{instance}/topics", {"id": TOPIC, "partition": 3})
    s.json_call("POST", f"{dms}/instances/{instance}/topics", {"id": "audit", "partition": 1})
    shown = s.json_call("GET", f"{dms}/instances/{instance}")
    addresses = shown["kafka_private_connect_address"].split(",")
    s.expect(len(addresses) == 3 and addresses[0] == f"{shown['connect_address']}:{shown['port']}",
             f"ShowInstance lists three brokers, broker 0 on `port`: {shown['kafka_private_connect_address']}")
    bootstrap = shown["kafka_private_connect_address"]

    # Metadata: kcat's listing against ShowInstance and the REST topic views.
    status, out, err = kcat("-L", "-J", "-b", bootstrap)
    s.expect_equal((status, err), (0, ""), "kcat -L -J exits 0, nothing on stderr")
    listing = json.loads(out)
    rest_topics = s.json_call("GET", f"{dms}/instances/{instance}/topics")["topics"]
    expected_topics = []
    for topic in rest_topics:
        detail = s.json_call("GET", f"/v2/kafka/{PROJECT}/instances/{instance}/topics-detail/{topic['name']}")
        # Every replica is in sync: the ISR is the replica list.
        partitions = [{"partition": p["partition"], "leader": p["leader"],
                       "replicas": [{"id": r} for r in p["replicas"]], "isrs": [{"id": r} for r in p["replicas"]]}
                      for p in detail[0]["partitions"]]
        s.expect_equal(len(partitions), topic["partition"], f"topics-detail of {topic['name']} has its partitions")
        expected_topics.append({"topic": topic["name"], "partitions": partitions})
    brokers = [{"id": i, "name": a} for i, a in enumerate(addresses)]
    # The broker that answered is one of the three, named as librdkafka names brokers (host:port/id).
    origin = listing.get("originating_broker")
    s.expect(origin in [{"id": i, "name": f"{a}/{i}"} for i, a in enumerate(addresses)],
             f"kcat -L -J: the answer came from one of the brokers: {origin}")
    s.expect_equal({k: v for k, v in listing.items() if k != "originating_broker"},
                   {"query": {"topic": "*"}, "controllerid": 0, "brokers": brokers, "topics": expected_topics},
                   "kcat -L -J: the brokers of ShowInstance (node ids 0-2), controller 0, and the topics of the "
                   "REST list with the leaders and replicas of topics-detail")
    s.expect_equal(sorted(t["topic"] for t in listing["topics"]), ["audit", TOPIC],
                   "kcat -L -J: exactly the two topics created")

    # Produce keyed lines from a file, in two runs with distinct timestamps.
    runs = [[("k0", "first"), ("k1", "second"), ("k2", "third")], [("k3", "fourth"), ("k4", "fifth:with:colons")]]
    window = []
    for number, lines in enumerate(runs):
        path = os.path.join(scratch, f"run{number}.txt")
        with open(path, "w") as f:
            f.writelines(f"{k}:{v}\n" for k, v in lines)
        time.sleep(0.02)
        before = int(time.time() * 1000)
        status, out, err = kcat("-P", "-b", bootstrap, "-t", TOPIC, "-p", "0", "-K:", "-l", path)
        window.append((before, int(time.time() * 1000)))
        s.expect_equal((status, out, err), (0, "", ""), f"kcat -P -K: -l run{number}.txt: {len(lines)} lines")
        time.sleep(0.02)
    produced = [kv for lines in runs for kv in lines]

    def consume():
        status, out, err = kcat("-C", "-b", bootstrap, "-t", TOPIC, "-p", "0", "-o", "beginning", "-e", "-q",
                                "-f", "%o|%k|%s|%T\\n")
        rows = [line.split("|") for line in out.splitlines()]
        return status, err, rows

    status, err, rows = consume()
    s.expect_equal((status, err), (0, ""), "kcat -C -o beginning -e exits 0, nothing on stderr")
    s.expect_equal([(int(o), k, v) for o, k, v, _ in rows], [(i, k, v) for i, (k, v) in enumerate(produced)],
                   "kcat -C -o beginning -e: offsets 0-4 with their keys and values")
    stamps = [int(t) for *_, t in rows]
    in_window = all(window[0 if i < 3 else 1][0] <= t <= window[0 if i < 3 else 1][1] for i, t in enumerate(stamps))
    s.expect(len(stamps) == 5 and in_window and stamps == sorted(stamps) and stamps[2] < stamps[3],
             f"kcat -C: each message has its run's producer timestamp: {stamps} in {window}")

    # A REST deletion moves the log start; kcat's 'beginning' is then offset 2.
    status, reply = s.call("POST", f"{dms}/kafka/instances/{instance}/topics/{TOPIC}/messages/delete",
                           {"partitions": [{"partition": 0, "offset": 2}]})
    s.expect_equal((status, json.loads(reply)),
                   (200, {"partitions": [{"partition": 0, "result": "success", "error_code": 0}]}),
                   "REST deletion up to offset 2")
    status, err, rows = consume()
    s.expect_equal((status, err), (0, ""), "kcat -C after the deletion exits 0, nothing on stderr")
    s.expect_equal([(int(o), k, v) for o, k, v, _ in rows],
                   [(i, k, v) for i, (k, v) in enumerate(produced) if i >= 2],
                   "kcat -C -o beginning -e after the deletion: the new start, offset 2, to offset 4")

    # Offsets for times: the first retained message at or after each time (-1: none).
    def first_at(ms):
        return next((i for i, t in enumerate(stamps) if i >= 2 and t >= ms), -1)

    for ms in sorted({0, stamps[0], stamps[2], stamps[2] + 1, stamps[3], stamps[4], stamps[4] + 1}):
        status, out, err = kcat("-Q", "-b", bootstrap, "-t", f"{TOPIC}:0:{ms}")
        s.expect_equal((status, out, err), (0, f"{TOPIC} [0] offset {first_at(ms)}\n", ""),
                       f"kcat -Q -t {TOPIC}:0:{ms}")
    status, out, err = kcat("-Q", "-b", bootstrap, "-t", f"{TOPIC}:1:0", "-t", "audit:0:0")
    s.expect_equal((status, sorted(out.splitlines()), err), (0, [f"audit [0] offset -1", f"{TOPIC} [1] offset -1"], ""),
                   "kcat -Q on empty partitions: -1")

    # Deleting the instance closes every broker's port.
    status, reply = s.call("DELETE", f"{dms}/instances/{instance}")
    s.expect_equal((status, reply), (204, b""), "REST DeleteInstance")
    # The listeners close on their own strands just after the call has answered: allow them a moment.
    deadline = time.monotonic() + 5
    while not all(refused(a) for a in addresses) and time.monotonic() < deadline:
        time.sleep(0.02)
    s.expect(all(refused(a) for a in addresses), f"every broker port refuses connections: {addresses}")
    status, out, err = kcat("-L", "-b", bootstrap, "-m", "2")
    # librdkafka names the failure "Broker transport failure" once every broker refused, or "Timed out"
    # when its 2 s ran out first (a loaded machine): either way no broker answers. Its connection log lines
    # may come after the error line, so the error line is looked for.
    errors = [line.split(" (Are the brokers")[0] for line in err.splitlines() if line.startswith("% ERROR:")]
    failed = [e for e in errors if e in ("% ERROR: Failed to acquire metadata: Local: Broker transport failure",
                                         "% ERROR: Failed to acquire metadata: Local: Timed out")]
    s.expect_equal((status, out, len(errors), len(failed)), (1, "", 1, 1), "kcat -L after DeleteInstance fails")

    print(f"{len(s.failures)} failed")
    if s.failures:
        sys.exit(1)


if __name__ == "__main__":
    kcat_main(run, "kcat-e2e-")
