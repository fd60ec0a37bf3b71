"""`python -m solar_om_engine check READINGS.json --at ISO-8601`

Prints one JSON object per site (`site`, `kind`, `case_type`, `reason`) and
one per fleet-level verdict. A malformed reading is reported on stderr with
its site and field, the other sites are still judged, and the exit code is 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from .classify import classify_fleet
from .readings import ReadingError, parse_reading, parse_timestamp


def check(path: str, at_text: str, out=sys.stdout, err=sys.stderr) -> int:
    try:
        at = parse_timestamp("(command line)", "--at", at_text)
    except ReadingError as error:
        print(f"error: {error}", file=err)
        return 2
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror}", file=err)
        return 2
    except json.JSONDecodeError as error:
        print(f"error: {path} is not JSON: {error.msg} at line {error.lineno}", file=err)
        return 2
    items = data.get("readings") if isinstance(data, dict) else data
    if not isinstance(items, list):
        print(f"error: {path} must hold a list of readings (or {{'readings': [...]}})", file=err)
        return 2
    readings, bad = [], 0
    for index, item in enumerate(items):
        try:
            readings.append(parse_reading(item))
        except ReadingError as error:
            bad += 1
            print(f"error: reading #{index}: {error}", file=err)
    result = classify_fleet(readings, at)
    for verdict in result.verdicts:
        print(json.dumps(verdict.to_json(), ensure_ascii=False), file=out)
    for fleet_verdict in result.fleet_verdicts:
        print(json.dumps(fleet_verdict.to_json(), ensure_ascii=False), file=out)
    return 2 if bad else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m solar_om_engine")
    sub = parser.add_subparsers(dest="command", required=True)
    check_cmd = sub.add_parser("check", help="classify a JSON file of readings")
    check_cmd.add_argument("readings")
    check_cmd.add_argument("--at", required=True, help="ISO-8601 instant with offset")
    args = parser.parse_args(argv)
    return check(args.readings, args.at)


if __name__ == "__main__":
    sys.exit(main())
