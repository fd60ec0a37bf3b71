"""What a site's earlier days teach about it, and when a short day is a fault.

A site is judged against its neighbours' sky on its roof's model; its
history adds what the model cannot know:

- its *levels*: what it makes over the model on good days, per kind of
  sky, and how much its good days scatter (`levels.py`);
- its *roof*, where nobody entered one (`orientation.py`): the candidates'
  residuals summed over its clear days;
- its devices' usual *shares* of the day's energy (an east micro makes less
  in the afternoon than a west one; a dead one makes nothing);
- its recent *days*: a moderate shortfall opens a ticket only when it
  persists (`confirm`).

`SiteHistory` is a frozen value: `remember` returns the next one. The
`days` command keeps it in memory; the addon stores the same facts on the
site and its daily production rows.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from datetime import date

from .classify import Verdict
from .dayfacts import DayFacts, SiteKnowledge
from .levels import DEFAULT_LEVELS, GoodDay, LevelPolicy, Levels, is_good, learn
from .orientation import CANDIDATES, DayFit, RoofEvidence, inferred_roof
from .series import SiteSpec


@dataclass(frozen=True)
class EvidencePolicy:
    """How short days add up to a ticket.

    Each day compared with what was due weighs the two stories against
    each other: "the site is fine" (it makes its level, give or take its
    spread) and "a fault took `drop` of it". A day at `ratio` of its level,
    with the spread of such days, adds `drop * (1 - drop / 2 - ratio) /
    spread**2` (the log-likelihood ratio of the two, for a normal spread):
    much for a clear, well-known day well short, little for a dark or
    little-known one, less than nothing for a day near its level. The sum
    never goes below zero (a cumulative sum, as in quality control), no
    day adds more than `cap` (one odd day is never enough), a day whose
    level is not yet learned for its sky adds `uncalibrated_share` of its
    weight, short or not (its shortfall may be the site's own level, the
    same every day, so such days do not add up as independent ones; nor
    does one good day under a sky the site is not known under wipe out the
    short days before it), and a ticket opens
    once the sum reaches `open_at` on a day that is itself short."""

    drop: float = 0.3
    cap: float = 5.0
    open_at: float = 7.0
    # a day whose better hours made more than the midpoint plus this adds
    # nothing (a cloud over part of the day, not a fault)
    upper_margin: float = 0.08
    uncalibrated_share: float = 0.5

    @property
    def midpoint(self) -> float:
        return 1.0 - self.drop / 2.0

    def of_day(self, verdict: Verdict) -> float:
        """What one day adds (0 for a day not compared with what was due)."""
        ev = verdict.evidence
        ratio, spread = ev.get("ratio"), ev.get("spread")
        if ratio is None or not spread:
            return 0.0
        weight = self.drop * (self.midpoint - ratio) / (spread * spread)
        upper = ev.get("upper")
        if upper is not None and upper > self.midpoint + self.upper_margin:
            weight = min(weight, 0.0)
        weight = max(-self.cap, min(self.cap, weight))
        if not ev.get("calibrated", True):
            weight *= self.uncalibrated_share
        return weight


@dataclass(frozen=True)
class HistoryPolicy:
    """How much history is kept; defaults are policy."""

    # recent day records kept (persistence and the levels read these)
    keep_days: int = 60
    # device shares: learned over at most this many recent good days
    share_days: int = 7
    levels: LevelPolicy = DEFAULT_LEVELS
    evidence: EvidencePolicy = EvidencePolicy()


DEFAULT_POLICY = HistoryPolicy()


@dataclass(frozen=True)
class DayRecord:
    """One day of a site: its verdict kind, the neighbours' sky that day,
    and where the day was compared with its model, the model ratio (made
    over the model under the neighbours' sky, before the site's level) and
    whether it was a good day (one that may teach the level)."""

    day: date
    kind: str
    sky: float | None = None
    model_ratio: float | None = None
    good: bool = False
    # the day's ratio to its level, and the evidence of a shortfall summed
    # up to that day (EvidencePolicy)
    ratio: float | None = None
    evidence: float = 0.0
    # the inferred roof the day was judged on (orientation.CANDIDATES
    # index; None: entered or not known): a level holds for one roof
    roof: int | None = None


@dataclass(frozen=True)
class SiteHistory:
    records: tuple[DayRecord, ...] = ()
    roof: RoofEvidence = RoofEvidence()
    # the device shares of recent good days (each a tuple, one per device)
    device_shares: tuple[tuple[float, ...], ...] = ()

    def levels(self, roof: int | None, policy: HistoryPolicy = DEFAULT_POLICY) -> Levels:
        """The levels learned on the roof now in use (`roof_key`); an
        inferred roof starts from its fit's scale, and counts it as a good
        day while its days are few."""
        good = (
            GoodDay(r.day, r.sky, r.model_ratio)
            for r in self.records
            if r.good and r.model_ratio is not None and r.roof == roof
        )
        prior = self.roof.scale() if roof is not None and roof >= 0 else None
        return learn(good, policy.levels, prior or 1.0, prior_is_a_day=prior is not None)

    def to_json(self) -> dict:
        """The history as JSON-able data (what the addon stores on the site)."""
        return {
            "records": [
                [
                    r.day.isoformat(),
                    r.kind,
                    r.sky,
                    r.model_ratio,
                    r.good,
                    r.ratio,
                    r.evidence,
                    r.roof,
                ]
                for r in self.records
            ],
            "roof": {
                "clear_days": self.roof.clear_days,
                "residuals": list(self.roof.residuals),
                "log_scales": list(self.roof.log_scales),
                "chosen": self.roof.chosen,
            },
            "device_shares": [list(s) for s in self.device_shares],
        }

    @classmethod
    def from_json(cls, data: dict | None) -> SiteHistory:
        """The history `to_json` wrote (an empty one for None or {}); data
        of another shape (an engine upgrade changed the roof candidates)
        starts that part afresh rather than fail."""
        if not data:
            return cls()
        records = tuple(
            DayRecord(date.fromisoformat(row[0]), *row[1:4], bool(row[4]), *row[5:8])
            for row in data.get("records", ())
        )
        roof_data = data.get("roof") or {}
        residuals = tuple(roof_data.get("residuals", ()))
        roof = RoofEvidence()
        if len(residuals) == len(CANDIDATES):
            roof = RoofEvidence(
                int(roof_data.get("clear_days", 0)),
                residuals,
                tuple(roof_data.get("log_scales", ())),
                roof_data.get("chosen"),
            )
        shares = tuple(tuple(s) for s in data.get("device_shares", ()))
        return cls(records, roof, shares)

    def usual_shares(self) -> tuple[float, ...] | None:
        if not self.device_shares:
            return None
        width = len(self.device_shares[-1])
        same = [s for s in self.device_shares if len(s) == width]
        return tuple(statistics.median(s[i] for s in same) for i in range(width))


# the key a day's record keeps of the roof it was judged on: entered
# arrays, an inferred candidate (its index), or none (its neighbours' yield)
ENTERED_ROOF, PEERS_YIELD = None, -1


def roof_key(history: SiteHistory, spec: SiteSpec) -> int | None:
    if spec.arrays:
        return ENTERED_ROOF
    return PEERS_YIELD if history.roof.chosen is None else history.roof.chosen


def knowledge(
    history: SiteHistory,
    spec: SiteSpec,
    faulty: bool = False,
    policy: HistoryPolicy = DEFAULT_POLICY,
) -> SiteKnowledge:
    """What the day judge needs of the history for `spec`'s site."""
    roof = () if spec.arrays else inferred_roof(history.roof, spec)
    return SiteKnowledge(
        levels=history.levels(roof_key(history, spec), policy),
        inferred_roof=roof,
        device_shares=history.usual_shares(),
        faulty=faulty,
    )


def evidence_after(
    history: SiteHistory, verdict: Verdict, policy: HistoryPolicy = DEFAULT_POLICY
) -> float:
    """The evidence of a shortfall once this day is counted (EvidencePolicy)."""
    before = history.records[-1].evidence if history.records else 0.0
    return max(0.0, before + policy.evidence.of_day(verdict))


def confirm(
    verdict: Verdict,
    history: SiteHistory,
    open_kinds: frozenset[str] = frozenset(),
    policy: HistoryPolicy = DEFAULT_POLICY,
) -> Verdict | None:
    """The verdict to act on. A moderate shortfall (`persist` in its
    evidence) counts once the evidence of the last days reaches the
    policy's `open_at` (or while its fault is open). None means "not yet":
    it neither opens nor clears anything."""
    if verdict.kind in open_kinds:
        return verdict
    persist = verdict.evidence.get("persist")
    if not persist:
        return verdict
    evidence = evidence_after(history, verdict, policy)
    if evidence < policy.evidence.open_at:
        return None
    days = [r for r in history.records if r.ratio is not None][-4:]
    shares = ", ".join(f"{r.ratio:.0%}" for r in days)
    return replace(
        verdict,
        reason=f"{verdict.reason}; the days before: {shares}" if shares else verdict.reason,
        evidence={**verdict.evidence, "shortfall_evidence": round(evidence, 1)},
    )


def remember(
    history: SiteHistory,
    facts: DayFacts,
    verdict: Verdict,
    fit: DayFit | None,
    policy: HistoryPolicy = DEFAULT_POLICY,
) -> SiteHistory:
    """The history after one more day."""
    model_ratio = verdict.evidence.get("model_ratio")
    # the level as sure as the day's comparison took it (a share of the
    # neighbours' yield is learned over more days than a roof's level)
    level = facts.level
    level = replace(level, calibrated=level.calibrated and verdict.evidence.get("calibrated", True))
    good = (
        verdict.kind == "ok"
        and model_ratio is not None
        and is_good(level, model_ratio, policy.levels)
    )
    record = DayRecord(
        facts.day,
        verdict.kind,
        facts.day_sky,
        model_ratio,
        good,
        verdict.evidence.get("ratio"),
        evidence_after(history, verdict, policy),
        roof_key(history, facts.spec),
    )
    records = (history.records + (record,))[-policy.keep_days :]
    roof = history.roof
    if fit is not None and not facts.spec.arrays and verdict.kind in ("ok", "indeterminate"):
        roof = roof.add(fit)
    shares = history.device_shares
    energies = facts.device_energy_wh
    if verdict.kind == "ok" and energies and all(e is not None for e in energies):
        total = sum(energies)
        if total > 0:
            shares = (shares + (tuple(e / total for e in energies),))[-policy.share_days :]
    return replace(history, records=records, roof=roof, device_shares=shares)
