"""Snapshot check benchmark: the health check's verdicts on a labelled,
physics-based fleet (`bench/physics_fleet.py`), with and without roof
orientation in the readings.

    python bench/detection_benchmark.py [--fleet a|b] [--seed N] [--cache DIR]
        [--write-doc docs/benchmarks.md] [--write DIR] [--misses]
    python bench/detection_benchmark.py --sites 120 --kinds inverter_fault \
        --oriented-only --cache /tmp/fleets          # a quick look while iterating

A snapshot judges what one reading shows (`solar_om_engine.classify`):
silence, Zero Production, devices down, the meter, the configuration, the
vendor's own status; production against what was due is judged per day, at
the day's close. So the bench scores the snapshot on what it must get right:

- no fault verdict on a healthy site in daylight (sun at least 10° up);
- never calling an underperforming site "producing normally": an `ok` on an
  underperforming site whose evidence has a `ratio` (which would close an
  Underperformance fault, `faults._clears`) or whose reason says "producing
  normally" counts against it;
- at most 5 % of healthy daylight checks `indeterminate` (grey on the
  Sites screen where a customer's system is fine);
- the recall of the kinds a snapshot detects (Zero Production, comms loss,
  devices, meter, configuration), per check and per faulty site-day.

Prints, for each run, a confusion matrix (truth rows, verdict columns), the
recall per kind, those figures and the time per site-check.
`--write-doc FILE` puts the summary table under "## Snapshot check
benchmark" in FILE, in a subsection for this fleet (the rest of the file is
kept). `--sites N` keeps a seeded sample of N sites (fewer neighbours: a
quick look, not the documented figures); `--kinds` scores only those fault
kinds (every site is still classified, as neighbours); `--cache DIR` keeps
the generated fleet between runs; `--write DIR` also saves each instant's
readings as JSON, the input of `python -m solar_om_engine check READINGS.json
--at ISO`. Not a test: figures for the documentation.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import pickle
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import physics_fleet  # noqa: E402
from physics_fleet import FAULTS, generate  # noqa: E402

from solar_om_engine.classify import FAULT_KINDS, Night, classify_fleet  # noqa: E402
from solar_om_engine.readings import parse_reading  # noqa: E402

COLUMNS = ["ok", "indeterminate", "night", *FAULTS, "vendor_outage"]
# the kinds a snapshot detects, as the summary names them
DETECTED = {
    "inverter_fault": "Zero Production",
    "comms_loss": "comms loss",
    "string_mlpe_fault": "devices (String/MLPE)",
    "meter_fault": "meter",
    "configuration_issue": "configuration",
}
# the bars the issue sets for the snapshot
MAX_INDETERMINATE = 0.05
DAYLIGHT_DEG = Night.min_elevation_deg
SECTION = "## Snapshot check benchmark"


@dataclass
class Run:
    """The tallies of one pass over a fleet."""

    confusion: dict = field(default_factory=lambda: defaultdict(Counter))
    false_alarms: list = field(default_factory=list)
    night_alarms: int = 0
    healthy_daylight: int = 0
    # ok verdicts on underperforming sites that claim production is normal
    called_normal: list = field(default_factory=list)
    # (kind, site, local day) -> caught by at least one check that day
    site_days: dict = field(default_factory=dict)
    # causes of indeterminate verdicts on healthy daylight checks
    unsure_causes: Counter = field(default_factory=Counter)
    elapsed: float = 0.0
    classified: int = 0

    @property
    def unsure(self) -> int:
        return self.confusion["healthy"]["indeterminate"]

    def recall(self, kind: str) -> tuple[int, int]:
        row = self.confusion.get(kind, Counter())
        return row[kind], sum(row.values())

    def days_caught(self, kind: str) -> tuple[int, int]:
        days = [caught for (k, _, _), caught in self.site_days.items() if k == kind]
        return sum(days), len(days)


def claims_normal(verdict) -> bool:
    """Whether an `ok` says production is normal (what a snapshot must never
    say of an underperforming site)."""
    return verdict.kind == "ok" and (
        "ratio" in verdict.evidence or "producing normally" in verdict.reason
    )


def _by_instant(checks):
    by_instant = defaultdict(list)
    for check in checks:
        by_instant[check.at].append(check)
    return by_instant


def _readings(checks, oriented: bool) -> list[dict]:
    """The readings of one instant as the check command gets them; without
    the roofs when the fleet plays sites of unknown orientation."""
    data = []
    for check in checks:
        reading = dict(check.reading)
        if not oriented:
            reading.pop("arrays", None)
        data.append(reading)
    return data


def run(checks, oriented: bool, write: Path | None = None, kinds=None) -> Run:
    tally = Run()
    for at, items in sorted(_by_instant(checks).items()):
        data = _readings(items, oriented)
        if write:
            tag = "oriented" if oriented else "unoriented"
            name = f"{tag}-{at.strftime('%Y%m%dT%H%M')}.json"
            (write / name).write_text(json.dumps({"at": at.isoformat(), "readings": data}))
        readings = [parse_reading(d) for d in data]
        started = time.process_time()
        result = classify_fleet(readings, at)
        tally.elapsed += time.process_time() - started
        tally.classified += len(items)
        verdicts = result.by_site()
        for check in items:
            verdict = verdicts[check.reading["site"]]
            if check.label == "skip" or (kinds and check.label not in kinds | {"healthy"}):
                continue
            daylight = check.elevation >= DAYLIGHT_DEG
            if check.label == "healthy":
                if daylight:
                    tally.healthy_daylight += 1
                    tally.confusion["healthy"][verdict.kind] += 1
                    if verdict.kind in FAULT_KINDS:
                        tally.false_alarms.append((check, verdict))
                    elif verdict.kind == "indeterminate":
                        tally.unsure_causes[verdict.evidence.get("rule", "?")] += 1
                elif verdict.kind in FAULT_KINDS:
                    tally.night_alarms += 1
                continue
            if check.label == "underperformance" and claims_normal(verdict):
                tally.called_normal.append((check, verdict))
            if daylight:
                tally.confusion[check.label][verdict.kind] += 1
                day = (check.label, check.site.ref, check.reading["last_report_at"][:10])
                tally.site_days[day] = tally.site_days.get(day, False) or (
                    verdict.kind == check.label
                )
    return tally


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def report(title: str, tally: Run) -> None:
    print(f"\n## {title}\n")
    width = max(len(c) for c in COLUMNS)
    print("truth \\ verdict".ljust(20) + "".join(c[:width].rjust(width + 1) for c in COLUMNS))
    for row in ["healthy", *FAULTS]:
        counts = tally.confusion.get(row, Counter())
        print(row.ljust(20) + "".join(str(counts[c]).rjust(width + 1) for c in COLUMNS))
    print(f"\n{'kind':24}{'recall (checks)':>22}{'site-days caught':>22}")
    for kind, name in DETECTED.items():
        hits, cases = tally.recall(kind)
        caught, days = tally.days_caught(kind)
        if cases:
            print(
                f"{name:24}{_pct(hits, cases):>8} ({hits}/{cases}){'':>3}"
                f"{_pct(caught, days):>8} ({caught}/{days})"
            )
    unsure = tally.unsure
    healthy = tally.healthy_daylight
    print(
        f"\nfault verdicts on healthy daylight checks: {len(tally.false_alarms)} of {healthy}"
        f"; alarms at night: {tally.night_alarms}"
    )
    print(
        f"underperforming sites called producing normally: {len(tally.called_normal)} "
        f"(of {sum(tally.confusion.get('underperformance', Counter()).values())} daylight checks)"
    )
    share = unsure / healthy if healthy else 0.0
    verdict = "within" if share <= MAX_INDETERMINATE else "ABOVE"
    causes = ", ".join(f"{rule} {n}" for rule, n in tally.unsure_causes.most_common())
    print(
        f"healthy daylight checks indeterminate: {unsure} of {healthy} ({share:.1%}, {verdict} "
        f"the {MAX_INDETERMINATE:.0%} bar){': ' + causes if causes else ''}"
    )
    per = 1000 * tally.elapsed / tally.classified if tally.classified else 0.0
    print(
        f"classified {tally.classified} site-checks in {tally.elapsed:.1f} s CPU "
        f"({per:.2f} ms each)"
    )
    for check, v in (tally.false_alarms + tally.called_normal)[:10]:
        roofs = ", ".join(f"{r.tilt:.0f}°/{r.azimuth:.0f}°" for r in check.site.roofs)
        print(
            f"  {check.label.upper()} {check.site.ref} {check.at:%Y-%m-%d %H:%M} "
            f"elev {check.elevation:.0f}° roofs {roofs}: {v.kind}: {v.reason}"
        )


def summary_rows(label: str, tally: Run) -> list[str]:
    """One Markdown row of the summary table for a run."""
    healthy, unsure = tally.healthy_daylight, tally.unsure
    cells = [
        label,
        f"{len(tally.false_alarms)} of {healthy:,}",
        f"{len(tally.called_normal)}",
        f"{_pct(unsure, healthy)} ({unsure})",
    ]
    for kind in DETECTED:
        hits, cases = tally.recall(kind)
        caught, days = tally.days_caught(kind)
        cells.append(f"{_pct(hits, cases)} / {_pct(caught, days)}" if cases else "-")
    per = 1000 * tally.elapsed / tally.classified if tally.classified else 0.0
    cells.append(f"{per:.2f}")
    return ["| " + " | ".join(cells) + " |"]


def summary_table(rows: list[str]) -> str:
    head = [
        "roofs",
        "fault verdicts on healthy daylight checks",
        "underperforming called normal",
        "healthy daylight indeterminate",
        *(f"{name} recall: checks / site-days" for name in DETECTED.values()),
        "CPU ms / site-check",
    ]
    return "\n".join(
        ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "---:|" * (len(head) - 2), *rows]
    )


def write_doc(path: Path, heading: str, body: str) -> None:
    """Put `body` under `heading` (a ### subsection) of the SECTION of the
    Markdown file `path`, replacing only that subsection."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if SECTION not in text:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n"
    start = text.index(SECTION) + len(SECTION)
    nxt = re.search(r"^## ", text[start:], flags=re.M)
    end = start + nxt.start() if nxt else len(text)
    section = text[start:end]
    block = f"### {heading}\n\n{body.strip()}\n\n"
    pattern = re.compile(rf"^### {re.escape(heading)}\n.*?(?=^### |\Z)", flags=re.M | re.S)
    if pattern.search(section):
        section = pattern.sub(lambda _m: block, section)
    else:
        section = section.rstrip("\n") + "\n\n" + block
    text = text[:start] + "\n\n" + section.strip("\n") + "\n\n" + text[end:].lstrip("\n")
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def load(fleet: str, seed: int | None, cache: Path | None):
    """The labelled checks of one fleet variant (generated, or from `cache`)."""
    takes_variant = "variant" in inspect.signature(generate).parameters
    if fleet != "a" and not takes_variant:
        raise SystemExit(f"this physics_fleet has no variant {fleet!r}")
    key = None
    if cache:
        source = Path(physics_fleet.__file__).read_bytes()
        digest = hashlib.sha256(source).hexdigest()[:12]
        key = cache / f"fleet-{fleet}-{seed}-{digest}.pickle"
        if key.exists():
            return pickle.loads(key.read_bytes())
    checks = generate(seed, variant=fleet) if takes_variant else generate(seed or 14)
    if key:
        cache.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps(checks))
    return checks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fleet", default="a", help="the fleet variant (a, b)")
    parser.add_argument("--seed", type=int, default=None, help="default: the variant's own")
    parser.add_argument("--write", type=Path, help="save each instant's readings as JSON here")
    parser.add_argument("--write-doc", type=Path, help="the summary table into this Markdown file")
    parser.add_argument("--misses", action="store_true", help="list missed faults")
    parser.add_argument("--sites", type=int, help="a seeded sample of this many sites")
    parser.add_argument("--kinds", help="score only these fault kinds (comma-separated)")
    parser.add_argument("--oriented-only", action="store_true")
    parser.add_argument("--cache", type=Path, help="keep generated fleets in this directory")
    args = parser.parse_args(argv)
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
    kinds = set(args.kinds.split(",")) if args.kinds else None
    started = time.perf_counter()
    checks = load(args.fleet, args.seed, args.cache)
    refs = sorted({c.site.ref for c in checks})
    if args.sites and args.sites < len(refs):
        keep = set(random.Random(0).sample(refs, args.sites))
        checks = [c for c in checks if c.site.ref in keep]
    sites = len({c.site.ref for c in checks})
    seed = args.seed if args.seed is not None else "default"
    print(
        f"physics fleet {args.fleet} (seed {seed}): {sites} sites, {len(checks)} site-checks, "
        f"ready in {time.perf_counter() - started:.0f} s"
    )
    print("labels:", dict(Counter(c.label for c in checks)))
    rows = []
    for oriented in (True, False)[: 1 if args.oriented_only else 2]:
        title = "with orientation" if oriented else "without orientation"
        tally = run(checks, oriented, args.write, kinds)
        report(title, tally)
        rows += summary_rows(title, tally)
        if args.misses:
            _misses(checks, oriented)
    table = summary_table(rows)
    print("\n" + table)
    if args.write_doc:
        command = " ".join(["python bench/detection_benchmark.py", *(argv or sys.argv[1:])])
        when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        body = (
            f"`{command}` ({when}): {sites} sites, {len(checks):,} site-checks. "
            "Recall is per daylight check of a faulty site, then per faulty site-day (caught "
            "by at least one check that day).\n\n" + table
        )
        write_doc(args.write_doc, f"Fleet {args.fleet}, seed {seed}", body)
        print(f"\n(written to {args.write_doc})")
    return 0


def _misses(checks, oriented):
    shown = 0
    for at, every in sorted(_by_instant(checks).items()):
        items = [
            c
            for c in every
            if c.label in DETECTED and c.elevation >= DAYLIGHT_DEG and c.label != "healthy"
        ]
        if not items:
            continue
        data = _readings(every, oriented)
        verdicts = classify_fleet([parse_reading(d) for d in data], at).by_site()
        for c in items:
            v = verdicts[c.reading["site"]]
            if v.kind != c.label and shown < 25:
                shown += 1
                print(f"  MISS {c.site.ref} {c.label} -> {v.kind}: {v.reason} {v.evidence}")


if __name__ == "__main__":
    sys.exit(main())
