"""How much Underperformance one check can tell at most: the ceiling behind
the detection benchmark's Underperformance recall.

    python bench/detection_ceiling.py [FLEET[:SEED] ...] [--cache DIR] [--slow-clouds]
    python bench/detection_ceiling.py a:14 a:606 b:2041 b:707 --cache /tmp/fleets

For every daylight check (sun at least 10° up) of a healthy or an
underperforming site with known roofs in a physics fleet
(`bench/physics_fleet.py`), the script takes what a rule judging that one
check can see: the site's energy so far over its roof's model under the sky
its neighbours saw (their median, the median of the three nearest, a
distance-weighted mean, the darker quarter the engine uses), its power now
over the model under the neighbours' sky now (median, three nearest), and
its energy over the clear-sky model (all an isolated site has); and, to tell
when to trust those, how much sun the roof has had so far, how far the
neighbours disagree on the sky and how far the third nearest is. The models
and skies are the engine's own (`classify.fleet_evidence`).

Then, knowing the labels, it counts the Underperformance checks that *some*
rule on those measures could catch without a single false alarm on this
very fleet, for any rule that is the surer the shorter the site falls, the
more sun it has had and the closer and more agreed its neighbours are: a
check is catchable unless a healthy check is at least as damning on every
measure (the rule would alarm on that one too). A check meets only checks
of its own sort, since a rule can tell those apart before judging: whether
the roof's model is trusted, and which measures exist (an isolated site has
only its clear-sky ratio). The rule is fitted to the answers of the fleet it
is scored on, so any real rule does worse: it is an upper bound, not a
target. It is printed for all checks and for those where the roof's model
is trusted (the sun above the grazing angles, the roof facing the sun so
far), next to what the engine catches. With several fleets it also prints the bound a rule must
meet on all of them at once: each fleet's Underperformance against every
fleet's healthy checks (a rule tuned on one fleet meets the next one). Not
a test: figures for the README.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detection_benchmark import _by_instant, load  # noqa: E402

from solar_om_engine.classify import Thresholds, fleet_evidence  # noqa: E402
from solar_om_engine.geo import distance_km  # noqa: E402
from solar_om_engine.readings import parse_reading  # noqa: E402

DAYLIGHT_DEG = 10.0
LABELS = ("healthy", "underperformance")
# what a rule on one check sees, in groups: the engine's measure first
MEASURES = {
    "energy / model under the darker quarter's sky (the engine's)": ("dark",),
    "+ under the median, 3 nearest and distance-weighted skies": ("median", "near3", "idw"),
    "+ power now / model under the sky now (median, 3 nearest)": ("now_median", "now_near3"),
    "+ when to trust them: sun so far, the neighbours' spread and distance": (
        "sun_so_far",
        "spread",
        "near_km",
    ),
}
FEATURES = ("clear", *(name for group in MEASURES.values() for name in group))


@dataclass(frozen=True)
class Row:
    label: str
    caught: bool  # the engine's verdict is the label
    trusted: bool  # the roof's model holds: sun high enough, facing it so far
    shortfall: tuple[float, ...]  # FEATURES; inf where nothing tells


def _ratio(value, due) -> float:
    return value / due if value is not None and due and due > 0 else float("inf")


def _nearest(site, readings, values, th: Thresholds):
    """(km, value) of the other sites within the peer radius, nearest first."""
    near = sorted(
        (distance_km(site.latitude, site.longitude, r.latitude, r.longitude), values[r.site])
        for r in readings
        if r.site != site.site and values.get(r.site) is not None
    )
    return [(km, v) for km, v in near if km <= th.peer_radius_km][: th.max_peers]


def _skies(near) -> dict[str, float]:
    if len(near) < 3:
        return {}
    km = np.array([d for d, _ in near])
    sky = np.array([k for _, k in near])
    weights = 1.0 / (km + 1.0) ** 2
    return {
        "median": float(np.median(sky)),
        "near3": float(np.median(sky[:3])),
        "idw": float(weights @ sky / weights.sum()),
    }


def rows(checks, th: Thresholds | None = None) -> list[Row]:
    th = th or Thresholds()
    out = []
    for at, items in sorted(_by_instant(checks).items()):
        scored = [c for c in items if c.label in LABELS and c.elevation >= DAYLIGHT_DEG]
        if not scored:
            continue
        readings = [parse_reading(dict(c.reading)) for c in items]
        evidence = fleet_evidence(readings, at, th)
        verdicts = evidence.classify().by_site()
        today = {site: w.today for site, w in evidence.witnesses.items()}
        now = {site: w.now_low for site, w in evidence.witnesses.items() if w.now_low}
        by_site = {r.site: r for r in readings}
        for check in scored:
            reading = by_site[check.reading["site"]]
            model = evidence.models.get(reading.site)
            if reading.site not in evidence.witnesses or not model.oriented:
                continue
            energy, power = reading.energy_today_wh, reading.power_w
            sky = evidence.skies[reading.site]
            measured = {"clear": _ratio(energy, model.energy(1.0))}
            for name, k in _skies(_nearest(reading, readings, today, th)).items():
                measured[name] = _ratio(energy, model.energy(k))
            for name, k in _skies(_nearest(reading, readings, now, th)).items():
                measured[f"now_{name}"] = _ratio(power, model.power(k))
            if sky.today_low is not None:
                measured["dark"] = _ratio(energy, model.energy(min(sky.today_low, sky.near_low)))
                # context, each the smaller the surer: more sun so far (a
                # passing shadow averages out), neighbours agreeing, close
                measured["sun_so_far"] = -model.energy(1.0) / model.dc_w
                measured["spread"] = sky.spread if sky.spread is not None else float("inf")
                measured["near_km"] = sky.near_km
            trusted = (
                model.tells_sky_today
                and model.max_elevation_deg >= th.min_ratio_elevation_deg
                and model.grazing_share <= th.max_grazing_share
            )
            out.append(
                Row(
                    check.label,
                    verdicts[reading.site].kind == check.label,
                    trusted,
                    tuple(measured.get(f, float("inf")) for f in FEATURES),
                )
            )
    return out


def _sort(row: Row, index: list[int]) -> tuple:
    """What a rule can tell about a check before judging it: whether the
    roof's model is trusted, and which measures exist (an isolated site has
    only its clear-sky ratio)."""
    return row.trusted, tuple(np.isfinite(np.asarray(row.shortfall)[index]))


def catchable(faulty: list[Row], healthy: list[Row], features: tuple[str, ...]) -> int:
    """How many `faulty` rows no healthy row of the same sort is at least as
    short as on every feature."""
    index = [FEATURES.index(f) for f in features]
    by_sort: dict[tuple, list] = {}
    for row in healthy:
        by_sort.setdefault(_sort(row, index), []).append(np.asarray(row.shortfall)[index])
    bounds_by_sort = {sort: np.array(rows) for sort, rows in by_sort.items()}
    count = 0
    for row in faulty:
        bound = bounds_by_sort.get(_sort(row, index))
        x = np.asarray(row.shortfall)[index]
        if bound is None or not (bound <= x).all(axis=1).any():
            count += 1
    return count


def bounds(table: list[Row], healthy: list[Row]) -> list[tuple[float, float]]:
    """(all, trusted) shares of `table`'s Underperformance: what the engine
    catches, then the ceiling with each group of MEASURES added, against
    `healthy`."""
    faulty = [r for r in table if r.label == "underperformance"]
    trusted = [r for r in faulty if r.trusted]
    n, t = len(faulty) or 1, len(trusted) or 1
    shares = [(sum(r.caught for r in faulty) / n, sum(r.caught for r in trusted) / t)]
    features: tuple[str, ...] = ("clear",)
    for group in MEASURES.values():
        features += group
        shares.append(
            (catchable(faulty, healthy, features) / n, catchable(trusted, healthy, features) / t)
        )
    return shares


def report(title: str, tables: dict[str, list[Row]], pooled: bool) -> None:
    every = [r for table in tables.values() for r in table if r.label == "healthy"]
    print(f"\n## {title}\n")
    print("columns: what the engine catches, then the ceiling from measures 1, 1-2, ...;")
    print("each in % of all the checks / of those where the roof's model is trusted")
    for number, name in enumerate(MEASURES, 1):
        print(f"  {number}. {name}")
    print(
        f"\n{'fleet':10}{'checks':>8}{'trusted':>9}{'engine':>14}"
        + "".join(f"{'1-' + str(i) if i > 1 else '1':>14}" for i in range(1, len(MEASURES) + 1))
    )
    for spec, table in tables.items():
        healthy = every if pooled else [r for r in table if r.label == "healthy"]
        faulty = [r for r in table if r.label == "underperformance"]
        cells = "".join(f"{100 * a:>8.1f}/{100 * t:<5.1f}" for a, t in bounds(table, healthy))
        print(f"{spec:10}{len(faulty):>8}{sum(r.trusted for r in faulty):>9}{cells}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "fleets", nargs="*", default=["a"], help="variant[:seed], e.g. a:14 b:2041 (default: a)"
    )
    parser.add_argument("--cache", type=Path, help="keep generated fleets in this directory")
    parser.add_argument("--slow-clouds", action="store_true", help="clouds drift 3-10 km/h")
    args = parser.parse_args(argv)
    calm = " (slow clouds)" if args.slow_clouds else ""
    tables = {}
    for spec in args.fleets:
        fleet, _, seed = spec.partition(":")
        checks = load(fleet, int(seed) if seed else None, args.cache, args.slow_clouds)
        tables[spec] = rows(checks)
    report(
        f"Underperformance caught{calm}: 0 false alarms on each fleet's own healthy checks",
        tables,
        pooled=False,
    )
    if len(tables) > 1:
        report(f"... on the healthy checks of every fleet above at once{calm}", tables, pooled=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
