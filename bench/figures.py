#!/usr/bin/env python3
"""How bench/run.sh makes one figure of several runs.

  figures.py median VALUE...          the median of numbers (the lower middle one of an
                                      even count: always a value that was measured); a
                                      run that gave no number ("lost:12%", "wrong-lines")
                                      is not averaged away: the first such, and in how
                                      many runs, e.g. "lost:12%(2/5)"
  figures.py median-file FILE...      the JSON result whose delivered_per_second is the
                                      median (its other fields go with it)
  figures.py total KEY FILE...        KEY summed over JSON results (what all runs lost)
"""
import json
import sys


def is_number(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        return False


def median(values: list[str]) -> str:
    if not values:
        return "n/a"
    failed = [v for v in values if not is_number(v)]
    if failed:
        return f"{failed[0]}({len(failed)}/{len(values)})"
    ordered = sorted(values, key=float)
    return ordered[(len(ordered) - 1) // 2]


def median_file(paths: list[str]) -> str:
    def rate(path: str) -> float:
        with open(path) as result:
            return float(json.load(result).get("delivered_per_second", 0))
    ordered = sorted(paths, key=rate)
    return ordered[(len(ordered) - 1) // 2]


def total(key: str, paths: list[str]) -> int:
    count = 0
    for path in paths:
        with open(path) as result:
            count += int(json.load(result).get(key, 0))
    return count


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("median", "median-file", "total"):
        sys.exit(__doc__)
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "median":
        print(median(arguments))
    elif command == "median-file":
        if not arguments:
            sys.exit("median-file: no results")
        print(median_file(arguments))
    else:
        if not arguments:
            sys.exit("total: which key?")
        print(total(arguments[0], arguments[1:]))
