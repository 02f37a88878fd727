#!/usr/bin/env python3
"""End-to-end check that the README's curl sessions work exactly as printed.

Starts the built binary with the example fixture on a free port, takes every ```console block of the
README, runs each `$ ` command (with `\\` continuation lines) in one bash session, and compares what it
prints with the lines the README shows under it. The README's port 9780 is replaced by the real one.
Also checks that a broken fixture stops startup with a message naming the file, JSON path and problem.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile

from emulator import start_emulator

README_PORT = "9780"


def console_blocks(readme_text):
    return re.findall(r"```console\n(.*?)```", readme_text, flags=re.S)


def parse_steps(block):
    steps = []
    lines = block.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            i += 1
            continue
        command = [line[2:]]
        while command[-1].endswith("\\") and i + 1 < len(lines):
            i += 1
            command.append(lines[i])
        i += 1
        expected = []
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        steps.append(("\n".join(command), "\n".join(expected).rstrip("\n")))
    return steps


def run_session(binary, readme, fixture):
    steps = [s for block in console_blocks(open(readme).read()) for s in parse_steps(block)]
    if not steps:
        raise SystemExit("no ```console blocks with $ commands in the README")
    proc, port = start_emulator(binary, fixture)
    marker = "@@step-done@@"
    script = "set -u\n"
    for command, _ in steps:
        script += command.replace(f"127.0.0.1:{README_PORT}", f"127.0.0.1:{port}") + f"\necho; echo {marker}\n"
    try:
        out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60).stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
    outputs = out.split(marker + "\n")
    passed = failed = 0
    for index, (command, expected) in enumerate(steps):
        got = outputs[index].rstrip("\n") if index < len(outputs) else "<no output>"
        if got == expected:
            passed += 1
        else:
            failed += 1
            print(f"MISMATCH in step {index + 1}:\n  $ {command}\n  expected: {expected!r}\n  got:      {got!r}")
    if code != 0:
        failed += 1
        print(f"emulator exited with {code} on SIGTERM, expected 0")
    else:
        passed += 1
    print(f"{passed} passed, {failed} failed")
    return failed == 0


def check_bad_fixture(binary):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as bad:
        bad.write('{"projects":[{"project_id":"0123456789abcdef0123456789abcdef",'
                  '"kafka":{"instances":[{"name":"emu-kafka-01","topics":[{"id":"orders","partition":0}]}]}}]}')
    try:
        result = subprocess.run([binary, "--port", "0", "--fixture", bad.name], capture_output=True, text=True,
                                timeout=10)
    finally:
        os.unlink(bad.name)
    want = f"{bad.name}: $.projects[0].kafka.instances[0].topics[0]:"
    ok = result.returncode == 2 and want in result.stderr and "DMS.00400102" in result.stderr
    print(f"{1 if ok else 0} passed, {0 if ok else 1} failed")
    if not ok:
        print(f"bad fixture: exit {result.returncode}, stderr {result.stderr!r}, wanted {want!r}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--readme")
    parser.add_argument("--fixture")
    parser.add_argument("--bad-fixture", action="store_true")
    args = parser.parse_args()
    ok = check_bad_fixture(args.binary) if args.bad_fixture else run_session(args.binary, args.readme, args.fixture)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
