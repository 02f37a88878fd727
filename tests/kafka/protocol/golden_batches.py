#!/usr/bin/python3
"""Writes the golden record batches of record_batch_test.cpp: batches built by a real client library,
kafka-python's DefaultRecordBatchBuilder (Debian's python3-kafka 2.0.2; python3-snappy, python3-lz4 and
python3-zstandard for the codecs), printed as C++ string literals of hex. Run with Debian's interpreter:
    /usr/bin/python3 tests/kafka/protocol/golden_batches.py
The output is pasted into the test; the test does not run this script."""
import struct

import snappy
from kafka.record import default_records
from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder

T0 = 1700000000000
# Values long enough that every codec makes the batch smaller (kafka-python sends uncompressed otherwise).
V = b"stream-emulator " * 8


def build(codec, records, base_offset=0, producer=(-1, -1, -1), transactional=False):
    pid, epoch, seq = producer
    b = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=transactional,
                                  producer_id=pid, producer_epoch=epoch, base_sequence=seq,
                                  batch_size=1 << 20)
    for delta, ts, key, value, headers in records:
        assert b.append(delta, timestamp=ts, key=key, value=value, headers=headers) is not None
    out = bytearray(b.build())
    struct.pack_into(">q", out, 0, base_offset)  # outside the CRC, as a broker patches it
    check = DefaultRecordBatch(bytes(out))
    assert check.validate_crc()
    assert check.compression_type == codec, (codec, check.compression_type)
    return bytes(out)


SMALL = [
    (0, T0, b"k1", b"hello", [("h1", b"v1")]),
    (1, T0 + 1, None, b"world", []),
    (2, T0 + 5, b"k3", None, [("h2", None), ("h3", b"")]),
]
LONG = [
    (0, T0, b"k1", V, [("h1", b"v1")]),
    (1, T0 + 1, None, V, []),
    (2, T0 - 3, b"k3", None, [("h2", None), ("h3", b"")]),
    (3, T0 + 9, b"k4", V + b"!", []),
]


def literal(name, data):
    hexed = data.hex()
    lines = [hexed[i:i + 96] for i in range(0, len(hexed), 96)]
    body = "\n".join('    "%s"' % line for line in lines)
    print("// %d bytes\nconst std::string %s = from_hex(\n%s);" % (len(data), name, body))


literal("uncompressed_hex", build(0, SMALL, base_offset=100))
literal("idempotent_hex", build(0, SMALL[:1], base_offset=7, producer=(1234, 5, 17)))
literal("gzip_hex", build(1, LONG, base_offset=42))
literal("snappy_xerial_hex", build(2, LONG, base_offset=42))
literal("lz4_hex", build(3, LONG, base_offset=42))
literal("zstd_hex", build(4, LONG, base_offset=42))
# librdkafka's snappy: raw, without the snappy-java framing kafka-python writes by default.
default_records.snappy_encode = lambda data: snappy.compress(bytes(data))
literal("snappy_raw_hex", build(2, LONG, base_offset=42))
