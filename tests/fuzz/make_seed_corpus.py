#!/usr/bin/env python3
"""Writes the wire fuzzer's seed corpus into tests/fuzz/corpus/.

The files are checked in; this script is how they were made, run by hand after a change
to the protocol or to the input layout (tests/fuzz/fuzz_one_input.hpp):

    greeting (8 bytes) | k (1 byte) | k chunk sizes | frame stream

Frames are built here from docs/wire-protocol.md, not with the codec's encoder, so the
corpus is also a second, independent reading of the spec: the unit test
fuzz_corpus_replay_test.cpp replays it and requires each frame type to decode.
"""

import pathlib
import struct

CORPUS = pathlib.Path(__file__).resolve().parent / "corpus"

DIRECTORY_CLIENT, DIRECTORY_SERVER, KERNEL_PEER, KERNEL_OBJECT = 1, 2, 3, 4
EXCHANGE, QUEUE = 1, 2
PUBLISH, SUBSCRIBE = 1, 2
MAX_BODY = 1024 * 1024


def greeting(role, version=1, magic=b"IMCHAT"):
    return magic + bytes([version, role])


def u8(v):
    return struct.pack(">B", v)


def u16(v):
    return struct.pack(">H", v)


def u32(v):
    return struct.pack(">I", v)


def text(s):
    data = s.encode() if isinstance(s, str) else s
    return u16(len(data)) + data


def frame(kind, body=b"", length=None):
    return u32(len(body) if length is None else length) + u8(kind) + body


def record(kind, name, endpoints, owner):
    return u8(kind) + text(name) + u16(len(endpoints)) + b"".join(text(e) for e in endpoints) + text(owner)


def error(code, message):
    return frame(0x01, u16(code) + text(message))


def heartbeat():
    return frame(0x02)


def register(request, kind, name, endpoints):
    return frame(0x10, u32(request) + u8(kind) + text(name) + u16(len(endpoints)) +
                 b"".join(text(e) for e in endpoints))


def unregister(request, name):
    return frame(0x11, u32(request) + text(name))


def lookup(request, name):
    return frame(0x12, u32(request) + text(name))


def list_names(request, prefix):
    return frame(0x13, u32(request) + text(prefix))


def ok(request):
    return frame(0x18, u32(request))


def fail(request, code, message):
    return frame(0x19, u32(request) + u16(code) + text(message))


def record_reply(request, rec):
    return frame(0x1A, u32(request) + rec)


def records_reply(request, last, recs):
    return frame(0x1B, u32(request) + u8(last) + u16(len(recs)) + b"".join(recs))


def u64(v):
    return struct.pack(">Q", v)


def attach(direction, obj, stream=0x1122334455667788, sequence=1, history=0):
    return frame(0x20, u8(direction) + text(obj) + u64(stream) + u64(sequence) + u32(history))


def attached(stream=0x0102030405060708, sequence=1):
    return frame(0x21, u64(stream) + u64(sequence))


def ack(next_sequence):
    return frame(0x23, u64(next_sequence))


def message(payload):
    return frame(0x22, payload)


def seed(greeting_bytes, stream, chunks=()):
    """An input: the greeting, the chunk sizes to feed the stream in, the stream."""
    return greeting_bytes + u8(len(chunks)) + bytes(chunks) + stream


LOBBY = record(EXCHANGE, "R_lobby", ["10.0.0.5:5555", "[fe80::1%eth0]:5556"], "10.0.0.5:41234")
CHEESE = record(QUEUE, "Q_cheese", ["127.0.0.1:6000"], "127.0.0.1:50000")

SEEDS = {
    # Well-formed: a greeting of each role, and each frame type.
    "greeting-only": seed(greeting(DIRECTORY_SERVER), b""),
    "valid-error": seed(greeting(DIRECTORY_SERVER),
                        error(2, "peer speaks 2, we speak 1")),
    "valid-heartbeat": seed(greeting(KERNEL_OBJECT), heartbeat()),
    "valid-register": seed(greeting(DIRECTORY_CLIENT),
                           register(1, EXCHANGE, "R_lobby", ["10.0.0.5:5555", "[fe80::1%eth0]:5556"])),
    "valid-unregister": seed(greeting(DIRECTORY_CLIENT), unregister(2, "R_lobby")),
    "valid-lookup": seed(greeting(DIRECTORY_CLIENT), lookup(3, "Q_cheese")),
    "valid-list": seed(greeting(DIRECTORY_CLIENT), list_names(4, "")),
    "valid-ok": seed(greeting(DIRECTORY_SERVER), ok(1)),
    "valid-fail": seed(greeting(DIRECTORY_SERVER),
                       fail(5, 100, "name 'Q_cheese' is held by 10.0.0.5:41234")),
    "valid-record": seed(greeting(DIRECTORY_SERVER), record_reply(3, LOBBY)),
    "valid-records": seed(greeting(DIRECTORY_SERVER),
                          records_reply(4, 0, [LOBBY]) + records_reply(4, 1, [CHEESE])),
    "valid-attach-publish": seed(greeting(KERNEL_PEER), attach(PUBLISH, "Q_cheese")),
    "valid-attach-subscribe": seed(greeting(KERNEL_PEER), attach(SUBSCRIBE, "R_lobby")),
    "valid-attached": seed(greeting(KERNEL_OBJECT), attached()),
    "valid-ack": seed(greeting(KERNEL_OBJECT), ack(42)),
    "valid-message": seed(greeting(KERNEL_OBJECT), message(b"alice: hello, room")),
    # Whole conversations, fed in awkward chunk sizes.
    "conversation-directory": seed(
        greeting(DIRECTORY_CLIENT),
        register(1, QUEUE, "Q_cheese", ["127.0.0.1:6000"]) + lookup(2, "R_lobby") +
        list_names(3, "Q_") + heartbeat() + unregister(4, "Q_cheese"),
        chunks=(1, 2, 3, 7)),
    "conversation-kernel": seed(
        greeting(KERNEL_OBJECT),
        attached() + message(b"first") + message(b"") + heartbeat() + message(bytes(range(256))) + ack(3),
        chunks=(5, 0)),
    "conversation-byte-by-byte": seed(
        greeting(DIRECTORY_SERVER),
        ok(1) + record_reply(2, CHEESE) + records_reply(3, 1, []) + fail(4, 101, "no such name"),
        chunks=(1,)),
    # Greetings that must be refused.
    "greeting-bad-magic-http": seed(b"GET / HT", b"TP/1.1\r\n\r\n"),
    "greeting-bad-version": seed(greeting(DIRECTORY_SERVER, version=2),
                                 error(2, "peer speaks 2")),
    "greeting-bad-role": seed(greeting(9), heartbeat()),
    "greeting-role-zero": seed(greeting(0), b""),
    "short-input": b"IMCH",
    # Frame headers the decoder must refuse.
    "frame-length-4gib": seed(greeting(KERNEL_OBJECT),
                              frame(0x22, b"never read", length=0xFFFFFFFF)),
    "frame-length-limit-plus-one": seed(greeting(KERNEL_OBJECT),
                                        frame(0x22, b"", length=MAX_BODY + 1)),
    "frame-unknown-type": seed(greeting(KERNEL_OBJECT), heartbeat() + frame(0x03, b"x")),
    "frame-unknown-type-ff": seed(greeting(KERNEL_OBJECT), frame(0xFF)),
    # A stream that stops inside a frame.
    "stream-ends-mid-body": seed(greeting(KERNEL_OBJECT), message(b"complete") +
                                 frame(0x22, b"cut sh", length=40)),
    "stream-ends-mid-header": seed(greeting(KERNEL_OBJECT), heartbeat() + b"\x00\x00", chunks=(3,)),
    # Bodies the typed decoders must refuse.
    "body-register-bad-kind": seed(greeting(DIRECTORY_CLIENT),
                                   frame(0x10, u32(1) + u8(7) + text("Q_x") + u16(0))),
    "body-register-missing-endpoints": seed(greeting(DIRECTORY_CLIENT),
                                            frame(0x10, u32(1) + u8(QUEUE) + text("Q_x") + u16(3) +
                                                  text("127.0.0.1:1"))),
    "body-records-bad-last": seed(greeting(DIRECTORY_SERVER), frame(0x1B, u32(1) + u8(2) + u16(0))),
    "body-records-huge-count": seed(greeting(DIRECTORY_SERVER), frame(0x1B, u32(1) + u8(1) + u16(0xFFFF))),
    "body-record-bad-kind": seed(greeting(DIRECTORY_SERVER),
                                 record_reply(1, record(0, "Q_x", [], "o"))),
    "body-attach-bad-direction": seed(greeting(KERNEL_PEER), attach(3, "Q_cheese")),
    "body-attach-missing-history": seed(greeting(KERNEL_PEER),
                                        frame(0x20, u8(SUBSCRIBE) + text("R_lobby") + u64(0) + u64(0))),
    "body-ack-truncated": seed(greeting(KERNEL_OBJECT), frame(0x23, b"\x00\x00\x01")),
    "body-ok-trailing-bytes": seed(greeting(DIRECTORY_SERVER), frame(0x18, u32(1) + b"\x00")),
    "body-heartbeat-with-body": seed(greeting(KERNEL_OBJECT), frame(0x02, b"\x01")),
    "body-error-string-too-long": seed(greeting(DIRECTORY_SERVER), frame(0x01, u16(4) + u16(50) + b"short")),
    "body-lookup-truncated-request": seed(greeting(DIRECTORY_CLIENT), frame(0x12, b"\x00\x01")),
}


def main():
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.glob("*.bin"):
        old.unlink()
    for name, data in sorted(SEEDS.items()):
        (CORPUS / f"{name}.bin").write_bytes(data)
    print(f"wrote {len(SEEDS)} seeds to {CORPUS}")


if __name__ == "__main__":
    main()
