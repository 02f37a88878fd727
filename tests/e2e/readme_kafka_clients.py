#!/usr/bin/env python3
"""Pins the README's "Kafka clients" snippets to what the emulator serves.

Takes the fenced blocks of that section by language: ```sh (kcat), ```js (kafkajs), ```python
(kafka-python), ```properties (librdkafka) and ```java. Starts the built binary with the example fixture
and --kafka-port 0, reads the instance's address from ShowInstance, and runs the runnable ones against it
with the README's 127.0.0.1:9092 replaced by that address: the kcat lines in bash, the kafkajs block with
node (kafkajs from tests/sdk/node_modules), the kafka-python block with /usr/bin/python3. Each must exit 0
and leave its message in partition 0 of `orders`, where the next one reads it. The blocks that cannot run
here (librdkafka properties, Java) must set bootstrap.servers to exactly 127.0.0.1:9092, which the
binary's --help must give as the defaults (--kafka-port 9092, advertised host 127.0.0.1).
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

from emulator import start_emulator

README_ADDRESS = "127.0.0.1:9092"
PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"  # examples/fixture.json


def section_blocks(readme):
    match = re.search(r"^## Kafka clients\n(.*?)(?=^## )", readme, flags=re.S | re.M)
    if not match:
        raise SystemExit("README.md has no '## Kafka clients' section")
    return re.findall(r"^```(\w+)\n(.*?)^```", match.group(1), flags=re.S | re.M)


def get_json(port, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"X-Auth-Token": "MIIany-token-passes-in-loose-mode"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.loads(reply.read())


def run(what, command, failures, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, **kwargs)
    if result.returncode != 0:
        failures.append(f"{what}: exit code {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--root", required=True)
    args = parser.parse_args()
    with open(os.path.join(args.root, "README.md"), encoding="utf-8") as f:
        blocks = section_blocks(f.read())
    by_language = {}
    for language, text in blocks:
        by_language.setdefault(language, []).append(text)
    failures = []
    for language in ("sh", "js", "python", "properties", "java"):
        if language not in by_language:
            failures.append(f"the Kafka clients section has no ```{language} block")

    help_text = subprocess.run([args.binary, "--help"], capture_output=True, text=True, check=True).stdout
    if not re.search(r"--kafka-port\b[^\n]*\n?[^\n]*9092", help_text):
        failures.append("--help does not give 9092 as the --kafka-port default")
    for language in ("properties", "java"):
        for text in by_language.get(language, []):
            servers = re.findall(r'bootstrap\.servers"?\s*[=,]\s*"?([^"\s)]+)', text)
            if servers != [README_ADDRESS]:
                failures.append(f"```{language}: bootstrap.servers is {servers}, not [{README_ADDRESS!r}]")

    fixture = os.path.join(args.root, "examples", "fixture.json")
    proc, port = start_emulator(args.binary, fixture, ["--kafka-port", "0"])
    try:
        shown = get_json(port, f"/v2/{PROJECT}/instances/{INSTANCE}")
        address = f"{shown['connect_address']}:{shown['port']}"

        def local(text):
            return text.replace(README_ADDRESS, address)

        def check_group(block, group):
            # The group consumer left (the group is empty) after committing the end of every partition it read.
            shown_group = get_json(port, f"/v2/{PROJECT}/instances/{INSTANCE}/management/groups/{group}")["group"]
            if shown_group["state"] != "Empty" or shown_group["members"]:
                failures.append(f"{block}: group {group} is not empty after the consumer left: {shown_group}")
            partitions = get_json(port, f"/v2/{PROJECT}/kafka/instances/{INSTANCE}/topics/orders/partitions")
            ends = {p["partition"]: p["last_offset"] for p in partitions["partitions"]}
            committed = {o["partition"]: o["message_current_offset"] for o in shown_group["group_message_offsets"]}
            if any(committed.get(p, end) != end for p, end in ends.items() if end > 0) or not committed:
                failures.append(f"{block}: group {group} committed {committed}, the log ends are {ends}")

        def end_offset():
            partitions = get_json(port, f"/v2/{PROJECT}/kafka/instances/{INSTANCE}/topics/orders/partitions")
            return partitions["partitions"][0]["last_offset"]

        for text in by_language.get("sh", []):
            before = end_offset()
            out = run("```sh (kcat)", ["bash", "-euo", "pipefail", "-c", local(text)], failures)
            if end_offset() != before + 1:
                failures.append(f"```sh: the kcat producer did not store one message ({before} -> {end_offset()})")
            if "hello from kcat" not in out:
                failures.append(f"```sh: the kcat consumer did not read the message back:\n{out}")
            if "topic \"orders\" with 3 partitions" not in out:
                failures.append(f"```sh: kcat -L does not list orders with its 3 partitions:\n{out}")
            check_group("```sh (kcat -G)", "my-group")

        node_path = os.path.join(args.root, "tests", "sdk", "node_modules")
        for text in by_language.get("js", []):
            before = end_offset()
            out = run("```js (kafkajs)", ["node", "-e", local(text)], failures,
                      env={**os.environ, "NODE_PATH": node_path})
            after = get_json(port, f"/v2/{PROJECT}/kafka/instances/{INSTANCE}/topics/orders/partitions")
            total = sum(p["last_offset"] for p in after["partitions"])
            if "partition: 0" not in out or "high:" not in out:
                failures.append(f"```js: fetchTopicOffsets printed no offsets:\n{out}")
            if total <= before:  # kafkajs' default partitioner picks the partition by key
                failures.append("```js: the kafkajs producer stored nothing")

        for text in by_language.get("python", []):
            before = end_offset()
            out = run("```python (kafka-python)", ["/usr/bin/python3", "-c", local(text)], failures)
            if end_offset() != before + 1:
                failures.append("```python: the kafka-python producer did not store one message in partition 0")
            if "b'hello from kafka-python'" not in out or "b'hello from kcat'" not in out:
                failures.append(f"```python: the consumer did not read partition 0 from its start:\n{out}")
            retained = sum(p["message_count"] for p in get_json(
                port, f"/v2/{PROJECT}/kafka/instances/{INSTANCE}/topics/orders/partitions")["partitions"])
            if f"{retained} messages read by the group" not in out:
                failures.append(f"```python: the group consumer did not read the {retained} messages:\n{out}")
            check_group("```python (group)", "python-group")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)

    for failure in failures:
        print("README Kafka clients:", failure)
    print(f"{len(blocks)} blocks, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
