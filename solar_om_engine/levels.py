"""What a site makes over its model, by kind of sky: learned from its good days.

The roof's model (`expected.py`) knows the geometry and the neighbours'
sky, not the tree next door, a long cable or cheap modules; nor how the
model's split of a cloudy sky into beam and diffuse light suits a roof
facing away from the sun. So each site's *level* (made over modelled, on
days that were fine) is learned from its own history, separately for
bright, mixed and dark days: a north roof may make 98 % of its model on
clear days and 72 % under overcast, every time, and that is not a fault.

The *spread* of its good days around that level says how sure a day's
figure is: a site whose clear days all land within 2 % of its level is
short at 90 % of it; one whose overcast days scatter by 10 % is not.

Rules (policy, `LevelPolicy`):

- a good day is one judged `ok` whose model ratio was not itself low
  (at least `1 - good_sigmas` spreads of the level then): a fault's days
  never teach the site its level, so a lasting drop never becomes normal,
  while a lasting rise (a cleaning, a repair) does;
- a bin's level is the median of its last `max_days` good days once it has
  `min_days`, its spread the scaled median absolute deviation once it has
  `spread_days` (never below the bin's floor), widened while the days are
  few (times 1 + `few_days` / their number); a bin without enough days
  borrows half the way from the model to the nearest bin's level (another
  sky can treat a roof differently), with the bin's wider uncalibrated
  spread;
- a level is at most `max_level` (past that, the capacity or the arrays
  entered are wrong, not the roof's model); how low a level may be taken is
  the day judge's to say (`dayrules.DayComparison`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

BRIGHT, MIXED, DARK = "bright", "mixed", "dark"
BINS = (BRIGHT, MIXED, DARK)


@dataclass(frozen=True)
class LevelPolicy:
    """A site's level is learned per kind of sky: bright (the neighbours'
    clear-sky index over the day at least `bright_from`), dark (below
    `dark_below`) or mixed. A kind's level is the median of its last
    `max_days` good days once it has `min_days`; its spread the scaled
    median absolute deviation once it has `spread_days`, never below
    `spread_floor` (bright, mixed, dark), widened while the days are few
    (times 1 + `few_days` / their number). A kind without enough days
    borrows half the way from the model to the nearest kind's level, with
    the wider `spread_uncalibrated`. An inferred roof's fit scale (measured
    on the site's clear days) counts as one more good day while a kind has
    fewer than `spread_days`, and is the bright level before the first
    bright good day. A day teaches the level unless it was
    `good_sigmas` spreads below it; a level is at most `max_level`."""

    # a day's sky (the neighbours' clear-sky index over the day) at least
    # this is bright, below `dark_below` dark, mixed between
    bright_from: float = 0.65
    dark_below: float = 0.35
    min_days: int = 2
    max_days: int = 14
    spread_days: int = 4
    # the spread of a bin with enough days is never below (bright, mixed, dark)
    spread_floor: tuple[float, float, float] = (0.03, 0.06, 0.06)
    # ... and without (its level borrowed or unknown)
    spread_uncalibrated: tuple[float, float, float] = (0.08, 0.12, 0.15)
    # a day teaches the level unless it was this many spreads low
    good_sigmas: float = 2.0
    few_days: float = 2.0
    max_level: float = 1.5

    def bin(self, sky: float | None) -> str:
        if sky is None or sky >= self.bright_from:
            return BRIGHT
        return DARK if sky < self.dark_below else MIXED

    def floor(self, name: str, calibrated: bool) -> float:
        table = self.spread_floor if calibrated else self.spread_uncalibrated
        return table[BINS.index(name)]


DEFAULT_LEVELS = LevelPolicy()


@dataclass(frozen=True)
class GoodDay:
    """One good day of a site: its sky and model ratio."""

    day: date
    sky: float | None
    model_ratio: float


@dataclass(frozen=True)
class Level:
    """A site's level for one kind of sky, and how sure it is."""

    level: float
    spread: float
    # learned from days of this kind of sky (else borrowed or assumed)
    calibrated: bool
    days: int
    # its spread is the scatter of its own good days (enough of them to
    # measure it), not a floor
    measured: bool = False

    def describe(self) -> str:
        if not self.calibrated:
            return f"{self.level:.0%} (not yet learned for this sky)"
        if not self.days:
            return f"{self.level:.0%} ± {self.spread:.0%} (what its clear days showed)"
        return f"{self.level:.0%} ± {self.spread:.0%} over {self.days} good days"


@dataclass(frozen=True)
class Levels:
    """A site's level per kind of sky (what the day judge reads)."""

    by_bin: dict[str, Level]
    policy: LevelPolicy = DEFAULT_LEVELS

    def at(self, sky: float | None) -> Level:
        return self.by_bin[self.policy.bin(sky)]

    @property
    def witness(self) -> float:
        """The level a site's power is divided by when it tells its
        neighbours the sky: its bright-day level (where the model is surest)."""
        return self.by_bin[BRIGHT].level


def learn(
    good: Iterable[GoodDay],
    policy: LevelPolicy = DEFAULT_LEVELS,
    prior: float = 1.0,
    prior_is_a_day: bool = False,
) -> Levels:
    """The levels that a site's good days (oldest first) teach; `prior` is
    what is assumed before any (the model itself, 1, or what an inferred
    roof's fit to the site's clear days showed). With `prior_is_a_day` (an
    inferred roof: its fit's scale was measured on the site's clear days),
    the prior counts as one more good day while a kind has fewer than
    `spread_days`, so one odd day among two does not set the level, and is
    the bright level (learned from no day of its own: `days` 0) before the
    first bright good day."""
    per_bin: dict[str, list[float]] = {name: [] for name in BINS}
    for day in good:
        per_bin[policy.bin(day.sky)].append(day.model_ratio)
    learned: dict[str, Level] = {}
    for name, ratios in per_bin.items():
        recent = ratios[-policy.max_days :]
        # an inferred roof's fit was measured on the site's clear days: its
        # bright level until its own bright days say otherwise
        from_fit = prior_is_a_day and name == BRIGHT
        if not recent and from_fit:
            spread = policy.floor(name, True) * (1.0 + policy.few_days)
            learned[name] = Level(_clamp(prior, policy), spread, True, 0)
            continue
        if len(recent) < policy.min_days and not from_fit:
            continue
        # enough days to measure their scatter (else the floor, and an
        # inferred roof's fit counts as one more day)
        measured = len(recent) >= policy.spread_days
        level = statistics.median(recent if measured or not prior_is_a_day else [*recent, prior])
        spread = policy.floor(name, True)
        if measured:
            mad = statistics.median(abs(r / level - 1.0) for r in recent)
            spread = max(spread, 1.4826 * mad)
        spread *= 1.0 + policy.few_days / len(recent)
        learned[name] = Level(_clamp(level, policy), spread, True, len(recent), measured)
    levels = {}
    for name in BINS:
        if name in learned:
            levels[name] = learned[name]
            continue
        # the nearest kind of sky that has a level, or 1 (the model itself)
        order = sorted(learned, key=lambda other: abs(BINS.index(other) - BINS.index(name)))
        borrowed = (prior + learned[order[0]].level) / 2.0 if order else prior
        levels[name] = Level(_clamp(borrowed, policy), policy.floor(name, False), False, 0)
    return Levels(levels, policy)


def is_good(level: Level, model_ratio: float, policy: LevelPolicy = DEFAULT_LEVELS) -> bool:
    """Whether a day judged `ok` with this model ratio may teach the level:
    any such day while the level is not learned for its sky (it was not
    short), else one not `good_sigmas` spreads below the level."""
    if not level.calibrated:
        return True
    return model_ratio >= level.level * (1.0 - policy.good_sigmas * level.spread)


def _clamp(level: float, policy: LevelPolicy) -> float:
    return min(level, policy.max_level)
