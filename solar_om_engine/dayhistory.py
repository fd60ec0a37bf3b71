"""What a site's earlier days teach about it, and when a short day is a fault.

A site is judged against its neighbours' sky on its roof's model; its
history adds what the model cannot know:

- its *level*: what it makes over the model on good days (the tree next
  door, a long cable, cheap modules). The rule is `calibration.py`'s: the
  first good days set it, a lasting rise moves it (a cleaning, a repair), a
  drop never does (that is what a fault looks like). It is never taken
  below `min_level`: a site making less than that since its first day is
  underperforming, not calibrated;
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

from .calibration import CalibrationPolicy, DayRatio, history_ratio
from .classify import Verdict
from .dayfacts import ROOF_UNKNOWN, DayFacts, SiteKnowledge
from .kinds import FaultKind, is_judged
from .orientation import DayFit, RoofEvidence, inferred_roof
from .series import SiteSpec


@dataclass(frozen=True)
class HistoryPolicy:
    """How much history is kept and trusted; defaults are policy."""

    # recent day records kept (persistence and calibration read these)
    keep_days: int = 60
    # the level is never below this (see the module doc) nor above max_level
    min_level: float = 0.8
    max_level: float = 1.25
    # device shares: learned over at most this many recent good days
    share_days: int = 7
    calibration: CalibrationPolicy = CalibrationPolicy(min_days=3, max_days=14, tolerance=0.12)


@dataclass(frozen=True)
class DayRecord:
    """One judged day of a site: its verdict kind and, where the day was
    compared with its model, the model ratio (made over the model under the
    neighbours' sky, before the site's level)."""

    day: date
    kind: str
    model_ratio: float | None = None


@dataclass(frozen=True)
class SiteHistory:
    records: tuple[DayRecord, ...] = ()
    roof: RoofEvidence = RoofEvidence()
    # the device shares of recent good days (each a tuple, one per device)
    device_shares: tuple[tuple[float, ...], ...] = ()

    def level(self, policy: HistoryPolicy = HistoryPolicy()) -> float | None:
        """The site's level, once enough good days are known."""
        if not self.records:
            return None
        days = [
            DayRatio(r.day, r.model_ratio, r.kind)
            for r in self.records
            if r.model_ratio is not None
        ]
        today = max(r.day for r in self.records).toordinal() + 1
        level = history_ratio(days, date.fromordinal(today), policy.calibration)
        if level is None:
            return None
        return min(max(level, policy.min_level), policy.max_level)

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
    policy: HistoryPolicy = HistoryPolicy(),
) -> SiteKnowledge:
    """What the day judge needs of the history for `spec`'s site."""
    roof = () if spec.arrays else inferred_roof(history.roof, spec)
    level = history.level(policy) if (spec.arrays or roof) else None
    return SiteKnowledge(
        level=level or 1.0,
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
    judged = (
        [r for r in history.records if is_judged(r.kind)][-(window - 1) :] if window > 1 else []
    )
    short = 1 + sum(1 for r in judged if r.kind == verdict.kind)
    return verdict if short >= needs else None


def remember(
    history: SiteHistory,
    facts: DayFacts,
    verdict: Verdict,
    fit: DayFit | None,
    policy: HistoryPolicy = HistoryPolicy(),
) -> SiteHistory:
    """The history after one more day."""
    model_ratio = None
    ratio = verdict.evidence.get("ratio")
    if (
        ratio is not None
        and facts.roof != ROOF_UNKNOWN
        and verdict.kind
        in (
            "ok",
            FaultKind.UNDERPERFORMANCE.value,
        )
    ):
        model_ratio = round(ratio * facts.level, 4)
    records = (history.records + (DayRecord(facts.day, verdict.kind, model_ratio),))[
        -policy.keep_days :
    ]
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
