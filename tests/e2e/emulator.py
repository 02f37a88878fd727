"""Starting the emulator binary for the end-to-end scripts of this folder."""

import re
import subprocess


def start_emulator(binary, fixture=None, extra_args=()):
    """Starts the binary on a free port with `fixture` (none: an empty state) and `extra_args`; returns the
    process and the port it listens on."""
    fixture_args = ["--fixture", fixture] if fixture else []
    proc = subprocess.Popen([binary, "--port", "0", *fixture_args, "--log-level", "warn", *extra_args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.match(r"stream-emulator listening on http://127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"emulator did not start: {line!r} {proc.stderr.read()}")
    return proc, match.group(1)
