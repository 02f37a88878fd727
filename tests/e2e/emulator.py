"""Starting the emulator binary for the end-to-end scripts of this folder."""

import re
import subprocess


def start_emulator(binary, fixture):
    """Starts the binary on a free port with `fixture`; returns the process and the port it listens on."""
    proc = subprocess.Popen([binary, "--port", "0", "--fixture", fixture, "--log-level", "warn"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.match(r"stream-emulator listening on http://127\.0\.0\.1:(\d+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"emulator did not start: {line!r} {proc.stderr.read()}")
    return proc, match.group(1)
