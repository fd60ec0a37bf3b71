"""Detection benchmark: the health check's verdicts on a labelled,
physics-based fleet (`bench/physics_fleet.py`), with and without roof
orientation in the readings.

    python bench/detection_benchmark.py [--fleet a|b] [--seed N] [--write DIR]
    python bench/detection_benchmark.py --sites 120 --kinds underperformance \
        --oriented-only --cache /tmp/fleets          # a quick look while iterating

Prints, for each run, a confusion matrix (truth rows, verdict columns),
precision and recall per fault kind, over all daylight checks (an abstention
on a faulty site is a miss) and over the checks the engine judged, false
alarms on healthy daylight checks (any fault verdict on a healthy site with
the sun at least 10° up), healthy daylight checks left indeterminate, alarms
at night, and the time per site-check. `--sites N` keeps a seeded sample of
N sites (fewer neighbours: a quick look, not the README figures); `--kinds`
scores only those fault kinds (every site is still classified, as
neighbours); `--cache DIR` keeps the generated fleet between runs. `--write
DIR` also saves each instant's readings as JSON, the input of `python -m
solar_om_engine check READINGS.json --at ISO`. `--slow-clouds` makes the
fleet's cloudy days calm ones: the cloud field drifts at 3-10 km/h instead
of 15-50, so one cloud can shade a site for hours (a stress test of the
rules that lean on clouds moving on). Not a test: figures for the README.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import inspect
import json
import pickle
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import physics_fleet  # noqa: E402
from physics_fleet import FAULTS, generate  # noqa: E402

from solar_om_engine.classify import FAULT_KINDS, Thresholds, classify_fleet  # noqa: E402
from solar_om_engine.kinds import Abstention  # noqa: E402
from solar_om_engine.readings import parse_reading  # noqa: E402

COLUMNS = ["ok", "indeterminate", "night", *FAULTS, "vendor_outage"]
# why the engine abstained on a faulty site: the weak evidence the issue
# names (the verdict's evidence["abstained"] -> a short cause)
ABSTENTION_CAUSES = {
    Abstention.NO_NEIGHBOURS.value: "no neighbours (isolated site)",
    Abstention.BROKEN_CLOUDS.value: "too early in the day, neighbours disagree on the sky",
    Abstention.FAR_NEIGHBOURS.value: (
        f"no {Thresholds().min_peers} neighbours within {Thresholds().close_peer_km:.0f} km:"
        " too early in the day,"
        " or a shortfall their disagreement explains"
    ),
    Abstention.LITTLE_DUE.value: "too little energy due yet",
    Abstention.DARKER_NEIGHBOURS.value: "as dark as the darker neighbours saw",
    Abstention.BRIGHTER_NEIGHBOURS.value: "normal under the median sky, short under the brighter",
    Abstention.DIFFUSE_LIGHT.value: "roof facing away from the sun so far (diffuse light)",
    Abstention.CHANGING_SKY.value: "the sky now far from the day's so far (storm, clearing)",
    Abstention.SUN_LOW.value: "sun low all day",
    Abstention.GRAZING_LIGHT.value: "most light so far at grazing sun",
    Abstention.TOO_DARK.value: "~0 W, too little power due",
    Abstention.STORM.value: "storm-dark sky",
}


def _abstention_cause(verdict) -> str:
    code = verdict.evidence.get("abstained", "")
    return ABSTENTION_CAUSES.get(code, code or "(no cause given)")


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


def run(checks, oriented: bool, write: Path | None = None, kinds=None):
    by_instant = _by_instant(checks)
    confusion: dict[str, Counter] = defaultdict(Counter)
    abstentions: Counter = Counter()
    # (kind, site, local day) -> caught by at least one check that day
    site_days: dict[tuple, bool] = {}
    false_alarms, night_alarms, healthy_daylight, sites_judged = [], 0, 0, 0
    started = time.perf_counter()
    for at, items in sorted(by_instant.items()):
        data = _readings(items, oriented)
        if write:
            tag = "oriented" if oriented else "unoriented"
            name = f"{tag}-{at.strftime('%Y%m%dT%H%M')}.json"
            (write / name).write_text(json.dumps({"at": at.isoformat(), "readings": data}))
        result = classify_fleet([parse_reading(d) for d in data], at)
        sites_judged += len(items)
        verdicts = result.by_site()
        for check in items:
            verdict = verdicts[check.reading["site"]]
            if check.label == "skip" or (kinds and check.label not in kinds | {"healthy"}):
                continue
            daylight = check.elevation >= 10.0
            if check.label == "healthy":
                if daylight:
                    healthy_daylight += 1
                    confusion["healthy"][verdict.kind] += 1
                    if verdict.kind in FAULT_KINDS:
                        false_alarms.append((check, verdict))
                elif verdict.kind in FAULT_KINDS:
                    night_alarms += 1
                continue
            if daylight:
                confusion[check.label][verdict.kind] += 1
                day = (check.label, check.site.ref, check.reading["last_report_at"][:10])
                site_days[day] = site_days.get(day, False) or verdict.kind == check.label
                if verdict.kind == "indeterminate":
                    abstentions[check.label, _abstention_cause(verdict)] += 1
    elapsed = time.perf_counter() - started
    return (
        confusion,
        false_alarms,
        night_alarms,
        healthy_daylight,
        elapsed,
        sites_judged,
        abstentions,
        site_days,
    )


def report(
    title,
    confusion,
    false_alarms,
    night_alarms,
    healthy_daylight,
    elapsed,
    judged,
    abstentions,
    site_days,
):
    print(f"\n## {title}\n")
    width = max(len(c) for c in COLUMNS)
    print("truth \\ verdict".ljust(20) + "".join(c[:width].rjust(width + 1) for c in COLUMNS))
    for row in ["healthy", *FAULTS]:
        counts = confusion.get(row, Counter())
        print(row.ljust(20) + "".join(str(counts[c]).rjust(width + 1) for c in COLUMNS))
    print()
    # "judged": leaving out the checks where the engine abstained
    # (indeterminate: too little energy yet, heavy overcast, no neighbours)
    print(f"{'kind':22}{'precision':>10}{'recall':>10}{'judged':>10}{'cases':>8}{'abstained':>10}")
    for kind in FAULTS:
        if not confusion.get(kind):
            continue
        truth = sum(confusion[kind].values())
        hits = confusion[kind][kind]
        abstained = confusion[kind]["indeterminate"]
        called = sum(confusion[row][kind] for row in confusion)
        precision = hits / called if called else float("nan")
        recall = hits / truth if truth else float("nan")
        when_judged = hits / (truth - abstained) if truth > abstained else float("nan")
        print(
            f"{kind:22}{precision:>10.1%}{recall:>10.1%}{when_judged:>10.1%}{truth:>8}"
            f"{abstained:>10}"
        )
    # a fault stays open across checks: what a user sees is whether the
    # site's problem was caught on the day at all
    print("\nfaulty site-days caught by at least one daylight check that day:")
    for kind in FAULTS:
        days = [caught for (k, _, _), caught in site_days.items() if k == kind]
        if days:
            print(f"  {kind:22}{sum(days):>6} of {len(days):<6}{sum(days) / len(days):>8.1%}")
    if abstentions:
        print("\nabstentions on faulty sites, by cause:")
        for (kind, cause), count in sorted(abstentions.items(), key=lambda i: (i[0][0], -i[1])):
            print(f"  {kind:22}{count:>6}  {cause}")
    rate = len(false_alarms) / healthy_daylight if healthy_daylight else 0.0
    unsure = confusion["healthy"]["indeterminate"]
    print(
        f"\nfalse alarms on healthy daylight checks: {len(false_alarms)} of "
        f"{healthy_daylight} ({rate:.2%}); alarms at night: {night_alarms}; "
        f"healthy daylight checks indeterminate: {unsure}"
    )
    per = elapsed / judged * 1000
    print(f"classified {judged} site-checks in {elapsed:.1f} s ({per:.1f} ms each)")
    for check, verdict in false_alarms[:10]:
        roofs = ", ".join(f"{r.tilt:.0f}°/{r.azimuth:.0f}°" for r in check.site.roofs)
        print(
            f"  FALSE {check.site.ref} {check.at:%Y-%m-%d %H:%M} elev {check.elevation:.0f}° "
            f"roofs {roofs}: {verdict.kind}: {verdict.reason}"
        )


# the cloud field's drift on a calm day, km/h (`--slow-clouds`)
SLOW_DRIFT_KMH = (3, 10)


@contextlib.contextmanager
def _calm_clouds():
    """The generator's cloudy days drifting at SLOW_DRIFT_KMH, for one
    generation only (a later fleet in the same process is the usual one)."""
    usual = physics_fleet.SKIES["clouds"]
    physics_fleet.SKIES["clouds"] = (*usual[:3], SLOW_DRIFT_KMH)
    try:
        yield
    finally:
        physics_fleet.SKIES["clouds"] = usual


def load(fleet: str, seed: int | None, cache: Path | None, slow_clouds: bool = False):
    """The labelled checks of one fleet variant (generated, or from `cache`)."""
    takes_variant = "variant" in inspect.signature(generate).parameters
    if fleet != "a" and not takes_variant:
        raise SystemExit(f"this physics_fleet has no variant {fleet!r}")
    key = None
    if cache:
        source = Path(physics_fleet.__file__).read_bytes()
        digest = hashlib.sha256(source).hexdigest()[:12]
        calm = "-slow" if slow_clouds else ""
        key = cache / f"fleet-{fleet}{calm}-{seed}-{digest}.pickle"
        if key.exists():
            return pickle.loads(key.read_bytes())
    with _calm_clouds() if slow_clouds else contextlib.nullcontext():
        if takes_variant:
            checks = generate(seed, variant=fleet)
        else:
            checks = generate(14 if seed is None else seed)
    if key:
        cache.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps(checks))
    return checks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--fleet", default="a", help="the fleet variant (a, b)")
    parser.add_argument("--seed", type=int, default=None, help="default: the variant's own")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--misses", action="store_true", help="list missed faults")
    parser.add_argument("--sites", type=int, help="a seeded sample of this many sites")
    parser.add_argument("--kinds", help="score only these fault kinds (comma-separated)")
    parser.add_argument("--oriented-only", action="store_true")
    parser.add_argument("--cache", type=Path, help="keep generated fleets in this directory")
    parser.add_argument("--slow-clouds", action="store_true", help="clouds drift 3-10 km/h")
    args = parser.parse_args(argv)
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
    kinds = set(args.kinds.split(",")) if args.kinds else None
    started = time.perf_counter()
    checks = load(args.fleet, args.seed, args.cache, args.slow_clouds)
    refs = sorted({c.site.ref for c in checks})
    if args.sites and args.sites < len(refs):
        keep = set(random.Random(0).sample(refs, args.sites))
        checks = [c for c in checks if c.site.ref in keep]
    sites = len({c.site.ref for c in checks})
    print(
        f"physics fleet {args.fleet}{' (slow clouds)' if args.slow_clouds else ''} "
        f"(seed {args.seed if args.seed is not None else 'default'}):"
        f" {sites} sites, {len(checks)} site-checks, ready in "
        f"{time.perf_counter() - started:.0f} s"
    )
    print("labels:", dict(Counter(c.label for c in checks)))
    for oriented in (True, False)[: 1 if args.oriented_only else 2]:
        title = "with orientation" if oriented else "without orientation"
        result = run(checks, oriented, args.write, kinds)
        report(title, *result)
        if args.misses:
            _misses(checks, oriented)
    return 0


def _misses(checks, oriented):
    shown = 0
    for at, every in sorted(_by_instant(checks).items()):
        items = [c for c in every if c.label not in ("healthy", "skip") and c.elevation >= 10]
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
