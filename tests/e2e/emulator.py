"""Starting the emulator binary for the end-to-end scripts of this folder."""

import contextlib
import os
import re
import signal
import subprocess
import tempfile


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


@contextlib.contextmanager
def kafka_emulator(binary, scratch_prefix):
    """Runs the binary with an empty state and ephemeral Kafka ports for the `with` block, which gets the
    HTTP base URL and an empty scratch folder; afterwards stops the emulator (SIGTERM) and removes the
    folder."""
    proc, port = start_emulator(binary, extra_args=["--kafka-port", "0"])
    scratch = tempfile.mkdtemp(prefix=scratch_prefix)
    try:
        yield f"http://127.0.0.1:{port}", scratch
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        for name in os.listdir(scratch):
            os.unlink(os.path.join(scratch, name))
        os.rmdir(scratch)
