#!/usr/bin/env python3
"""End-to-end check that the console sessions of the documentation work exactly as printed.

For each markdown page given (the README and every docs/ page with ```console blocks), starts the built
binary with the example fixture on a free port, takes every ```console block of the page, runs each `$ `
command (with `\\` continuation lines) in one bash session, in a scratch directory, and compares what it
prints with the lines the page shows under it. The pages' port 9780 is replaced by the real one. Every
page gets a fresh emulator, so a page's sessions depend on the fixture and on each other, never on another
page. A page without console sessions is an error: it was listed for its sessions.

With --bad-fixture, checks instead that a broken fixture stops startup with a message naming the file,
JSON path and problem.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile

from emulator import start_emulator

DOC_PORT = "9780"


def console_blocks(page_text):
    return re.findall(r"^```console\n(.*?)^```", page_text, flags=re.S | re.M)


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


def run_page(binary, page, fixture):
    """Runs one page's sessions on a fresh emulator; returns (passed, failed)."""
    with open(page, encoding="utf-8") as f:
        steps = [s for block in console_blocks(f.read()) for s in parse_steps(block)]
    if not steps:
        print(f"{page}: no ```console blocks with $ commands")
        return 0, 1
    proc, port = start_emulator(binary, fixture)
    marker = "@@step-done@@"
    script = "set -u\n"
    for command, _ in steps:
        script += command.replace(f"127.0.0.1:{DOC_PORT}", f"127.0.0.1:{port}") + f"\necho; echo {marker}\n"
    try:
        with tempfile.TemporaryDirectory() as scratch:
            out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                                 cwd=scratch).stdout
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
            print(f"{page}: MISMATCH in step {index + 1}:\n  $ {command}\n  expected: {expected!r}\n"
                  f"  got:      {got!r}")
    if code != 0:
        failed += 1
        print(f"{page}: emulator exited with {code} on SIGTERM, expected 0")
    else:
        passed += 1
    print(f"{page}: {passed} passed, {failed} failed")
    return passed, failed


def run_pages(binary, pages, fixture):
    if not pages:
        raise SystemExit("no pages given")
    total_passed = total_failed = 0
    for page in pages:
        passed, failed = run_page(binary, page, fixture)
        total_passed += passed
        total_failed += failed
    print(f"{len(pages)} pages: {total_passed} passed, {total_failed} failed")
    return total_failed == 0


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
    parser.add_argument("--fixture")
    parser.add_argument("--bad-fixture", action="store_true")
    # --readme PAGE is the older spelling of a page argument (docker/verify uses it).
    parser.add_argument("--readme", action="append", default=[])
    parser.add_argument("pages", nargs="*")
    args = parser.parse_args()
    if args.bad_fixture:
        ok = check_bad_fixture(args.binary)
    else:
        if not args.fixture:
            parser.error("--fixture is required to run pages")
        ok = run_pages(args.binary, args.readme + args.pages, args.fixture)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
