#!/usr/bin/env python3
"""What bench/run.sh's pipeline checks in each display's output.

  check_lines.py FILE SKIP COUNT

Past its first SKIP lines (the warm-up), FILE must hold the pipeline's COUNT lines
exactly: "STAMP u: NNNNNNNN000...0" (the line's number in 8 digits, then 56 zeros), each
once and in order. Late warm-up lines ("STAMP u: warm") are let through. Prints "ok", or
what is wrong and exits 1.
"""
import sys


def check(path: str, skip: int, count: int) -> str:
    got = wrong = 0
    with open(path, "rb") as lines:
        for number, line in enumerate(lines):
            if number < skip:
                continue
            text = line.rstrip(b"\n").split(b" u: ", 1)
            if len(text) == 2 and text[1] == b"warm":
                continue
            if len(text) == 2 and got < count and text[1] == b"%08d%056d" % (got, 0):
                got += 1
            else:
                wrong += 1
    if got == count and wrong == 0:
        return "ok"
    return f"{got} of {count} lines in order, {wrong} out of place or extra"


if __name__ == "__main__":
    verdict = check(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    print(verdict)
    sys.exit(0 if verdict == "ok" else 1)
