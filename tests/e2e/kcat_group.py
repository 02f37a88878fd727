#!/usr/bin/env python3
"""End-to-end check of kcat's balanced consumer (`kcat -G group topic`, Debian's kcat) on an instance's listener.

Starts the binary with an ephemeral HTTP port and ephemeral Kafka ports, creates an instance and a topic of
three partitions through REST, produces four lines to each partition with `kcat -P`, then:
  - `kcat -G readers ledger` (no -e) joins the group and reads all twelve; while it runs, ShowGroups says
    Stable with kcat as the one member (its client.id, its host, all three partitions assigned), the group
    list says STABLE, and the auto-commits reach REST as committed offsets 4/4/4 with no lag;
  - on SIGINT kcat leaves the group: ShowGroups says Empty, no members, the committed offsets stay;
  - two more lines per partition, and `kcat -G readers ledger -e` reads exactly those six (the group's
    committed offsets, not the beginning) and exits at the end of every partition, committing 6/6/6;
  - a REST reset of the empty group (PUT .../reset-message-offset, partition -1, offset 1) is where the next
    `kcat -G -e` starts: offsets 1-5 of every partition.
Every kcat output is compared whole.
"""
import json
import os
import selectors
import signal
import subprocess
import sys
import time

from kcat_session import INSTANCE_BODY, PROJECT, kcat, kcat_main

TOPIC = "ledger"
GROUP = "readers"
CLIENT_ID = "kcat-reader"
# Kafka's minimum session timeout, heartbeats every half second and commits every 200 ms keep the run short.
GROUP_SETTINGS = ["-X", f"client.id={CLIENT_ID}", "-X", "session.timeout.ms=6000", "-X",
                  "heartbeat.interval.ms=500", "-X", "auto.commit.interval.ms=200", "-X",
                  "auto.offset.reset=earliest", "-X", "fetch.wait.max.ms=100"]
ROW_FORMAT = "%p|%o|%s\\n"


def rows_of(out):
    return [(int(p), int(o), v) for p, o, v in (line.split("|", 2) for line in out.splitlines())]


def expected_rows(partitions, first, last):
    return [(p, o, f"p{p}-{o}") for p in partitions for o in range(first, last)]


def wait_equal(what, want, timeout=10):
    """Calls `what` until it returns `want` or `timeout` seconds passed; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value == want or time.monotonic() >= deadline:
            return value
        time.sleep(0.05)


def run(s, scratch):
    dms = f"/v2/{PROJECT}"
    instance = s.json_call("POST", f"{dms}/kafka/instances", dict(INSTANCE_BODY, name="kcat-group"))["instance_id"]
    s.json_call("POST", f"{dms}/instances/{instance}/topics", {"id": TOPIC, "partition": 3})
    bootstrap = s.json_call("GET", f"{dms}/instances/{instance}")["kafka_private_connect_address"]
    management = f"{dms}/instances/{instance}/management/groups/{GROUP}"
    engine = f"/v2/kafka/{PROJECT}/instances/{instance}/groups/{GROUP}"

    def produce(first, last):
        for partition in range(3):
            path = os.path.join(scratch, f"p{partition}-{first}.txt")
            with open(path, "w") as f:
                f.writelines(f"p{partition}-{o}\n" for o in range(first, last))
            status, out, err = kcat("-P", "-b", bootstrap, "-t", TOPIC, "-p", str(partition), "-l", path)
            s.expect_equal((status, out, err), (0, "", ""), f"kcat -P to partition {partition}: offsets {first}-{last - 1}")

    def shown():
        return s.json_call("GET", management)["group"]

    def committed():
        return {o["partition"]: (o["message_current_offset"], o["lag"]) for o in shown()["group_message_offsets"]
                if o["topic"] == TOPIC}

    def listed_state():
        groups = s.json_call("GET", f"{dms}/instances/{instance}/groups?group={GROUP}")["groups"]
        return [(g["group_id"], g["state"], g["lag"]) for g in groups]

    produce(0, 4)

    # A balanced consumer that runs until it is told to stop, checked through REST while it runs.
    consumer = subprocess.Popen(["kcat", "-b", bootstrap, "-G", GROUP, *GROUP_SETTINGS, "-q", "-u", "-f", ROW_FORMAT,
                                 TOPIC], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out = b""
        selector = selectors.DefaultSelector()
        selector.register(consumer.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 20
        while out.count(b"\n") < 12 and time.monotonic() < deadline:
            if selector.select(timeout=0.5):
                chunk = os.read(consumer.stdout.fileno(), 65536)
                if not chunk:
                    break
                out += chunk
        s.expect_equal(sorted(rows_of(out.decode())), expected_rows(range(3), 0, 4),
                       "kcat -G readers ledger: the twelve lines, each once")

        group = shown()
        members = group["members"]
        s.expect_equal((group["state"], len(members)), ("Stable", 1), "ShowGroups while kcat runs: Stable, one member")
        if members:
            member = members[0]
            s.expect_equal((member["client_id"], member["assignment"]), (CLIENT_ID, [{"topic": TOPIC, "partitions": [0, 1, 2]}]),
                           "ShowGroups: kcat's client.id, all three partitions assigned to it")
            s.expect("127.0.0.1" in member["host"] and member["member_id"].startswith(CLIENT_ID + "-"),
                     f"ShowGroups: the member's host and the member id the coordinator gave: {member}")
            listed = s.json_call("GET", f"{engine}/members")
            s.expect_equal(listed, {"members": [{"member_id": member["member_id"], "client_id": CLIENT_ID}], "total": 1},
                           "ListInstanceConsumerGroupMembers names the member")
        s.expect_equal(group["assignment_strategy"], "range", "ShowGroups: librdkafka's first protocol, range")
        s.expect_equal(wait_equal(committed, {0: (4, 0), 1: (4, 0), 2: (4, 0)}), {0: (4, 0), 1: (4, 0), 2: (4, 0)},
                       "kcat's auto-commits: offset 4 on every partition, no lag")
        s.expect_equal(listed_state(), [(GROUP, "STABLE", 0)], "ListInstanceConsumerGroups: STABLE, lag 0")
        status, reply = s.call("PUT", f"{engine}/reset-message-offset", {"topic": TOPIC, "partition": -1, "message_offset": 0})
        s.expect(status == 400 and json.loads(reply).get("error_code") == "DMS.00400800",
                 f"a reset while kcat is a member is refused: {status} {reply!r}")
    finally:
        consumer.send_signal(signal.SIGINT)
        rest, err = consumer.communicate(timeout=20)
    s.expect_equal((consumer.returncode, rest, err), (0, b"", b""), "kcat -G stops on SIGINT: exit 0, nothing more read, nothing on stderr")

    # kcat left the group on its way out.
    group = shown()
    s.expect_equal((group["state"], group["members"]), ("Empty", []), "ShowGroups after kcat left: Empty, no members")
    s.expect_equal(committed(), {0: (4, 0), 1: (4, 0), 2: (4, 0)}, "the committed offsets stay")
    s.expect_equal(listed_state(), [(GROUP, "EMPTY", 0)], "ListInstanceConsumerGroups: EMPTY")

    # The next run starts at the committed offsets and exits at the end of every partition.
    produce(4, 6)
    status, out, err = kcat("-b", bootstrap, "-G", GROUP, *GROUP_SETTINGS, "-q", "-e", "-f", ROW_FORMAT, TOPIC)
    s.expect_equal((status, err), (0, ""), "kcat -G -e exits 0 at the end, nothing on stderr")
    s.expect_equal(sorted(rows_of(out)), expected_rows(range(3), 4, 6),
                   "kcat -G -e: only the six lines after the committed offsets")
    s.expect_equal(committed(), {0: (6, 0), 1: (6, 0), 2: (6, 0)}, "kcat committed 6 on every partition on its way out")
    s.expect_equal(shown()["state"], "Empty", "ShowGroups after kcat -G -e: Empty")

    # A REST reset of the empty group is where kcat starts next.
    status, reply = s.call("PUT", f"{engine}/reset-message-offset", {"topic": TOPIC, "partition": -1, "message_offset": 1})
    s.expect_equal((status, reply), (204, b""), "ResetMessageOffsetWithEngine: every partition to offset 1")
    s.expect_equal(committed(), {0: (1, 5), 1: (1, 5), 2: (1, 5)}, "ShowGroups: offset 1, lag 5 on every partition")
    status, out, err = kcat("-b", bootstrap, "-G", GROUP, *GROUP_SETTINGS, "-q", "-e", "-f", ROW_FORMAT, TOPIC)
    s.expect_equal((status, err), (0, ""), "kcat -G -e after the reset exits 0")
    s.expect_equal(sorted(rows_of(out)), expected_rows(range(3), 1, 6), "kcat -G -e after the reset: offsets 1-5")
    s.expect_equal(committed(), {0: (6, 0), 1: (6, 0), 2: (6, 0)}, "committed 6 again")

    print(f"{len(s.failures)} failed")
    if s.failures:
        sys.exit(1)


if __name__ == "__main__":
    kcat_main(run, "kcat-group-")
