"""Days benchmark: the engine's day judge, replayed day by day through
`python -m solar_om_engine days FLEET.json` on the labelled multi-day pvlib
fleet of `bench/physics_days.py`, with and without the sites' arrays.

    python bench/days_benchmark.py                       # both periods, ~330 sites
    python bench/days_benchmark.py --sites 60 --period jun  # a quick look
    python bench/days_benchmark.py --command "python /tmp/my_detector.py"
    python bench/days_benchmark.py --write-docs           # the table into docs/benchmarks.md

The engine is run as an outside scorer would run it: a subprocess given the
fleet's JSON, one JSON line per site and day read from its stdout
(`{"site", "date", "kind", "ticket_open", "reason"}`). Nothing of the engine
is imported here. `--command` runs another executable instead (the fleet's
path is appended to it).

It prints, per run (with arrays, without arrays):
- false tickets: healthy sites (no fault in the period) ever ticketed, and
  ticket openings per 1,000 healthy daylight site-days; apart, tickets on a
  faulty site before its onset (a soiling ramp's days count as before the
  onset while the soiling factor is at least 0.85; a ticket between 0.85 and
  the onset's 0.72 is reported as early, not false) and tickets opened again
  after a repair;
- per fault kind (and cause), the share of faulty sites ticketed within
  0/1/2/3 days of the onset day: a site counts for N days only if its fault
  still acts on day onset+N (before its repair day and the period's end);
- the faults counted for 3 days and not ticketed by then, by what the 3
  days after the onset day could tell (the fault there from the period's
  first day; no day compared with what was due; compared but within the
  site's spread), per setting: a measured bound on what comparing
  production with what was due can catch;
- which kind the verdict named on the first ticketed day, against the
  truth (string/MLPE faults on sites without device data may be named
  underperformance);
- the share of healthy daylight site-days the engine left `indeterminate`;
- the repaired faults (ticketed the day before the repair) whose ticket was
  closed by the end of the repair day + 2;
- false tickets and unjudged days again per setting (cluster, rural,
  isolated: how many neighbours share a site's sky);
- time per site-day (wall clock and CPU of the subprocess);
- errors: lines that are not JSON or lack a field, unknown sites or dates,
  duplicates, site-days without a line, a non-zero exit.

The engine's raw output is kept beside the cached fleet
(`out-PERIOD-VARIANT.jsonl`); `--misses` lists the faults not caught within
3 days and the false tickets, with the engine's reasons; `--reuse-output`
scores those kept outputs again without running anything.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CACHE = ROOT / "var" / "days-fleet"
DEFAULT_COMMAND = (sys.executable, "-m", "solar_om_engine", "days")
FAULT_KINDS = ("underperformance", "string_mlpe_fault", "inverter_fault", "comms_loss")
KIND_NAMES = {
    "underperformance": "Underperformance",
    "string_mlpe_fault": "String/MLPE",
    "inverter_fault": "Zero Production",
    "comms_loss": "Comms loss",
}
WINDOWS = (0, 1, 2, 3)
# a soiling ramp's day is still "healthy" (a ticket there is false) while
# its factor is at least this
RAMP_HEALTHY_MIN = 0.85
# the bar: (kind, window days, share) with and without arrays
TARGETS = {
    "with arrays": {
        "underperformance": (3, 0.97),
        "string_mlpe_fault": (3, 0.97),
        "inverter_fault": (1, 0.99),
        "comms_loss": (1, 0.99),
        "unjudged": 0.02,
        "closed": 0.95,
    },
    "without arrays": {
        "underperformance": (3, 0.90),
        "string_mlpe_fault": (3, 0.90),
        "inverter_fault": (1, 0.99),
        "comms_loss": (1, 0.99),
        "unjudged": 0.02,
        "closed": 0.95,
    },
}
VARIANTS = {"with arrays": "fleet", "without arrays": "noarrays"}


# ---------------------------------------------------------------- reading


def parse_output(text: str, sites, dates) -> tuple[dict, list[str]]:
    """The engine's lines -> ({(site, date): line}, errors). Every expected
    site-day without a line is an error too."""
    sites, dates = set(sites), set(dates)
    verdicts: dict = {}
    errors: list[str] = []
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            line = json.loads(raw)
        except json.JSONDecodeError:
            errors.append(f"line {n}: not JSON: {raw[:80]!r}")
            continue
        if not isinstance(line, dict):
            errors.append(f"line {n}: not an object: {raw[:80]!r}")
            continue
        missing = [k for k in ("site", "date", "kind", "ticket_open", "reason") if k not in line]
        if missing:
            errors.append(f"line {n}: missing {', '.join(missing)}")
            continue
        if not isinstance(line["ticket_open"], bool):
            errors.append(f"line {n}: ticket_open is not true/false: {line['ticket_open']!r}")
            continue
        if not isinstance(line["kind"], str):
            errors.append(f"line {n}: kind is not a string: {line['kind']!r}")
            continue
        key = (line["site"], line["date"])
        if line["site"] not in sites:
            errors.append(f"line {n}: unknown site {line['site']!r}")
            continue
        if line["date"] not in dates:
            errors.append(f"line {n}: unknown date {line['date']!r} for {line['site']}")
            continue
        if key in verdicts:
            errors.append(f"line {n}: a second line for {key[0]} on {key[1]}")
            continue
        verdicts[key] = line
    absent = [(s, d) for s in sorted(sites) for d in sorted(dates) if (s, d) not in verdicts]
    if absent:
        shown = ", ".join(f"{s} {d}" for s, d in absent[:5])
        errors.append(f"{len(absent)} site-days without a line (e.g. {shown})")
    return verdicts, errors


# ---------------------------------------------------------------- scoring


@dataclass
class Score:
    healthy_sites: int = 0
    healthy_site_days: int = 0
    false_sites: list = field(default_factory=list)
    false_openings: int = 0
    false_named: Counter = field(default_factory=Counter)
    before_onset: list = field(default_factory=list)
    early_ramp: list = field(default_factory=list)
    after_repair: list = field(default_factory=list)
    # {(kind, cause): {window: [eligible, caught]}}
    detection: dict = field(
        default_factory=lambda: defaultdict(lambda: {w: [0, 0] for w in (*WINDOWS, "ever")})
    )
    # {kind: Counter(named kind)}
    named: dict = field(default_factory=lambda: defaultdict(Counter))
    named_right: list = field(default_factory=lambda: [0, 0])
    # indeterminate, healthy daylight site-days
    unjudged: list = field(default_factory=lambda: [0, 0])
    healthy_kinds: Counter = field(default_factory=Counter)
    # {(setting, measure): count}: cluster, rural and isolated sites apart
    by_setting: Counter = field(default_factory=Counter)
    closed: list = field(default_factory=lambda: [0, 0])  # within 2 days, eligible
    misses: list = field(default_factory=list)
    # faults counted for 3 days and not ticketed by then:
    # {(what the days could tell, setting): count}
    missed_why: Counter = field(default_factory=Counter)
    false_detail: list = field(default_factory=list)

    def merge(self, other: Score) -> Score:
        out = Score()
        for name in ("healthy_sites", "healthy_site_days", "false_openings"):
            setattr(out, name, getattr(self, name) + getattr(other, name))
        for name in (
            "false_sites",
            "before_onset",
            "early_ramp",
            "after_repair",
            "misses",
            "false_detail",
        ):
            setattr(out, name, getattr(self, name) + getattr(other, name))
        out.false_named = self.false_named + other.false_named
        out.healthy_kinds = self.healthy_kinds + other.healthy_kinds
        out.by_setting = self.by_setting + other.by_setting
        out.missed_why = self.missed_why + other.missed_why
        for name in ("named_right", "unjudged", "closed"):
            setattr(
                out,
                name,
                [a + b for a, b in zip(getattr(self, name), getattr(other, name), strict=True)],
            )
        for src in (self, other):
            for key, windows in src.detection.items():
                for w, (e, c) in windows.items():
                    out.detection[key][w][0] += e
                    out.detection[key][w][1] += c
            for kind, counter in src.named.items():
                out.named[kind] += counter
        return out


def _open(verdicts: dict, site: str, day: str) -> bool:
    line = verdicts.get((site, day))
    return bool(line and line["ticket_open"])


# why a fault was not ticketed within 3 days, from its labels and the lines
# of the 3 days after its onset day
FROM_THE_START = "the fault was there from the period's first day (no history before it)"
NOT_COMPARED = "no day compared with what was due (too dark, or nobody near and not clear)"
WITHIN_SPREAD = "compared, but not short enough for its level and spread"


def _why_missed(fault: dict, first_day: dict, window: list[dict]) -> str:
    if first_day["state"] in ("fault", "ramp"):
        return FROM_THE_START
    compared = [
        line
        for line in window
        if line.get("kind") not in (None, "indeterminate")
        and "not compared" not in line.get("reason", "")
        and "bad input" not in line.get("reason", "")
    ]
    return WITHIN_SPREAD if compared else NOT_COMPARED


def score(labels: dict, verdicts: dict, tag: str = "") -> Score:  # noqa: C901 - one pass per site
    """Counts what the module docstring says from the fleet's labels and
    the engine's lines ({(site, date): line})."""
    dates = labels["dates"]
    n = len(dates)
    out = Score()
    for ref, site in labels["sites"].items():
        fault = site["fault"]
        days = site["days"]
        setting = site.get("setting", "cluster")
        opened = [_open(verdicts, ref, d) for d in dates]
        openings = [i for i in range(n) if opened[i] and (i == 0 or not opened[i - 1])]
        for d in dates:
            day = days[d]
            if day["state"] == "healthy" and day["daylight"]:
                line = verdicts.get((ref, d))
                kind = line["kind"] if line else "(no line)"
                out.healthy_kinds[kind] += 1
                out.unjudged[1] += 1
                out.unjudged[0] += kind == "indeterminate"
                out.by_setting[(setting, "days")] += 1
                out.by_setting[(setting, "indeterminate")] += kind == "indeterminate"
        if fault is None:
            out.healthy_sites += 1
            out.by_setting[(setting, "sites")] += 1
            out.healthy_site_days += sum(1 for d in dates if days[d]["daylight"])
            if any(opened):
                out.false_sites.append(ref)
                out.by_setting[(setting, "false")] += 1
                first = openings[0]
                line = verdicts.get((ref, dates[first]), {})
                out.false_named[line.get("kind", "?")] += 1
                out.false_detail.append(
                    f"{tag}{ref} ticketed {dates[first]}: {line.get('kind')} {line.get('reason')}"
                )
            out.false_openings += len(openings)
            continue
        onset = dates.index(fault["onset_date"])
        repair = dates.index(fault["repair_date"]) if fault.get("repair_date") else None
        last = (repair - 1) if repair is not None else n - 1
        # before the onset: false unless a soiling ramp is already deep
        early = False
        for i in range(onset):
            if not opened[i]:
                continue
            soiling = days[dates[i]].get("soiling", 1.0)
            if days[dates[i]]["state"] == "ramp" and soiling < RAMP_HEALTHY_MIN:
                early = True
            else:
                out.before_onset.append(ref)
                line = verdicts.get((ref, dates[i]), {})
                out.false_detail.append(
                    f"{tag}{ref} ticketed {dates[i]} before its {fault['kind']} onset"
                    f" {fault['onset_date']}: {line.get('kind')} {line.get('reason')}"
                )
                early = False
                break
        if early:
            out.early_ramp.append(ref)
        # a fault there from the period's first day has no history before it
        key = (fault["kind"], fault.get("cause", "") + (", from day 1" if onset == 0 else ""))
        caught_on = next((i for i in range(onset, last + 1) if opened[i]), None)
        for w in WINDOWS:
            if onset + w <= last:
                out.detection[key][w][0] += 1
                out.detection[key][w][1] += caught_on is not None and caught_on <= onset + w
        out.detection[key]["ever"][0] += 1
        out.detection[key]["ever"][1] += caught_on is not None
        if onset + 3 <= last and (caught_on is None or caught_on > onset + 3):
            # the onset day may hold the fault for a few hours only
            window = [verdicts.get((ref, dates[i]), {}) for i in range(onset + 1, onset + 4)]
            out.missed_why[(_why_missed(fault, days[dates[0]], window), setting)] += 1
        if caught_on is None or caught_on > onset + 3:
            when = "never" if caught_on is None else f"on day +{caught_on - onset}"
            shown = dates[min(onset + 1, last)]
            line = verdicts.get((ref, shown), {})
            out.misses.append(
                f"{tag}{ref} {fault['kind']} ({fault.get('cause')}) onset {fault['onset_date']}:"
                f" ticketed {when}; {shown}: {line.get('kind')} {line.get('reason')}"
            )
        if caught_on is not None:
            named = verdicts[(ref, dates[caught_on])]["kind"]
            out.named[fault["kind"]][named] += 1
            out.named_right[1] += 1
            out.named_right[0] += named in fault.get("accept", [fault["kind"]])
        if repair is not None:
            if opened[repair - 1]:
                closed_on = next((i for i in range(repair, n) if not opened[i]), None)
                within = closed_on is not None and closed_on - repair <= 2
                if within or repair + 2 <= n - 1:
                    out.closed[1] += 1
                    out.closed[0] += within
            for i in openings:
                if i > repair:
                    out.after_repair.append(ref)
                    line = verdicts.get((ref, dates[i]), {})
                    out.false_detail.append(
                        f"{tag}{ref} ticketed again {dates[i]} after its repair"
                        f" {fault['repair_date']}: {line.get('kind')} {line.get('reason')}"
                    )
                    break
    return out


# ---------------------------------------------------------------- running


@dataclass
class Run:
    variant: str
    period: str
    site_days: int
    wall_s: float
    cpu_s: float
    returncode: int
    errors: list
    score: Score
    stderr_tail: str = ""


def run_command(command: list[str], fleet: Path) -> tuple[str, str, int, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [*command, str(fleet)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ.copy(),
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc.stdout, proc.stderr, proc.returncode, wall, cpu


def run_one(command, paths: dict, variant: str, period: str, out_dir: Path, reuse=False) -> Run:
    labels = json.loads(paths["labels"].read_text())
    fleet = paths[VARIANTS[variant]]
    out = out_dir / f"out-{period}-{VARIANTS[variant]}.jsonl"
    if reuse:
        # score the output kept from the last run (no timing)
        stdout, stderr, rc, wall, cpu = out.read_text(), "", 0, 0.0, 0.0
    else:
        stdout, stderr, rc, wall, cpu = run_command(command, fleet)
        out.write_text(stdout)
        (out_dir / f"err-{period}-{VARIANTS[variant]}.txt").write_text(stderr)
    verdicts, errors = parse_output(stdout, labels["sites"], labels["dates"])
    if rc != 0:
        errors.append(f"exit code {rc}")
    site_days = len(labels["sites"]) * len(labels["dates"])
    tag = f"[{period}] "
    return Run(
        variant,
        period,
        site_days,
        wall,
        cpu,
        rc,
        errors,
        score(labels, verdicts, tag),
        stderr[-600:],
    )


# ---------------------------------------------------------------- report


def _share(pair) -> str:
    hit, total = pair
    if not total:
        return "-"
    return f"{100 * hit / total:.1f} % ({hit}/{total})"


def row(*cells) -> str:
    cells = [*cells, "", "", ""][: max(4, len(cells))]
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _ok(value: float, target: float, at_most: bool = False) -> str:
    good = value <= target if at_most else value >= target
    return "yes" if good else "**no**"


def report(runs: list[Run], variant: str) -> str:  # noqa: C901 - one table per measure
    mine = [r for r in runs if r.variant == variant]
    if not mine:
        return ""
    total = mine[0].score
    for r in mine[1:]:
        total = total.merge(r.score)
    target = TARGETS[variant]
    site_days = sum(r.site_days for r in mine)
    wall = sum(r.wall_s for r in mine)
    cpu = sum(r.cpu_s for r in mine)
    periods = ", ".join(r.period for r in mine)
    lines = [f"### {variant[0].upper()}{variant[1:]} ({periods}: {site_days:,} site-days)", ""]
    lines += ["| measure | figure | target | met |", "|---|---|---|---|"]
    per_k = (
        1000 * total.false_openings / total.healthy_site_days if total.healthy_site_days else 0.0
    )
    lines.append(
        f"| healthy sites ever ticketed (false) | {len(total.false_sites)} of {total.healthy_sites}"
        f" | 0 | {_ok(len(total.false_sites), 0, True)} |"
    )
    lines.append(
        f"| false ticket openings per 1,000 healthy daylight site-days | {per_k:.2f}"
        f" ({total.false_openings} in {total.healthy_site_days:,}) | 0 | {_ok(per_k, 0, True)} |"
    )
    lines.append(
        f"| faulty sites ticketed before their onset (false) | {len(total.before_onset)} | 0"
        f" | {_ok(len(total.before_onset), 0, True)} |"
    )
    lines.append(
        f"| repaired sites ticketed again after the repair (false) | {len(total.after_repair)} | 0"
        f" | {_ok(len(total.after_repair), 0, True)} |"
    )
    lines.append(
        row("soiling ramps ticketed early (factor 0.72-0.85; not false)", len(total.early_ramp))
    )
    unj = total.unjudged[0] / total.unjudged[1] if total.unjudged[1] else 0.0
    lines.append(
        f"| healthy daylight site-days left indeterminate | {_share(total.unjudged)}"
        f" | ≤ {100 * target['unjudged']:.0f} % | {_ok(unj, target['unjudged'], True)} |"
    )
    closed = total.closed[0] / total.closed[1] if total.closed[1] else 1.0
    lines.append(
        row(
            "repaired faults closed within 2 days of the repair",
            _share(total.closed),
            f"≥ {100 * target['closed']:.0f} %",
            _ok(closed, target["closed"]) if total.closed[1] else "-",
        )
    )
    lines.append(
        f"| kind named right on the first ticketed day | {_share(total.named_right)} | | |"
    )
    per_day = f"{1000 * wall / site_days:.2f} ms wall, {1000 * cpu / site_days:.2f} ms CPU"
    lines.append(row("time per site-day", per_day))
    errors = [e for r in mine for e in (f"[{r.period}] {x}" for x in r.errors)]
    lines.append(
        row(
            "errors (malformed lines, missing site-days, exit code)",
            len(errors),
            0,
            _ok(len(errors), 0, True),
        )
    )
    lines += [
        "",
        "Faulty sites ticketed within N days of the onset day (a site counts for N only while its",
        "fault still acts on day onset+N):",
        "",
    ]
    lines += [
        "| fault (cause) | sites | same day | ≤ 1 day | ≤ 2 days | ≤ 3 days | ever | target | met |"
    ]
    lines += ["|---|---|---|---|---|---|---|---|---|"]
    for kind in FAULT_KINDS:
        rows = sorted(k for k in total.detection if k[0] == kind)
        if not rows:
            continue
        agg = {w: [0, 0] for w in (*WINDOWS, "ever")}
        for key in rows:
            for w, (e, c) in total.detection[key].items():
                agg[w][0] += e
                agg[w][1] += c
        window, share = target[kind]
        e, c = agg[window]
        met = _ok(c / e, share) if e else "-"
        cells = " | ".join(_share((agg[w][1], agg[w][0])) for w in (*WINDOWS, "ever"))
        bar = f"≥ {100 * share:.0f} % ≤ {window} d"
        lines.append(f"| **{KIND_NAMES[kind]}** | {agg['ever'][0]} | {cells} | {bar} | {met} |")
        if len(rows) > 1:
            for key in rows:
                d = total.detection[key]
                cells = " | ".join(_share((d[w][1], d[w][0])) for w in (*WINDOWS, "ever"))
                lines.append(f"| &nbsp; {key[1]} | {d['ever'][0]} | {cells} | | |")
    if total.missed_why:
        lines += [
            "",
            "Faults counted for 3 days and not ticketed by then, by what the 3 days after their"
            " onset day could tell:",
            "",
            "| what the days could tell | cluster | rural | isolated |",
            "|---|---|---|---|",
        ]
        for why in (FROM_THE_START, NOT_COMPARED, WITHIN_SPREAD):
            cells = [total.missed_why.get((why, s), 0) for s in ("cluster", "rural", "isolated")]
            if any(cells):
                lines.append(row(why, *cells))
    lines += ["", "Kind named on the first ticketed day (rows: truth):", ""]
    named_cols = sorted({k for c in total.named.values() for k in c} | set(total.false_named))
    lines.append("| truth | " + " | ".join(named_cols) + " |")
    lines.append("|---|" + "---|" * len(named_cols))
    for kind in FAULT_KINDS:
        c = total.named.get(kind, Counter())
        lines.append(
            f"| {KIND_NAMES[kind]} | " + " | ".join(str(c.get(k, 0)) for k in named_cols) + " |"
        )
    lines.append(
        "| healthy (false tickets) | "
        + " | ".join(str(total.false_named.get(k, 0)) for k in named_cols)
        + " |"
    )
    settings = sorted({k[0] for k in total.by_setting}, key=["cluster", "rural", "isolated"].index)
    lines += [
        "",
        "By setting (rural: 20-70 km from the city's cluster; isolated: 150-400 km, alone):",
        "",
        "| setting | healthy sites | ever ticketed | healthy daylight site-days | indeterminate |",
        "|---|---|---|---|---|",
    ]
    for setting in settings:
        b = total.by_setting
        lines.append(
            row(
                setting,
                b[(setting, "sites")],
                b[(setting, "false")],
                f"{b[(setting, 'days')]:,}",
                _share((b[(setting, "indeterminate")], b[(setting, "days")])),
            )
        )
    lines += [
        "",
        "Verdicts on healthy daylight site-days: "
        + ", ".join(f"{k} {v:,}" for k, v in total.healthy_kinds.most_common()),
        "",
    ]
    if errors:
        lines += ["Errors:", ""] + [f"- {e}" for e in errors[:20]] + [""]
    return "\n".join(lines)


def write_docs(text: str, path: Path) -> None:
    """Replaces the "## Days benchmark" section of `path` (to the next
    second-level heading), or appends it; creates the file if missing."""
    heading = "## Days benchmark"
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    lines = old.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == heading), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        new = "\n".join(
            [
                *lines[:start],
                *text.rstrip("\n").splitlines(),
                *([""] if end < len(lines) else []),
                *lines[end:],
            ]
        )
        new = new.rstrip("\n") + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sites", type=int, help="about this many sites (default: the full fleet, ~330)"
    )
    parser.add_argument("--seed", type=int)
    parser.add_argument("--period", default="all", help="jun, nov, jun,nov or all")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_CACHE, help="where the fleet and outputs are kept"
    )
    parser.add_argument("--command", help="the executable to score (the fleet's path is appended)")
    parser.add_argument("--variant", choices=["with", "without", "both"], default="both")
    parser.add_argument(
        "--reuse-output",
        action="store_true",
        help="score the outputs kept from the last run instead of running the command",
    )
    parser.add_argument(
        "--misses", action="store_true", help="list faults missed within 3 days and false tickets"
    )
    parser.add_argument(
        "--write-docs", action="store_true", help="write the table into docs/benchmarks.md"
    )
    args = parser.parse_args(argv)

    import physics_days

    seed = physics_days.SEED if args.seed is None else args.seed
    periods = list(physics_days.PERIODS) if args.period == "all" else args.period.split(",")
    unknown = [p for p in periods if p not in physics_days.PERIODS]
    if unknown:
        parser.error(
            f"unknown period {', '.join(unknown)} (known: {', '.join(physics_days.PERIODS)})"
        )
    cache = args.cache / f"seed{seed}-sites{args.sites or 'all'}"
    start = time.perf_counter()
    paths = physics_days.write_fleet(cache, seed, args.sites, periods)
    print(f"fleet: {cache} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    command = shlex.split(args.command) if args.command else list(DEFAULT_COMMAND)
    variants = {"with": ["with arrays"], "without": ["without arrays"], "both": list(VARIANTS)}[
        args.variant
    ]
    runs = []
    for variant in variants:
        for period in periods:
            run = run_one(command, paths[period], variant, period, cache, args.reuse_output)
            print(
                f"{variant}, {period}: {run.wall_s:.1f} s, exit {run.returncode},"
                f" {len(run.errors)} errors",
                file=sys.stderr,
            )
            if run.returncode not in (0,) and run.stderr_tail:
                print(run.stderr_tail, file=sys.stderr)
            runs.append(run)
    labels0 = json.loads(paths[periods[0]]["labels"].read_text())
    n_sites = len(labels0["sites"])
    shown_command = "python bench/days_benchmark.py" + (" " + shlex.join(argv) if argv else "")
    head = [
        "## Days benchmark",
        "",
        f"`{shown_command}` on {date.today().isoformat()}: the engine's `days` command"
        f" ({shlex.join(command)}) on the labelled multi-day pvlib fleet of `bench/physics_days.py`"
        f" (seed {seed}, {n_sites} sites, periods {', '.join(periods)};"
        " see [days-fleet.md](days-fleet.md)), scored by `bench/days_benchmark.py`.",
        "",
    ]
    body = [report(runs, v) for v in variants]
    text = "\n".join(head) + "\n" + "\n".join(body)
    print(text)
    if args.misses:
        for run in runs:
            print(f"\n#### {run.variant}, {run.period}: missed within 3 days")
            for m in run.score.misses:
                print("-", m)
            print(f"\n#### {run.variant}, {run.period}: false tickets")
            for m in run.score.false_detail:
                print("-", m)
    if args.write_docs:
        write_docs(text, ROOT / "docs" / "benchmarks.md")
        print(f"written: {ROOT / 'docs' / 'benchmarks.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
