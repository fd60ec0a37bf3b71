"""`python -m solar_om_engine check READINGS.json --at ISO-8601`

Prints one JSON object per site (`site`, `kind`, `case_type`, `reason`) and
one per fleet-level verdict. A malformed reading is reported on stderr with
its site and field, the other sites are still judged, and the exit code is 2.

`python -m solar_om_engine plan --vendor enphase --plan watt --sites 100
[--latitude 33.4 --longitude -112 --date 2026-06-21]`

Prints the polling plan of one account as one JSON object: the liveness
cadence, production judgments per site and day, the worst-case time to
detect a comms loss and its bound, calls a day and a month. Without a
latitude every day has 12 hours of daylight.

`python -m solar_om_engine days FLEET.json`

Replays a fleet's days in date order through the day judge (`replay.py`)
and prints one JSON object per site per day: `site`, `date`, `kind`,
`ticket_open` (whether the site has an open monitoring ticket at the end of
that day) and `reason`. A bad site or site-day is reported on stderr naming
both, the others are still judged, and the exit code is 2.

`python -m solar_om_engine rules [--write DIR]`

Prints the check rules and the day rules as Markdown tables; with `--write
docs` writes `docs/check-rules.md` and `docs/day-rules.md` from them (the
only way those files are made: a rule is described once, in its docstring).
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path

from . import classify, dayrules
from .classify import classify_fleet
from .planner import PlanError, make_plan, production_slots
from .quota import tier_for
from .readings import ReadingError, parse_reading, parse_timestamp
from .replay import Replay
from .series import SeriesError, parse_fleet


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


def plan(args, out=sys.stdout, err=sys.stderr) -> int:
    try:
        day = date.fromisoformat(args.date) if args.date else datetime.now(timezone.utc).date()
    except ValueError:
        print(f"error: --date must be YYYY-MM-DD, got {args.date!r}", file=err)
        return 2
    if args.latitude is not None and not -90 <= args.latitude <= 90:
        print(f"error: --latitude must be within -90..90, got {args.latitude}", file=err)
        return 2
    if not -180 <= args.longitude <= 180:
        print(f"error: --longitude must be within -180..180, got {args.longitude}", file=err)
        return 2
    try:
        tier = tier_for(args.vendor, args.plan)
        # the steady state: the whole month's budget over the month's daylight
        month_start = datetime.combine(day.replace(day=1), time(0), tzinfo=timezone.utc)
        locations = None if args.latitude is None else [(args.latitude, args.longitude)]
        result = make_plan(
            args.vendor,
            tier,
            args.sites,
            month_start,
            locations=locations,
            daylight_hours=args.daylight_hours,
            day=day,
        )
    except (PlanError, ValueError) as error:
        print(f"error: {error}", file=err)
        return 2
    data = {"plan": args.plan, "date": day.isoformat(), **result.to_dict()}
    if locations:
        judgments = result.production_judgments_per_site_per_day
        count = 0 if judgments <= 0 else min(max(round(judgments), 1), 2)
        data["production_slots_utc"] = [
            slot.strftime("%H:%M")
            for slot in production_slots(args.latitude, args.longitude, day, count)
        ]
    print(json.dumps(data, indent=2), file=out)
    return 0


def days(path: str, out=sys.stdout, err=sys.stderr) -> int:
    data = _load_json(path, err)
    if data is None:
        return 2
    try:
        fleet = parse_fleet(data)
    except SeriesError as error:
        print(f"error: {path}: {error.problem}", file=err)
        return 2
    for error in fleet.errors:
        print(f"error: {error}", file=err)
    bad = len(fleet.errors)
    replay = Replay(fleet.specs)
    for fleet_day in fleet.days:
        for error in fleet_day.errors.values():
            bad += 1
            print(f"error: {error}", file=err)
        lines = {line.site: line for line in replay.day(fleet_day.day, fleet_day.series)}
        for site in fleet.specs:
            line = lines.get(site) or replay.unjudged(
                fleet_day.day, site, str(fleet_day.errors[site])
            )
            print(json.dumps(line.to_json(), ensure_ascii=False), file=out)
    return 2 if bad else 0


def _load_json(path: str, err):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        print(f"error: cannot read {path}: {error.strerror}", file=err)
    except json.JSONDecodeError as error:
        print(f"error: {path} is not JSON: {error.msg} at line {error.lineno}", file=err)
    return None


RULES_COMMAND = "python -m solar_om_engine rules --write docs"
# (file, title, module): the documentation pages generated from the rules
RULE_PAGES = (
    ("check-rules.md", "How a check judges a site", classify),
    ("day-rules.md", "How a day is judged", dayrules),
)


def rules_page(title: str, module) -> str:
    """One generated page: its title, where it comes from, the module's own
    description and its rules table."""
    source = module.__name__.replace(".", "/") + ".py"
    intro = inspect.cleandoc(module.__doc__ or "")
    return (
        f"# {title}\n\n"
        f"*Generated by `{RULES_COMMAND}` from `{source}`: edit the rules' docstrings "
        "and fields there, then run it again.*\n\n"
        f"{intro}\n\n{module.rules_markdown()}\n"
    )


def rules(write: str | None = None, out=None) -> int:
    out = out or sys.stdout
    if write is None:
        for _name, title, module in RULE_PAGES:
            print(f"## {title}\n\n{module.rules_markdown()}\n", file=out)
        return 0
    folder = Path(write)
    folder.mkdir(parents=True, exist_ok=True)
    for name, title, module in RULE_PAGES:
        (folder / name).write_text(rules_page(title, module), encoding="utf-8")
        print(f"wrote {folder / name}", file=out)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m solar_om_engine")
    sub = parser.add_subparsers(dest="command", required=True)
    check_cmd = sub.add_parser("check", help="classify a JSON file of readings")
    check_cmd.add_argument("readings")
    check_cmd.add_argument("--at", required=True, help="ISO-8601 instant with offset")
    plan_cmd = sub.add_parser("plan", help="the polling plan of one monitoring account")
    plan_cmd.add_argument("--vendor", required=True, choices=["solaredge", "enphase", "apsystems"])
    plan_cmd.add_argument("--plan", required=True, help="quota plan: free, watt, kilowatt, lv0 ...")
    plan_cmd.add_argument("--sites", required=True, type=int)
    plan_cmd.add_argument("--latitude", type=float, help="the fleet's latitude (degrees)")
    plan_cmd.add_argument("--longitude", type=float, default=0.0)
    plan_cmd.add_argument("--date", help="the season: a day, YYYY-MM-DD (default today)")
    plan_cmd.add_argument(
        "--daylight-hours", type=float, help="without a latitude: hours of daylight (default 12)"
    )
    days_cmd = sub.add_parser("days", help="replay a fleet's days through the day judge")
    days_cmd.add_argument("fleet", help="JSON: {sites: [...], days: [...]}")
    rules_cmd = sub.add_parser("rules", help="the check rules and the day rules as Markdown")
    rules_cmd.add_argument("--write", metavar="DIR", help="write the rule pages into DIR (docs)")
    args = parser.parse_args(argv)
    if args.command == "plan":
        return plan(args)
    if args.command == "days":
        return days(args.fleet)
    if args.command == "rules":
        return rules(args.write)
    return check(args.readings, args.at)


if __name__ == "__main__":
    sys.exit(main())
