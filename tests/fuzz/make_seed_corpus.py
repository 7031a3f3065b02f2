#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into tests/fuzz/:

  corpus/          the wire fuzzer's (frame_decoder_fuzzer, tests/fuzz/fuzz_one_input.hpp):
                   greeting (8 bytes) | k (1 byte) | k chunk sizes | frame stream
  text-corpus/     the text fuzzer's (text_fuzzer.cpp): text, given to every parser
  session-corpus/  the directory session fuzzer's (directory_session_fuzzer.cpp):
                   mode (1 byte: bit 0 set, the stream carries its own greeting) | stream
  room-corpus/     the room fuzzer's (room_attach_fuzzer.cpp): flags | ATTACH's fields |
                   frames (the layout is described there)

The files are checked in; this script is how they were made, run by hand after a change
to the protocol or to an input layout. Frames are built here from docs/wire-protocol.md,
not with the codec's encoder, so the corpus is also a second, independent reading of the
spec: the unit test fuzz_corpus_replay_test.cpp replays the wire corpus and requires each
frame type to decode; ctest replays the others through their fuzzers' checks
(fuzz_corpus.NAME).
"""

import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
TEXT_CORPUS = HERE / "text-corpus"
SESSION_CORPUS = HERE / "session-corpus"
ROOM_CORPUS = HERE / "room-corpus"

DIRECTORY_CLIENT, DIRECTORY_SERVER, KERNEL_PEER, KERNEL_OBJECT = 1, 2, 3, 4
EXCHANGE, QUEUE = 1, 2
PUBLISH, SUBSCRIBE = 1, 2
MAX_BODY = 1024 * 1024


def greeting(role, version=2, magic=b"IMCHAT"):
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


def attach(direction, obj, stream=0x1122334455667788, sequence=1, history=0, secret=(0x5EC2E7, 0x5EC2E8)):
    if direction != PUBLISH:
        secret = (0, 0)
    return frame(0x20, u8(direction) + text(obj) + u64(stream) + u64(sequence) + u32(history)
                 + u64(secret[0]) + u64(secret[1]))


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
    "greeting-bad-version": seed(greeting(DIRECTORY_SERVER, version=3),
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
    "body-attach-missing-secret": seed(greeting(KERNEL_PEER),
                                       frame(0x20, u8(PUBLISH) + text("Q_cheese") + u64(1) + u64(1) + u32(0))),
    "body-ack-truncated": seed(greeting(KERNEL_OBJECT), frame(0x23, b"\x00\x00\x01")),
    "body-ok-trailing-bytes": seed(greeting(DIRECTORY_SERVER), frame(0x18, u32(1) + b"\x00")),
    "body-heartbeat-with-body": seed(greeting(KERNEL_OBJECT), frame(0x02, b"\x01")),
    "body-error-string-too-long": seed(greeting(DIRECTORY_SERVER), frame(0x01, u16(4) + u16(50) + b"short")),
    "body-lookup-truncated-request": seed(greeting(DIRECTORY_CLIENT), frame(0x12, b"\x00\x01")),
}

# Every text seed goes to every parser; each is named for the one it is meant for.
TEXT_SEEDS = {
    "directory-address": b"dirhost",
    "endpoint-v6-scope": b"[fe80::1%lo]:80",
    "hostile-text": "kofi: \u202e\x1b[31m \U0001F469\u200d\U0001F4BB \\x1b ".encode() + b"\xff",
    "spec-any": b"*:0",
    "spec-interface": b"eth0:5555",
    # Byte sizes: each unit, the largest that fits, the first that does not.
    "byte-size-units": b"512K",
    "byte-size-lower-case": b"4m",
    "byte-size-gib": b"3G",
    "byte-size-max": str(2**64 - 1).encode(),
    "byte-size-overflow-unit": str(2**34).encode() + b"G",
    "byte-size-overflow-digits": b"1" + b"0" * 30,
    "byte-size-leading-zeros": b"0004096",
    "byte-size-bad-unit": b"12KB",
    # Room names: a good one, one at the limit, one over it, one with a control character.
    "room-name": "lobby-\u00e9t\u00e9".encode(),
    "room-name-200": b"r" * 200,
    "room-name-201": b"r" * 201,
    "room-name-control": b"lob\x07by",
    # Config files: every kind of line and of value, and each way a line can be wrong.
    "config-good": b"# imchat room\nmax-frame = 4M\npeer-timeout = 2.5\nworkers=3\n"
                   b"listen = 127.0.0.1:5555\nlisten = [::1]:5555\nembedded-directory =\n"
                   b"[log]\nlevel = debug # trailing comment\n[]\nhistory = 10\r\n",
    "config-command-line-wins": b"room = from the file\n",
    "config-switch-false": b"embedded-directory = no\n",
    "config-bad-switch": b"embedded-directory = maybe\n",
    "config-bad-byte-size": b"max-frame = 4X\n",
    "config-bad-number": b"workers = -1\n",
    "config-unknown-key": b"\n\nnope = 1\n",
    "config-forbidden-key": b"config = /etc/other.conf\n",
    "config-no-equals": b"just words\n",
    "config-unclosed-section": b"[log\nlevel = info\n",
    "config-twice": b"max-frame = 1K\nmax-frame = 2K\n",
    # Regression: a value without a key made program_options throw "ambiguous option"
    # instead of an error naming the line (found by the text fuzzer).
    "config-value-without-key": b"\n= p n1o e\n",
    # Regression: a bad value holding a placeholder of program_options' messages made it
    # substitute for ever (found by the text fuzzer).
    "config-value-placeholder": b"peer-timeout = %value%') for option\nmax-frame = 4%value%\n",
}


def session(stream, raw=False):
    """A session fuzzer input: the client's greeting is sent first unless `raw`."""
    return u8(1 if raw else 0) + stream


SESSION_SEEDS = {
    # Well-formed requests: the connection stays open and every one is answered.
    "register-lookup-list-unregister": session(
        register(1, QUEUE, "Q_cheese", ["127.0.0.1:6000"]) +
        register(2, EXCHANGE, "E_cheese", ["127.0.0.1:6001", "[::1]:6001"]) +
        lookup(3, "Q_cheese") + lookup(4, "nobody") + list_names(5, "") + list_names(6, "E_") +
        heartbeat() + unregister(7, "Q_cheese") + unregister(8, "Q_cheese")),
    "register-twice": session(register(1, QUEUE, "Q_x", ["127.0.0.1:1"]) +
                              register(2, EXCHANGE, "Q_x", ["127.0.0.1:2"])),
    "register-bad-names": session(
        register(1, QUEUE, "", ["127.0.0.1:1"]) + register(2, QUEUE, b"bell\x07", ["127.0.0.1:1"]) +
        register(3, QUEUE, b"\xff\xfe", ["127.0.0.1:1"]) + register(4, QUEUE, "x" * 1025, ["127.0.0.1:1"]) +
        register(5, QUEUE, "no-endpoints", []) + register(6, QUEUE, "bad-endpoint", ["nowhere"]) +
        register(7, QUEUE, "many", ["127.0.0.1:1"] * 17)),
    "lookup-hostile-name": session(lookup(1, "\u202e\x1b[31m".encode() + b"\xff" * 300)),
    "list-many": session(b"".join(register(i, QUEUE, f"Q_{i:04}", ["127.0.0.1:1"]) for i in range(40)) +
                         list_names(100, "Q_") + list_names(101, "Q_003")),
    "empty": session(b""),
    # Frames the directory refuses: ERROR, then close.
    "malformed-register": session(lookup(1, "x") + frame(0x10, u32(1) + u8(7) + text("Q_x") + u16(0))),
    "malformed-lookup": session(frame(0x12, b"\x00\x01")),
    "unexpected-message": session(register(1, QUEUE, "Q_y", ["127.0.0.1:1"]) + message(b"hi")),
    "unexpected-ok": session(ok(1)),
    "unexpected-attach": session(attach(SUBSCRIBE, "E_lobby")),
    "unknown-frame-type": session(frame(0x03, b"x")),
    "frame-too-large": session(frame(0x12, b"", length=MAX_BODY + 1)),
    # The client closes: its own ERROR, a cut frame.
    "client-error": session(lookup(1, "x") + error(2, "bye")),
    "client-error-after-registers": session(register(1, QUEUE, "Q_0000", ["127.0.0.1:1"]) +
                                            register(2, QUEUE, "Q_0001", ["127.0.0.1:1"]) + error(0x7F, "gone")),
    "client-malformed-error": session(frame(0x01, b"\x00")),
    "cut-mid-body": session(lookup(1, "x") + frame(0x12, b"\x00\x00", length=30)),
    "cut-mid-header": session(b"\x00\x00"),
    # Greetings sent by the input itself.
    "raw-good-greeting": session(greeting(DIRECTORY_CLIENT) + lookup(9, "Q_cheese"), raw=True),
    "raw-bad-magic": session(b"GET / HTTP/1.1\r\n\r\n", raw=True),
    "raw-bad-version": session(greeting(DIRECTORY_CLIENT, version=3) + lookup(1, "x"), raw=True),
    "raw-bad-role": session(greeting(KERNEL_PEER) + lookup(1, "x"), raw=True),
    "raw-short-greeting": session(b"IMCH", raw=True),
}


TO_QUEUE, TO_EXCHANGE, RAW = 0, 1, 2
OWN_NAME, OTHER_NAME, GIVEN_NAME, EMPTY_NAME = 0 << 2, 1 << 2, 2 << 2, 3 << 2
OWN_INCARNATION = 16
STRANGERS_SECRET = 32


def room(flags, direction, stream=0, sequence=0, history=0, name=None, frames=b""):
    """A room fuzzer input: ATTACH's fields, then the frames sent after it."""
    given = u8(len(name)) + name if name is not None else b""
    return u8(flags) + u8(direction) + u64(stream) + u64(sequence) + u32(history) + given + frames


ROOM_SEEDS = {
    # Publishers: a first attach, one that resumes, messages and heartbeats.
    "publish-messages": room(TO_QUEUE, PUBLISH, 0x1234, 1,
                             frames=message(b"alice: hi") + message(b"") + heartbeat() + message(bytes(range(256)))),
    "publish-resume-lower": room(TO_QUEUE, PUBLISH, 0x1234, 1, frames=message(b"again")),
    "publish-resume-higher": room(TO_QUEUE, PUBLISH, 0x1234, 1000, frames=message(b"later")),
    # Stream theft (issue 13): another's secret, and skipping ahead of the queue's record.
    "publish-strangers-secret": room(TO_QUEUE | STRANGERS_SECRET, PUBLISH, 0x1234, 1, frames=message(b"mine")),
    "publish-skip-ahead": room(TO_QUEUE, PUBLISH, 0x1234, 2**62, frames=message(b"skipped")),
    "publish-many": room(TO_QUEUE, PUBLISH, 0x5678, 7, frames=b"".join(message(b"%d" % i) for i in range(100))),
    # Regressions: a sequence whose numbers would wrap past 2^64 (refused since), and a
    # frame a publisher may not send after messages (whose ACK came after the ERROR).
    "publish-last-sequence": room(TO_QUEUE, PUBLISH, 0x9ABC, 2**64 - 2, frames=message(b"x") + message(b"y")),
    "publish-sequence-limit": room(TO_QUEUE, PUBLISH, 0x9ABD, 2**63, frames=message(b"x")),
    "publish-below-sequence-limit": room(TO_QUEUE, PUBLISH, 0x9ABE, 2**63 - 3, frames=message(b"x") + message(b"y")),
    # Publishers refused, at once or after a while.
    "publish-zero-stream": room(TO_QUEUE, PUBLISH, 0, 1),
    "publish-zero-sequence": room(TO_QUEUE, PUBLISH, 5, 0),
    "publish-wrong-direction": room(TO_QUEUE, SUBSCRIBE, 5, 1),
    "publish-bad-direction": room(TO_QUEUE, 3, 5, 1),
    "publish-other-name": room(TO_QUEUE | OTHER_NAME, PUBLISH, 5, 1),
    "publish-given-name": room(TO_QUEUE | GIVEN_NAME, PUBLISH, 5, 1, name="\u202e\x1b[2J".encode() + b"\xff"),
    "publish-empty-name": room(TO_QUEUE | EMPTY_NAME, PUBLISH, 5, 1),
    "publish-then-ack": room(TO_QUEUE, PUBLISH, 0x42, 1, frames=message(b"ok") + ack(2)),
    "publish-then-attach": room(TO_QUEUE, PUBLISH, 0x43, 1, frames=attach(PUBLISH, "Q_fuzz")),
    "publish-cut": room(TO_QUEUE, PUBLISH, 0x44, 1, frames=message(b"whole") + frame(0x22, b"cu", length=9)),
    "publish-unknown-frame": room(TO_QUEUE, PUBLISH, 0x45, 1, frames=message(b"a") + frame(0x03)),
    "publish-too-large": room(TO_QUEUE, PUBLISH, 0x46, 1, frames=frame(0x22, b"", length=MAX_BODY + 1)),
    "publish-client-error": room(TO_QUEUE, PUBLISH, 0x47, 1, frames=message(b"bye") + error(0, "leaving")),
    # Subscribers: first attach with and without history, resuming, another incarnation.
    "subscribe-live": room(TO_EXCHANGE, SUBSCRIBE),
    "subscribe-history": room(TO_EXCHANGE, SUBSCRIBE, history=10),
    "subscribe-all-history": room(TO_EXCHANGE, SUBSCRIBE, history=0xFFFFFFFF),
    "subscribe-resume": room(TO_EXCHANGE | OWN_INCARNATION, SUBSCRIBE, 0, 2),
    "subscribe-resume-future": room(TO_EXCHANGE | OWN_INCARNATION, SUBSCRIBE, 0, 2**63),
    "subscribe-resume-zero": room(TO_EXCHANGE | OWN_INCARNATION, SUBSCRIBE, 0, 0),
    "subscribe-other-incarnation": room(TO_EXCHANGE, SUBSCRIBE, 0x77, 3),
    # Subscribers refused, or closed for what they send.
    "subscribe-wrong-direction": room(TO_EXCHANGE, PUBLISH, 5, 1),
    "subscribe-other-name": room(TO_EXCHANGE | OTHER_NAME, SUBSCRIBE),
    "subscribe-sends-message": room(TO_EXCHANGE, SUBSCRIBE, history=3, frames=heartbeat() + message(b"no")),
    "subscribe-sends-ack": room(TO_EXCHANGE, SUBSCRIBE, frames=ack(1)),
    "subscribe-cut": room(TO_EXCHANGE, SUBSCRIBE, history=2, frames=b"\x00\x00\x00"),
    # Raw streams: no ATTACH built here.
    "raw-nothing": u8(TO_QUEUE | RAW),
    "raw-message-first": u8(TO_QUEUE | RAW) + message(b"before attach"),
    "raw-heartbeat-then-attach": u8(TO_EXCHANGE | RAW) + heartbeat() + attach(SUBSCRIBE, "E_fuzz", 0, 0, 1),
    "raw-truncated-attach": u8(TO_QUEUE | RAW) + frame(0x20, u8(PUBLISH) + text("Q_fuzz") + u64(1)),
    "raw-error-first": u8(TO_EXCHANGE | RAW) + error(3, "no"),
}


def write(directory, seeds, suffix):
    directory.mkdir(exist_ok=True)
    for old in directory.glob(f"*{suffix}" if suffix else "*"):
        old.unlink()
    for name, data in sorted(seeds.items()):
        (directory / f"{name}{suffix}").write_bytes(data)
    print(f"wrote {len(seeds)} seeds to {directory}")


def main():
    write(CORPUS, SEEDS, ".bin")
    write(TEXT_CORPUS, TEXT_SEEDS, "")
    write(SESSION_CORPUS, SESSION_SEEDS, ".bin")
    write(ROOM_CORPUS, ROOM_SEEDS, ".bin")


if __name__ == "__main__":
    main()
