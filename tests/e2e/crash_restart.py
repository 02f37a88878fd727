#!/usr/bin/env python3
"""The --data-dir crash test: concurrent writers, kill -9 in the middle, restart on the same directory.

Starts the binary with --data-dir and ephemeral ports, loads a state with a Kafka instance (topic `crash`,
three partitions), a DIS stream (`crash`, two partitions) and an app, then runs at once, for a while:
  - a REST writer: SendKafkaMessage to `crash`, values rest-N;
  - a Kafka writer: confluent_kafka's Producer with acks=all, values kafka-N, its delivery reports giving
    partition and offset;
  - a DIS writer: SendRecords to `crash`, data dis-N, the answers giving partition and sequence number;
  - a checkpoint writer: CommitCheckpoint of app `audit` on partition 0 at ever larger sequence numbers.
Then SIGKILL, mid-stream, and a restart on the same directory. The export of the restarted emulator must
hold every acknowledged write: Kafka values at the offsets their reports gave, DIS data at the sequence
numbers their answers gave, REST values in the order they were sent, the checkpoint at the last acknowledged
number or the one in flight; and nothing that was not sent. Then the restarted emulator takes writes again.
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from confluent_kafka import Producer

PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "3c1e2d3c-4b5a-4978-8695-a4b3c2d1e0aa"
HEADERS = {"X-Auth-Token": "MIIany-token-passes-in-loose-mode", "Content-Type": "application/json"}
STATE = {"projects": [{
    "project_id": PROJECT,
    "kafka": {"instances": [{"instance_id": INSTANCE, "name": "crash-kafka",
                             "topics": [{"id": "crash", "partition": 3}]}]},
    "dis": {"streams": [{"stream_name": "crash", "partition_count": 2}],
            "apps": [{"app_name": "audit"}]},
}]}
RUN_SECONDS = 2.0


def start(binary, data_dir):
    proc = subprocess.Popen([binary, "--port", "0", "--kafka-port", "0", "--data-dir", data_dir,
                             "--log-level", "warn"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.match(r"stream-emulator listening on http://127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"emulator did not start: {line!r} {proc.stderr.read()}")
    return proc, f"http://127.0.0.1:{match.group(1)}"


def call(base, method, path, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            text = reply.read()
            return reply.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Writers:
    def __init__(self, base, bootstrap):
        self.base = base
        self.bootstrap = bootstrap
        self.stop = threading.Event()
        self.rest_sent, self.rest_acked = [], []
        self.kafka_sent, self.kafka_acked = [], {}  # (partition, offset) -> value
        self.dis_sent, self.dis_acked = [], {}      # (partition index, sequence number) -> data
        self.checkpoint_acked, self.checkpoint_sent = None, None
        self.lock = threading.Lock()

    def rest(self):
        n = 0
        while not self.stop.is_set():
            value = f"rest-{n}"
            self.rest_sent.append(value)
            try:
                status, _ = call(self.base, "POST", f"/v2/{PROJECT}/instances/{INSTANCE}/messages/action?action_id=send",
                                 {"topic": "crash", "body": value}, timeout=2)
            except OSError:
                return
            if status == 200:
                self.rest_acked.append(value)
            n += 1

    def kafka(self):
        producer = Producer({"bootstrap.servers": self.bootstrap, "acks": "all", "linger.ms": 2,
                             "message.timeout.ms": 3000, "log_level": 0})

        def report(error, message):
            if error is None:
                with self.lock:
                    self.kafka_acked[(message.partition(), message.offset())] = message.value().decode()

        n = 0
        while not self.stop.is_set():
            value = f"kafka-{n}"
            self.kafka_sent.append(value)
            try:
                producer.produce("crash", value.encode(), partition=n % 3, on_delivery=report)
            except BufferError:
                producer.poll(0.01)
                continue
            producer.poll(0)
            n += 1
            if n % 50 == 0:
                time.sleep(0.005)
        producer.flush(5)

    def dis(self):
        n = 0
        while not self.stop.is_set():
            records = []
            for _ in range(5):
                data = base64.b64encode(f"dis-{n}".encode()).decode()
                self.dis_sent.append(data)
                records.append({"data": data, "partition_id": str(n % 2)})
                n += 1
            try:
                status, body = call(self.base, "POST", f"/v2/{PROJECT}/records",
                                    {"stream_name": "crash", "records": records}, timeout=2)
            except OSError:
                return
            if status == 200:
                with self.lock:
                    for sent, got in zip(records, body["records"]):
                        index = int(got["partition_id"].rsplit("-", 1)[-1])
                        self.dis_acked[(index, int(got["sequence_number"]))] = sent["data"]

    def checkpoint(self):
        while not self.stop.is_set():
            with self.lock:
                stored = [seq for (index, seq) in self.dis_acked if index == 0]
            if not stored:
                time.sleep(0.01)
                continue
            number = max(stored)
            if self.checkpoint_acked is not None and number <= self.checkpoint_acked:
                time.sleep(0.005)
                continue
            self.checkpoint_sent = number
            try:
                status, _ = call(self.base, "POST", f"/v2/{PROJECT}/checkpoints",
                                 {"app_name": "audit", "checkpoint_type": "LAST_READ", "stream_name": "crash",
                                  "partition_id": "0", "sequence_number": str(number)}, timeout=2)
            except OSError:
                return
            if status == 201:
                self.checkpoint_acked = number


def check(export, w, failures):
    def expect(ok, what):
        print(("ok      " if ok else "FAILED  ") + what)
        if not ok:
            failures.append(what)

    project = next(p for p in export["projects"] if p["project_id"] == PROJECT)
    topic = next(t for t in project["kafka"]["instances"][0]["topics"] if t["id"] == "crash")
    stored = {}
    for part in topic["partitions"]:
        for i, message in enumerate(part["messages"]):
            stored[(part["partition"], part["log_start_offset"] + i)] = message["value"]
    missing = [k for k, v in w.kafka_acked.items() if stored.get(k) != v]
    expect(not missing, f"all {len(w.kafka_acked)} acknowledged Kafka produces are at their offsets"
                        + (f" (missing {missing[:5]})" if missing else ""))
    sent = set(w.rest_sent) | set(w.kafka_sent)
    strays = [v for v in stored.values() if v not in sent]
    expect(not strays, f"the {len(stored)} stored messages were all sent" + (f" (not sent: {strays[:5]})" if strays else ""))
    values = set(stored.values())
    lost = [v for v in w.rest_acked if v not in values]
    expect(not lost, f"all {len(w.rest_acked)} acknowledged SendKafkaMessage values are stored"
                     + (f" (lost {lost[:5]})" if lost else ""))
    in_order = True
    for partition in range(3):
        numbers = [int(stored[k][5:]) for k in sorted(stored) if k[0] == partition and stored[k].startswith("rest-")]
        in_order = in_order and numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    expect(in_order, "SendKafkaMessage values are stored once each, in the order sent, per partition")

    stream = next(s for s in project["dis"]["streams"] if s["stream_name"] == "crash")
    records = {}
    for part in stream["partitions"]:
        index = int(part["partition_id"].rsplit("-", 1)[-1])
        for i, record in enumerate(part["records"]):
            records[(index, part["first_sequence_number"] + i)] = record["data"]
    missing = [k for k, v in w.dis_acked.items() if records.get(k) != v]
    expect(not missing, f"all {len(w.dis_acked)} acknowledged DIS records are at their sequence numbers"
                        + (f" (missing {missing[:5]})" if missing else ""))
    strays = [v for v in records.values() if v not in set(w.dis_sent)]
    expect(not strays, f"the {len(records)} stored DIS records were all sent")
    checkpoints = [c for c in project["dis"].get("checkpoints", []) if c["app_name"] == "audit"]
    got = int(checkpoints[0]["sequence_number"]) if checkpoints else None
    expect(w.checkpoint_acked is not None and got in (w.checkpoint_acked, w.checkpoint_sent),
           f"the checkpoint is the last acknowledged ({w.checkpoint_acked}) or the one in flight "
           f"({w.checkpoint_sent}): {got}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="emu-crash-")
    failures = []
    try:
        proc, base = start(args.binary, data_dir)
        status, _ = call(base, "PUT", "/_emulator/state", STATE)
        if status != 200:
            raise SystemExit(f"state load answered {status}")
        _, instance = call(base, "GET", f"/v2/{PROJECT}/instances/{INSTANCE}")
        w = Writers(base, instance["kafka_private_connect_address"])
        threads = [threading.Thread(target=f) for f in (w.rest, w.kafka, w.dis, w.checkpoint)]
        for t in threads:
            t.start()
        time.sleep(RUN_SECONDS)
        proc.send_signal(signal.SIGKILL)  # mid-stream: every writer has requests in flight
        proc.wait()
        w.stop.set()
        for t in threads:
            t.join(timeout=30)
        print(f"killed after {RUN_SECONDS} s: {len(w.rest_acked)} REST sends, {len(w.kafka_acked)} Kafka "
              f"produces, {len(w.dis_acked)} DIS records and checkpoint {w.checkpoint_acked} acknowledged")
        proc, base = start(args.binary, data_dir)
        status, export = call(base, "GET", "/_emulator/state")
        check(export, w, failures)
        status, _ = call(base, "POST", f"/v2/{PROJECT}/instances/{INSTANCE}/messages/action?action_id=send",
                         {"topic": "crash", "body": "after"})
        print(("ok      " if status == 200 else "FAILED  ") + "the restarted emulator takes writes")
        if status != 200:
            failures.append("write after restart")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if failures:
        print(f"{len(failures)} failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
