#!/usr/bin/env python3
"""End-to-end check that an exported state is a fixture the built binary starts from.

Starts the binary with the example fixture, changes the state through the cloud APIs (a message deletion,
a stream scaled down, a checkpoint, a consumer group), exports it with GET /_emulator/state, writes the
export to a file and starts a second binary with --fixture on it: the second binary's export must be the
same bytes, and so must its answers to the cloud APIs. Then PUT /_emulator/state into the second binary
with the first's export, and compare again. Last, a third binary starts from the export plus a root
"faults" array: the rule is in force from the first request.
"""
import argparse
import json
import os
import signal
import sys
import tempfile
import urllib.error
import urllib.request

from emulator import start_emulator

PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
TOKEN = "MIIany-token-passes-in-loose-mode"


def start(binary, fixture):
    proc, port = start_emulator(binary, fixture)
    return proc, f"http://127.0.0.1:{port}"


def call(base, method, path, body=None):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"X-Auth-Token": TOKEN, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def expect(ok, what, failures):
    print(("ok      " if ok else "FAILED  ") + what)
    if not ok:
        failures.append(what)


def answers(base):
    """What a client sees through the cloud APIs (none of it depends on the time of the call)."""
    dms = f"/v2/{PROJECT}"
    paths = [
        f"{dms}/instances/{INSTANCE}/management/topics/orders/messages?limit=50",
        f"{dms}/kafka/instances/{INSTANCE}/topics/orders/partitions",
        f"/v2/kafka/{PROJECT}/instances/{INSTANCE}/groups/billing/message-offset?topic=orders",
        f"{dms}/instances/{INSTANCE}/groups",
        f"{dms}/streams/orders",
        f"{dms}/apps",
        f"{dms}/checkpoints?stream_name=orders&partition_id=0&app_name=billing&checkpoint_type=LAST_READ",
        f"{dms}/checkpoints?stream_name=orders&partition_id=1&app_name=billing&checkpoint_type=LAST_READ",
    ]
    return [(p, call(base, "GET", p)) for p in paths]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--fixture", required=True)
    args = parser.parse_args()
    failures = []
    first, a = start(args.binary, args.fixture)
    second = third = None
    exported_file = faulty_file = None
    try:
        dms = f"/v2/{PROJECT}"
        steps = [
            ("POST", f"{dms}/kafka/instances/{INSTANCE}/topics/orders/messages/delete",
             {"partitions": [{"partition": 0, "offset": 2}]}),
            ("POST", f"/v2/{PROJECT}/kafka/instances/{INSTANCE}/group", {"group_name": "billing"}),
            ("PUT", f"/v2/kafka/{PROJECT}/instances/{INSTANCE}/groups/billing/reset-message-offset",
             {"topic": "orders", "partition": -1, "message_offset": 3}),
            ("POST", f"{dms}/records", {"stream_name": "orders", "records": [{"partition_id": "1", "data": "eA=="}]}),
            ("PUT", f"{dms}/streams/orders", {"stream_name": "orders", "target_partition_count": 1}),
            ("POST", f"{dms}/checkpoints", {"app_name": "billing", "stream_name": "orders", "partition_id": "1",
                                            "checkpoint_type": "LAST_READ", "sequence_number": "3",
                                            "metadata": "after-scale"}),
        ]
        for method, path, body in steps:
            status, reply = call(a, method, path, body)
            expect(status in (200, 201, 204), f"{method} {path} -> {status} {reply[:200]!r}", failures)

        status, exported = call(a, "GET", "/_emulator/state")
        expect(status == 200 and exported.startswith(b'{"projects":[{'), "GET /_emulator/state exports", failures)
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as f:
            f.write(exported)
            exported_file = f.name

        second, b = start(args.binary, exported_file)
        status, again = call(b, "GET", "/_emulator/state")
        expect(status == 200 and again == exported, "--fixture <export> gives back the same export", failures)
        expect(answers(b) == answers(a), "--fixture <export> answers the cloud APIs as the original", failures)

        status, reply = call(b, "POST", "/_emulator/reset")
        expect(status == 200, "reset the second emulator", failures)
        status, reply = call(b, "PUT", "/_emulator/state", exported)
        expect(status == 200 and json.loads(reply)["counts"]["checkpoints"] == 2,
               f"PUT /_emulator/state -> {status} {reply!r}", failures)
        status, again = call(b, "GET", "/_emulator/state")
        expect(again == exported, "PUT <export> gives back the same export", failures)
        expect(answers(b) == answers(a), "PUT <export> answers the cloud APIs as the original", failures)

        document = json.loads(exported)
        document["faults"] = [{"operation": "ShowStream", "status": 503, "count": 1}]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(document, f)
            faulty_file = f.name
        third, c = start(args.binary, faulty_file)
        status, listed = call(c, "GET", "/_emulator/faults")
        rules = json.loads(listed)["faults"] if status == 200 else []
        expect(len(rules) == 1 and rules[0]["operation"] == "ShowStream",
               f"--fixture with faults: the rule is listed ({status} {listed!r})", failures)
        first_try, _ = call(c, "GET", f"{dms}/streams/orders")
        second_try, _ = call(c, "GET", f"{dms}/streams/orders")
        expect((first_try, second_try) == (503, 200),
               f"--fixture with faults: one injected 503, then the stream ({first_try}, {second_try})", failures)
        status, again = call(c, "GET", "/_emulator/state")
        expect(again == exported, "--fixture with faults: the state is the export's", failures)
    finally:
        for proc in (first, second, third):
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=15)
        for name in (exported_file, faulty_file):
            if name:
                os.unlink(name)
    print(f"{len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
