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
from .dayfacts import ROOF_UNKNOWN, DayFacts, SiteKnowledge
from .kinds import is_judged
from .levels import DEFAULT_LEVELS, GoodDay, LevelPolicy, Levels, is_good, learn
from .orientation import CANDIDATES, DayFit, RoofEvidence, inferred_roof
from .series import SiteSpec


@dataclass(frozen=True)
class HistoryPolicy:
    """How much history is kept; defaults are policy."""

    # recent day records kept (persistence and the levels read these)
    keep_days: int = 60
    # device shares: learned over at most this many recent good days
    share_days: int = 7
    levels: LevelPolicy = DEFAULT_LEVELS


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


@dataclass(frozen=True)
class SiteHistory:
    records: tuple[DayRecord, ...] = ()
    roof: RoofEvidence = RoofEvidence()
    # the device shares of recent good days (each a tuple, one per device)
    device_shares: tuple[tuple[float, ...], ...] = ()

    def levels(self, policy: HistoryPolicy = DEFAULT_POLICY) -> Levels:
        good = (
            GoodDay(r.day, r.sky, r.model_ratio)
            for r in self.records
            if r.good and r.model_ratio is not None
        )
        return learn(good, policy.levels)

    def to_json(self) -> dict:
        """The history as JSON-able data (what the addon stores on the site)."""
        return {
            "records": [
                [r.day.isoformat(), r.kind, r.sky, r.model_ratio, r.good] for r in self.records
            ],
            "roof": {
                "clear_days": self.roof.clear_days,
                "residuals": list(self.roof.residuals),
                "log_scales": list(self.roof.log_scales),
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
            DayRecord(date.fromisoformat(d), kind, sky, ratio, bool(good))
            for d, kind, sky, ratio, good in data.get("records", ())
        )
        roof_data = data.get("roof") or {}
        residuals = tuple(roof_data.get("residuals", ()))
        roof = RoofEvidence()
        if len(residuals) == len(CANDIDATES):
            roof = RoofEvidence(
                int(roof_data.get("clear_days", 0)),
                residuals,
                tuple(roof_data.get("log_scales", ())),
            )
        shares = tuple(tuple(s) for s in data.get("device_shares", ()))
        return cls(records, roof, shares)

    def usual_shares(self) -> tuple[float, ...] | None:
        if not self.device_shares:
            return None
        width = len(self.device_shares[-1])
        same = [s for s in self.device_shares if len(s) == width]
        return tuple(statistics.median(s[i] for s in same) for i in range(width))


def knowledge(
    history: SiteHistory,
    spec: SiteSpec,
    faulty: bool = False,
    policy: HistoryPolicy = DEFAULT_POLICY,
) -> SiteKnowledge:
    """What the day judge needs of the history for `spec`'s site."""
    roof = () if spec.arrays else inferred_roof(history.roof, spec)
    return SiteKnowledge(
        levels=history.levels(policy),
        inferred_roof=roof,
        device_shares=history.usual_shares(),
        faulty=faulty,
    )


def confirm(
    verdict: Verdict, history: SiteHistory, open_kinds: frozenset[str] = frozenset()
) -> Verdict | None:
    """The verdict to act on: a fault that needs to persist counts only when
    enough of the recent judged days were short too (or its fault is already
    open); None means "not yet" (it neither opens nor clears anything)."""
    needs = verdict.evidence.get("persist_days")
    if not needs or verdict.kind in open_kinds:
        return verdict
    window = verdict.evidence.get("persist_window", needs)
    judged = [r for r in history.records if is_judged(r.kind)]
    judged = judged[len(judged) - (window - 1) :] if window > 1 else []
    short = 1 + sum(1 for r in judged if r.kind == verdict.kind)
    return verdict if short >= needs else None


def remember(
    history: SiteHistory,
    facts: DayFacts,
    verdict: Verdict,
    fit: DayFit | None,
    policy: HistoryPolicy = DEFAULT_POLICY,
) -> SiteHistory:
    """The history after one more day."""
    model_ratio = verdict.evidence.get("model_ratio")
    good = (
        verdict.kind == "ok"
        and model_ratio is not None
        and facts.roof != ROOF_UNKNOWN
        and is_good(facts.level, model_ratio, policy.levels)
    )
    record = DayRecord(facts.day, verdict.kind, facts.day_sky, model_ratio, good)
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
