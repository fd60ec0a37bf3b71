"""How a site's day is judged: an ordered list of small rules.

Each rule is a frozen dataclass: its fields are its thresholds (with the
defaults as policy), its docstring says what it decides and why, and
calling it on a day's facts (`dayfacts.DayFacts`) returns a verdict or
None. `DAY_RULES` lists them in the order they are asked: the first rule
that returns a verdict decides the day. `docs/day-rules.md` is generated
from this module (`python -m solar_om_engine rules`), so a rule is described
once, here.

A verdict is a `classify.Verdict` (the same the snapshot checks give), so
the fault and ticket rules (`faults.py`) treat a day like a check. Its
evidence carries `persist` where one day is not enough to open a ticket
(`dayhistory.confirm` decides), `ratio` where the day was compared
with what was due (a normal day that compared energy clears a production
fault), and `abstained` with the cause where the day could not be judged.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import ClassVar

from .classify import Verdict
from .dayfacts import ROOF_ENTERED, ROOF_INFERRED, ROOF_UNKNOWN, DayFacts
from .dayhistory import EvidencePolicy
from .kinds import Abstention, FaultKind, HealthState
from .levels import Level, LevelPolicy


def _verdict(facts: DayFacts, kind, reason: str, **evidence) -> Verdict:
    sky = facts.day_sky
    ev = {
        "day": facts.day.isoformat(),
        "roof": facts.roof,
        "made_wh": round(facts.made_total_wh),
        "level": round(facts.level.level, 3),
        "sky": None if sky is None else round(sky, 3),
        "peers": facts.peers,
    }
    ev.update({k: v for k, v in evidence.items() if v is not None})
    if facts.notes:
        ev["notes"] = list(facts.notes)
    return Verdict(facts.spec.site, kind, reason, facts.spec.account, ev)


def _hhmm(hour: float) -> str:
    return f"{int(hour):02d}:{int(round(hour % 1 * 60)) % 60:02d}"


@dataclass(frozen=True)
class DayRule:
    """Base of the day rules: `__call__(facts)` returns a Verdict or None."""

    # the verdict kind the rule gives (for the generated documentation)
    gives: ClassVar[str] = ""

    def __call__(self, facts: DayFacts) -> Verdict | None:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def thresholds(cls) -> list[tuple[str, object]]:
        return [(f.name, f.default) for f in fields(cls)]


@dataclass(frozen=True)
class SilentAllDay(DayRule):
    """Comms loss: nothing at all reported while the sun was up.

    A gateway that is silent is not a site that produces nothing: the
    vendors send `null` (or leave the site out) where they heard nothing,
    and 0 W where the inverter said "zero". A whole lit day of `null` is a
    site the monitoring cannot see."""

    gives: ClassVar[str] = FaultKind.COMMS_LOSS
    # the day had at least this many lit hours (sun >= 10°)
    min_lit_hours: float = 2.0

    def __call__(self, facts):
        if facts.lit_hours >= self.min_lit_hours and facts.reported_lit_hours == 0:
            return _verdict(
                facts,
                FaultKind.COMMS_LOSS,
                f"no data all day ({facts.lit_hours:.1f} hours of daylight)",
            )
        return None


@dataclass(frozen=True)
class SilentSince(DayRule):
    """Comms loss: the site went silent during the day and stayed silent
    until sunset. A gap that ends before sunset is a gap, not a loss."""

    gives: ClassVar[str] = FaultKind.COMMS_LOSS
    # silent for at least this many lit hours up to sunset
    min_silent_hours: float = 3.0

    def __call__(self, facts):
        if facts.silent_lit_hours >= self.min_silent_hours and facts.reported_lit_hours > 0:
            return _verdict(
                facts,
                FaultKind.COMMS_LOSS,
                f"no data for the last {facts.silent_lit_hours:.1f} hours of daylight",
                silent_hours=round(facts.silent_lit_hours, 2),
            )
        return None


@dataclass(frozen=True)
class ZeroProduction(DayRule):
    """Zero Production: the site reported about nothing for hours while
    its roof was due clearly more, under the sky its neighbours saw (or,
    without neighbours, under an overcast on the least favourable plausible
    roof). A storm or snow over the whole neighbourhood leaves little due,
    so it is not a fault."""

    gives: ClassVar[str] = FaultKind.INVERTER_FAULT
    # "about nothing": a mean power at most this share of the DC capacity
    zero_fraction: float = 0.005
    # "clearly more due": at least this share of the DC capacity on average
    due_fraction: float = 0.05
    # for at least this many lit hours
    min_hours: float = 2.0
    # or the whole day about nothing for at least this many lit hours with
    # data, whatever the sky (a working inverter makes something in any
    # daylight; no neighbours need tell the sky)
    whole_day_hours: float = 3.0

    def __call__(self, facts):
        cap = facts.spec.capacity_w
        lit_with_data = [
            h for h in range(24) if facts.lit_share[h] >= 0.5 and facts.data_hours[h] > 0
        ]
        if len(lit_with_data) >= self.whole_day_hours and all(
            facts.mean_power_w(h) <= self.zero_fraction * cap for h in lit_with_data
        ):
            return _verdict(
                facts,
                FaultKind.INVERTER_FAULT,
                f"Zero Production: about 0 W all day ({len(lit_with_data)} hours of daylight "
                "reported)",
                zero_hours=lit_with_data,
            )
        zero_hours = [
            h
            for h in range(24)
            if facts.lit_share[h] >= 0.5
            and (power := facts.mean_power_w(h)) is not None
            and (due := facts.mean_due_w(h)) is not None
            and power <= self.zero_fraction * cap
            and due >= self.due_fraction * cap
        ]
        if len(zero_hours) >= self.min_hours:
            due = sum(facts.mean_due_w(h) * facts.data_hours[h] for h in zero_hours)
            return _verdict(
                facts,
                FaultKind.INVERTER_FAULT,
                f"Zero Production: about 0 W for {len(zero_hours)} hours of daylight from "
                f"{_hhmm(zero_hours[0])}, while its roof was due {due / 1000:.1f} kWh",
                zero_hours=zero_hours,
            )
        return None


@dataclass(frozen=True)
class DeadDevices(DayRule):
    """String/MLPE Fault: a device (microinverter, inverter) made nothing,
    or far below its usual share, while its siblings produced. Clouds hit
    the devices of one site alike, so this holds in any weather; the
    verdict names the devices."""

    gives: ClassVar[str] = FaultKind.STRING_MLPE_FAULT
    # a device is dead at most this share of its siblings' median
    dead_share: float = 0.1
    # or, where its usual share is known, at most this share of it (a tree
    # or a low winter sun can halve a device's share on a given day)
    drop_share: float = 0.25
    # the siblings' median made at least this much (Wh): a dark day's
    # devices all make little
    min_median_wh: float = 50.0

    def __call__(self, facts):
        energies = facts.device_energy_wh
        if not energies or len(energies) < 2:
            return None
        reported = [e for e in energies if e is not None]
        if not reported:
            return None
        ordered = sorted(reported)
        median = ordered[len(ordered) // 2]
        if median < self.min_median_wh:
            return None
        total = sum(reported)
        shares = facts.device_shares
        down = []
        for index, energy in enumerate(energies):
            if energy is None or energy <= self.dead_share * median:
                down.append(index)
            elif shares and index < len(shares) and shares[index] > 0:
                if energy / total <= self.drop_share * shares[index]:
                    down.append(index)
        if not down or len(down) == len(energies):
            return None
        names = ", ".join(f"#{i + 1}" for i in down[:10])
        more = f" and {len(down) - 10} more" if len(down) > 10 else ""
        return _verdict(
            facts,
            FaultKind.STRING_MLPE_FAULT,
            f"{len(down)} of {len(energies)} devices down ({names}{more}): "
            f"{sum(energies[i] or 0.0 for i in down) / 1000:.2f} kWh where their siblings made "
            f"{median / 1000:.2f} kWh each",
            devices_down=down,
        )


@dataclass(frozen=True)
class NoSun(DayRule):
    """Not judged: the sun never rose high enough for the day to say
    anything (a high-latitude winter)."""

    gives: ClassVar[str] = HealthState.INDETERMINATE
    # the day's highest sun (degrees)
    min_elevation_deg: float = 10.0

    def __call__(self, facts):
        if facts.max_elevation_deg < self.min_elevation_deg:
            return _verdict(
                facts,
                HealthState.INDETERMINATE,
                f"the sun rose only {facts.max_elevation_deg:.0f}° today: too low to judge",
                abstained=Abstention.SUN_LOW.value,
            )
        return None


def _quantile(pairs: list[tuple[float, float]], q: float) -> float:
    """Weighted quantile of (value, weight) pairs."""
    ordered = sorted(pairs)
    total = sum(w for _, w in ordered)
    running = 0.0
    for value, weight in ordered:
        running += weight
        if running >= q * total:
            return value
    return ordered[-1][0]


@dataclass(frozen=True)
class Compared:
    """A day compared with what was due: made, due (the model's, times the
    site's level for the day's sky), their ratio, the upper quartile of the
    hourly ratios, the hours at half or less, the level and its spread (as
    sure as the comparison is), and what told the sky."""

    made: float
    due: float
    ratio: float
    upper: float
    half_hours: int
    level: Level
    source: str

    @property
    def model_ratio(self) -> float:
        return self.ratio * self.level.level

    def evidence(self) -> dict:
        return {
            "ratio": round(self.ratio, 3),
            "model_ratio": round(self.model_ratio, 3),
            "upper": round(self.upper, 3),
            "due_wh": round(self.due),
            "level": round(self.level.level, 3),
            "spread": round(self.level.spread, 3),
            "calibrated": self.level.calibrated,
            "due_from": self.source,
        }

    def describe(self) -> str:
        what = {
            NEIGHBOURS: "what its roof makes under its neighbours' sky",
            FAR_NEIGHBOURS: "what its roof makes under the sky of neighbours further out",
            CLEAR_SKY: "what its roof makes under a clear sky (a clear day, no neighbours)",
            PEERS: "what its neighbours make per kWp (its roof is not known yet)",
        }[self.source]
        return (
            f"made {self.made / 1000:.1f} of {self.due / 1000:.1f} kWh due: "
            f"{self.ratio:.0%} of {what}, at its usual level of {self.level.describe()}"
        )


NEIGHBOURS, FAR_NEIGHBOURS, CLEAR_SKY = "neighbours", "far neighbours", "clear sky"
PEERS = "neighbours' yield"


@dataclass(frozen=True)
class DayComparison:
    """How a day is compared with what was due (Shortfall and Normal ask
    the same): its energy, over the hours with at least `min_hour_share`
    of the day's largest due, against the roof's model under the
    neighbours' sky times the site's level for such a sky.

    Neighbours far or few (`dayfacts.close_sky`) tell the kind of day, not
    the site's own clouds: the spread is `far_factor` wider, unless it was
    measured over the site's own good days (judged under the same sky, their
    scatter holds it already). A site nobody
    near tells the sky is compared on a day whose power follows its roof's
    clear-sky shape (a misfit of at most `clear_residual` over at least
    `clear_kept` of its lit steps, the rest set aside as clouds): a clear
    day, or the clear hours of a broken one; its spread is `far_factor`
    wider too (a thin haze looks clear). A level not learned yet is as
    sure as the neighbours' own ratios agree today (their spread, at least
    `spread_floor`, at most the level's assumed spread); before its level
    is learned, a roof facing the sun (`min_contrast`) is judged on any
    shortfall if its arrays were entered, on a deep one if inferred (an
    inferred roof's fit, measured on the site's clear days, is its bright
    level only on such a roof). A
    level below `min_level` is taken as `min_level` on entered arrays (a
    site making less than that since its first day is underperforming, not
    calibrated; an
    inferred roof's scale is its fit's), except on a roof a clear sky
    gives less than `min_contrast` times an overcast's output: it faces
    away from the sun, the model is least sure of it, and its own level is
    all there is. A roof not known yet is compared with what its
    neighbours make per kWp, at its own share of it learned over
    `peer_days` good days (roofs facing other ways make other shares, which
    swing with the weather), with the wider spread. A day
    due less than `min_due_kwh_per_kwp` is not compared (a storm-dark
    sky)."""

    min_hour_share: float = 0.15
    min_due_kwh_per_kwp: float = 0.3
    far_factor: float = 2.0
    clear_residual: float = 0.10
    clear_kept: float = 0.6
    min_level: float = 0.8
    min_contrast: float = 2.5
    peer_days: int = 5
    spread_floor: float = 0.07

    def firm(self, facts: DayFacts, deep: bool = False) -> bool:
        """Whether the model alone is sure enough of the roof (it faces the
        sun enough) to judge before the site's level is learned: entered
        arrays for any shortfall, an inferred roof for a deep one only."""
        roofs = (ROOF_ENTERED, ROOF_INFERRED) if deep else (ROOF_ENTERED,)
        return facts.roof in roofs and (facts.contrast or 0.0) >= self.min_contrast

    def __call__(self, facts: DayFacts) -> Compared | None:
        compared = self._neighbours(facts)
        if compared is None and facts.roof != ROOF_UNKNOWN:
            compared = self._clear_sky(facts)
        if compared is None or compared.due < self.min_due_kwh_per_kwp * facts.spec.dc_kwp * 1e3:
            return None
        return compared

    def _level(self, facts: DayFacts, level: Level, wider: bool) -> Level:
        if facts.roof == ROOF_INFERRED and level.calibrated and not level.days:
            # the fit's scale as the bright level (`levels.learn`): learned
            # only on a roof facing the sun, where the fit is surest
            level = replace(level, calibrated=self.firm(facts, deep=True))
        # an inferred roof's scale is its fit's (a flat roof fits a steep
        # one's shape at another scale): no floor
        floor = facts.roof == ROOF_ENTERED and self.firm(facts)
        value = max(level.level, self.min_level) if floor else level.level
        spread = level.spread
        if not level.calibrated and facts.neighbour_spread is not None:
            # not learned yet: as sure as today's neighbours agree, which
            # is measured, at least the learned floor, at most the assumed
            spread = min(spread, max(facts.neighbour_spread, self.spread_floor))
        # a spread measured over the site's own days holds the sky it is
        # judged under already (a rural site's days are all far-sky days)
        spread *= self.far_factor if wider and not level.measured else 1.0
        return replace(level, level=value, spread=spread)

    def _neighbours(self, facts: DayFacts) -> Compared | None:
        hourly = facts.hourly_pi(self.min_hour_share)
        if not hourly:
            return None
        level = facts.level
        if facts.roof == ROOF_UNKNOWN and level.days < self.peer_days:
            # a share of the neighbours' yield swings with the weather
            # (roofs facing other ways): learned over more days
            level = replace(level, calibrated=False)
        wider = not facts.close_sky or facts.roof == ROOF_UNKNOWN
        level = self._level(facts, level, wider)
        made, due = facts.totals([h for h, _, _ in hourly])
        due *= level.level
        if due <= 0:
            return None
        pis = [(pi / level.level, w) for _, pi, w in hourly]
        if facts.roof == ROOF_UNKNOWN:
            source = PEERS
        else:
            source = NEIGHBOURS if facts.close_sky else FAR_NEIGHBOURS
        return Compared(
            made,
            due,
            made / due,
            _quantile(pis, 0.75),
            sum(1 for pi, _ in pis if pi <= 0.5),
            level,
            source,
        )

    def _clear_sky(self, facts: DayFacts) -> Compared | None:
        fit = facts.clear_fit
        if fit is None:
            return None
        residual, scale, kept = fit
        if residual > self.clear_residual or kept < self.clear_kept:
            return None
        level = self._level(facts, facts.levels.at(None), True)
        clear = sum(c for c in facts.clear_wh if c)
        ratio = scale / level.level
        return Compared(facts.made_total_wh, clear * level.level, ratio, ratio, 0, level, CLEAR_SKY)


COMPARISON = DayComparison()


@dataclass(frozen=True)
class Shortfall(DayRule):
    """Underperformance: the day made less than what was due (see
    `DayComparison`), and not only in a few hours: a cloud over one site is
    a few bad hours, a fault (soiling, a dead string, shading that grew) is
    every hour.

    How short is short depends on how sure the day is: `sigmas` spreads of
    the site's good days under such a sky below its level (a site whose
    clear days all land within 2 % of its level is short at 85 %; one not
    yet learned for this sky at 76 % or less), never above `max_ratio` nor
    required below `min_ratio`, while its better hours (the upper quartile)
    are at most `upper_margin` above that. A moderate shortfall opens a
    ticket only when the evidence of the last days adds up
    (`dayhistory.EvidencePolicy`); a deep one, the day at `deep_ratio` or
    less with `deep_hours` hours at half or less under close neighbours'
    sky, at once. A roof not known yet is held to the least any plausible
    roof makes: short only deeply. An inferred roof judges a moderate
    shortfall only while its level is within `inferred_levels` (else it is
    not the site's roof: its misfit swings with the sky)."""

    gives: ClassVar[str] = FaultKind.UNDERPERFORMANCE
    sigmas: float = 3.0
    max_ratio: float = 0.85
    min_ratio: float = 0.62
    upper_margin: float = 0.08
    deep_ratio: float = 0.5
    deep_hours: int = 2
    inferred_levels: tuple[float, float] = (0.7, 1.3)

    def threshold(self, level: Level) -> float:
        return min(self.max_ratio, max(self.min_ratio, 1.0 - self.sigmas * level.spread))

    def __call__(self, facts):
        if facts.roof == ROOF_UNKNOWN:
            deep = self._bounded(facts)
            if deep is not None:
                return deep
        compared = COMPARISON(facts)
        if compared is None:
            return None
        learned = compared.level.calibrated
        if not learned and not COMPARISON.firm(facts, deep=True):
            return None
        threshold = self.threshold(compared.level)
        made = compared.describe()
        deep = compared.ratio <= self.deep_ratio and compared.half_hours >= self.deep_hours
        if deep and compared.source != PEERS:
            # a deep shortfall against far neighbours' sky may be a storm
            # over the site alone: it too must persist
            return _verdict(
                facts,
                FaultKind.UNDERPERFORMANCE,
                f"{made}; {compared.half_hours} hours at half or less",
                **compared.evidence(),
                persist=True if compared.source != NEIGHBOURS else None,
            )
        if not learned and not COMPARISON.firm(facts):
            return None
        if not self._fits(facts, compared):
            return None
        if compared.ratio <= threshold and compared.upper <= threshold + self.upper_margin:
            return _verdict(
                facts,
                FaultKind.UNDERPERFORMANCE,
                f"{made}; even its better hours made {compared.upper:.0%}",
                **compared.evidence(),
                threshold=round(threshold, 3),
                persist=True,
            )
        return None

    def _fits(self, facts: DayFacts, compared: Compared) -> bool:
        """Whether an inferred roof explains the site well enough for a
        moderate shortfall: its level within `inferred_levels` (a roof
        that needs half or one and a half times its model to match the
        site is not the site's roof, and its misfit swings with the sky)."""
        if facts.roof != ROOF_INFERRED:
            return True
        low, high = self.inferred_levels
        return low <= compared.level.level <= high

    def _bounded(self, facts: DayFacts) -> Verdict | None:
        """A roof not known yet: short only of what the least favourable
        plausible roof makes, and deeply (any roof makes at least that)."""
        made = due = 0.0
        for h in range(24):
            if facts.made_wh[h] is not None and facts.bound_wh[h] is not None:
                made += facts.made_wh[h]
                due += facts.bound_wh[h]
        if due < COMPARISON.min_due_kwh_per_kwp * facts.spec.dc_kwp * 1000.0:
            return None
        if made <= self.deep_ratio * due:
            return _verdict(
                facts,
                FaultKind.UNDERPERFORMANCE,
                f"made {made / 1000:.1f} kWh, {made / due:.0%} of the least any plausible "
                f"roof of {facts.spec.dc_kwp:.1f} kWp makes under its neighbours' sky "
                f"({due / 1000:.1f} kWh)",
                due_wh=round(due),
                due_from="least favourable roof",
            )
        return None


@dataclass(frozen=True)
class Unjudged(DayRule):
    """Not judged: too little of the day was reported to say what it made
    (gaps of several hours)."""

    gives: ClassVar[str] = HealthState.INDETERMINATE
    # the day's reported lit hours at least this share of its lit hours
    min_reported_share: float = 0.3

    def __call__(self, facts):
        if facts.reported_lit_hours < self.min_reported_share * facts.lit_hours:
            return _verdict(
                facts,
                HealthState.INDETERMINATE,
                f"only {facts.reported_lit_hours:.1f} of {facts.lit_hours:.1f} daylight hours "
                "reported",
                abstained=Abstention.REPORT_OLD.value,
            )
        return None


@dataclass(frozen=True)
class Normal(DayRule):
    """OK: the day made about what was due (see `DayComparison`). Where
    nothing told what was due (no neighbours and a cloudy day, a storm-dark
    sky, a roof not known yet), the day is still `ok` (it reported, and no
    rule found a fault), and the reason says that production was not
    compared. A day below `recovered_from` of what was due (or one spread
    of its level below it, if that is lower: a day that unsure says
    little) is not short enough to open a fault, nor enough to close one:
    an open Underperformance or String/MLPE fault stays open through it."""

    gives: ClassVar[str] = HealthState.OK
    recovered_from: float = 0.85

    def recovery(self, level: Level) -> float:
        """The least share of what was due that counts as a recovery."""
        return min(self.recovered_from, 1.0 - level.spread)

    def __call__(self, facts):
        compared = COMPARISON(facts)
        kwh = facts.made_total_wh / 1000
        if compared is not None:
            short = compared.ratio < self.recovery(compared.level)
            how = "a little less than due" if short else "normally"
            return _verdict(
                facts,
                HealthState.OK,
                f"producing {how}: {kwh:.1f} kWh, {compared.ratio:.0%} of what was due "
                f"({compared.due / 1000:.1f} kWh at its usual level of "
                f"{compared.level.describe()})",
                **compared.evidence(),
                not_recovered=True if short else None,
            )
        if facts.peers:
            why = "too little was due under today's dark sky to compare"
        else:
            why = "no neighbours told today's sky and the day was not clear"
        return _verdict(
            facts, HealthState.OK, f"reporting: {kwh:.1f} kWh today; not compared: {why}"
        )


DAY_RULES: tuple[DayRule, ...] = (
    SilentAllDay(),
    SilentSince(),
    NoSun(),
    ZeroProduction(),
    DeadDevices(),
    Shortfall(),
    Unjudged(),
    Normal(),
)


def judge_day(facts: DayFacts, rules: tuple[DayRule, ...] = DAY_RULES) -> Verdict:
    """The verdict of the first rule that gives one."""
    for rule in rules:
        verdict = rule(facts)
        if verdict is not None:
            verdict.evidence["rule"] = type(rule).__name__
            return verdict
    raise AssertionError("the last day rule always gives a verdict")


def rules_markdown(rules: tuple[DayRule, ...] = DAY_RULES) -> str:
    """The rules as the documentation shows them: in order, each with its
    verdict, what it decides (its docstring) and its thresholds."""
    out = [
        "| # | rule | gives | decides | thresholds |",
        "|---|---|---|---|---|",
    ]
    for number, rule in enumerate(rules, start=1):
        doc = " ".join((type(rule).__doc__ or "").split())
        kind = getattr(rule.gives, "value", rule.gives)
        limits = "<br>".join(f"`{name}` = {value}" for name, value in type(rule).thresholds())
        out.append(f"| {number} | `{type(rule).__name__}` | {kind} | {doc} | {limits or '-'} |")
    # what the rules lean on, each described once where it is defined
    for title, cls in (
        ("How a day is compared with what was due", DayComparison),
        ("How short days add up to a ticket", EvidencePolicy),
        ("How a site's level is learned", LevelPolicy),
    ):
        doc = " ".join((cls.__doc__ or "").split())
        values = ", ".join(f"`{f.name}` = {f.default}" for f in fields(cls))
        out += ["", f"### {title} (`{cls.__name__}`)", "", doc, "", values]
    return "\n".join(out)
