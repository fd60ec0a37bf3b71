"""A site's own history: its ratio to the physical model on good days.

The model (`expected.py`) knows the roof's geometry and the neighbours' sky,
not the tree next door, the chimney, a long cable or a cheap module. A site
that has always made 70 % of what its roof "should" is not broken; a site
that used to make 70 % and now makes 40 % is. `history_ratio` turns the
model ratios the health check recorded day after day into the one number
the classifier multiplies the model by (`Reading.history_ratio`).

Which days count ("good days"):

- a day the site was judged on energy (a model ratio was recorded: the roof
  is known, neighbours saw a usable sky, enough energy was due) and its last
  judgement that day was normal or Underperformance. A day with another
  fault (zero production, devices down, a meter, data) says nothing about
  shading;
- a ratio between `min_ratio` and `max_ratio`: outside, the site or its
  configuration is wrong, not shaded;
- the first `min_days` such days form the baseline: a condition present
  since monitoring began cannot be told from shading (docs/detection.md says so);
- after that, a day counts when it agrees with the recent good days (within
  `tolerance` of their median): a slow seasonal drift follows, a drop does
  not. A rise that lasts `min_days` judged days in a row (a repair, a
  cleaning, a tree cut) becomes the new level; a lasting drop never does on
  its own, since that is what a fault looks like.

The history is the median of the last `max_days` good days within
`window_days`, and exists only once `min_days` good days are there.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import EngineError

# verdict kinds of a day whose model ratio may calibrate the site
CALIBRATING_KINDS = frozenset({"ok", "underperformance"})


@dataclass(frozen=True)
class CalibrationPolicy:
    """The rule's numbers; the defaults are documented policy (docs/detection.md)."""

    min_days: int = 5
    max_days: int = 14
    window_days: int = 90
    tolerance: float = 0.15
    min_ratio: float = 0.3
    max_ratio: float = 1.5

    def __post_init__(self):
        if not 1 <= self.min_days <= self.max_days:
            raise EngineError(
                f"calibration: min_days ({self.min_days}) must be 1..max_days ({self.max_days})"
            )
        if not 0 < self.min_ratio < self.max_ratio:
            raise EngineError(
                f"calibration: ratios must satisfy 0 < min_ratio ({self.min_ratio}) "
                f"< max_ratio ({self.max_ratio})"
            )


@dataclass(frozen=True)
class DayRatio:
    """One day of one site: its model ratio and the kind of its last
    judgement that day (a verdict kind: "ok", "underperformance", ...)."""

    day: date
    model_ratio: float
    kind: str


def good_days(
    days: Iterable[DayRatio], today: date, policy: CalibrationPolicy = CalibrationPolicy()
) -> list[DayRatio]:
    """The days that calibrate the site, oldest first (see the module doc)."""
    start = today - timedelta(days=policy.window_days)
    judged = sorted(
        (
            d
            for d in days
            if start <= d.day < today
            and d.kind in CALIBRATING_KINDS
            and policy.min_ratio <= d.model_ratio <= policy.max_ratio
        ),
        key=lambda d: d.day,
    )
    accepted: list[DayRatio] = []
    rising: list[DayRatio] = []
    for day in judged:
        if len(accepted) < policy.min_days:
            accepted.append(day)
            continue
        level = statistics.median(d.model_ratio for d in accepted[-policy.max_days :])
        if abs(day.model_ratio / level - 1.0) <= policy.tolerance:
            accepted.append(day)
            rising = []
        elif day.model_ratio > level:
            # higher than before: a new level once it lasts, and agrees with itself
            rising.append(day)
            if len(rising) >= policy.min_days:
                mid = statistics.median(d.model_ratio for d in rising)
                if all(abs(d.model_ratio / mid - 1.0) <= policy.tolerance for d in rising):
                    accepted = list(rising)
                    rising = []
        else:
            rising = []
    return accepted


def history_ratio(
    days: Iterable[DayRatio], today: date, policy: CalibrationPolicy = CalibrationPolicy()
) -> float | None:
    """The site's ratio to the model on recent good days (rounded to 0.001),
    or None while fewer than `policy.min_days` good days are known."""
    accepted = good_days(days, today, policy)
    if len(accepted) < policy.min_days:
        return None
    return round(statistics.median(d.model_ratio for d in accepted[-policy.max_days :]), 3)
