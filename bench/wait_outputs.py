#!/usr/bin/env python3
"""bench/run.sh's pipeline clock: waits until every display's output file has grown by
the bytes of every line, or until none has grown for STALL seconds.

  wait_outputs.py BYTES STALL FILE=BASE...

Each FILE must grow by BYTES past its size BASE (taken before the lines were sent).
Prints the time (seconds since the epoch, as `date +%s.%N`) when the last output was
complete, or "lost:P%" with the share of the lines the least complete output lacks.
It reads the files' sizes, which are what the
displays wrote to standard output: /proc/PID/io's wchar also counts a process's other
writes (libzmq's and Asio's wake-ups write to eventfds), which ended runs too early.
"""
import os
import sys
import time


def main() -> None:
    expected, stall = int(sys.argv[1]), float(sys.argv[2])
    pairs = [argument.rsplit("=", 1) for argument in sys.argv[3:]]
    files, base = [f for f, _ in pairs], [int(b) for _, b in pairs]
    last_total, last_change = -1, time.monotonic()
    while True:
        grown = [os.stat(f).st_size - b for f, b in zip(files, base)]
        if all(g >= expected for g in grown):
            print(f"{time.time():.6f}")
            return
        total = sum(grown)
        now = time.monotonic()
        if total != last_total:
            last_total, last_change = total, now
        elif now - last_change >= stall:
            print(f"lost:{100 - min(grown) * 100 // expected}%")
            return
        time.sleep(0.002)


if __name__ == "__main__":
    main()
