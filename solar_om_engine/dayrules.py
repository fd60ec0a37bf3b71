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
evidence carries `persist_days` where one day is not enough to open a
ticket (`dayhistory.confirm` decides), `ratio` where the day was compared
with what was due (a normal day that compared energy clears a production
fault), and `abstained` with the cause where the day could not be judged.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import ClassVar

from .classify import Verdict
from .dayfacts import ROOF_UNKNOWN, DayFacts
from .kinds import Abstention, FaultKind, HealthState


def _verdict(facts: DayFacts, kind, reason: str, **evidence) -> Verdict:
    ev = {
        "day": facts.day.isoformat(),
        "roof": facts.roof,
        "made_wh": round(facts.made_total_wh),
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

    def __call__(self, facts):
        cap = facts.spec.capacity_w
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
    # or, where its usual share is known, at most this share of it
    drop_share: float = 0.5
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
class Shortfall(DayRule):
    """Underperformance: the day made less than its roof makes under the
    sky its neighbours saw, hour after hour. A cloud over one site is a
    few bad hours; a fault (soiling, a dead string, shading that grew) is
    every hour. So the day is short when its energy is short *and* even its
    better hours are: a moderate shortfall opens a ticket only when it
    persists (`persist_days` of the last judged days, `dayhistory.confirm`);
    a deep one, most of its hours at half or less, at once."""

    gives: ClassVar[str] = FaultKind.UNDERPERFORMANCE
    # the day's energy at most this share of what was due ...
    ratio: float = 0.78
    # ... and its better hours (the upper quartile of the hourly PI,
    # weighted by energy due) at most this share
    upper_ratio: float = 0.85
    # hours with at least this share of the day's largest due take part
    min_hour_share: float = 0.15
    # the day's energy due at least this much (kWh per kWp)
    min_due_kwh_per_kwp: float = 0.3
    # a moderate shortfall needs this many short judged days of the last
    # `persist_window` judged days (today included)
    persist_days: int = 2
    persist_window: int = 3
    # a deep shortfall: the day at most this share, and at least
    # `deep_hours` lit hours at most this share, opens at once
    deep_ratio: float = 0.5
    deep_hours: int = 2

    def __call__(self, facts):
        hourly = facts.hourly_pi(self.min_hour_share)
        made, due = facts.totals([h for h, _, _ in hourly])
        if not hourly or due < self.min_due_kwh_per_kwp * facts.spec.dc_kwp * 1000.0:
            return None
        ratio = made / due
        upper = _quantile([(pi, w) for _, pi, w in hourly], 0.75)
        deep_hours = sum(1 for _, pi, _ in hourly if pi <= self.deep_ratio)
        shares = f"{ratio:.0%} of what its roof makes under its neighbours' sky"
        if ratio <= self.deep_ratio and deep_hours >= self.deep_hours:
            return _verdict(
                facts,
                FaultKind.UNDERPERFORMANCE,
                f"made {made / 1000:.1f} of {due / 1000:.1f} kWh due ({shares}), "
                f"{deep_hours} hours at half or less",
                ratio=round(ratio, 3),
                upper=round(upper, 3),
                due_wh=round(due),
            )
        if ratio <= self.ratio and upper <= self.upper_ratio:
            return _verdict(
                facts,
                FaultKind.UNDERPERFORMANCE,
                f"made {made / 1000:.1f} of {due / 1000:.1f} kWh due ({shares}); "
                f"even its better hours made {upper:.0%}",
                ratio=round(ratio, 3),
                upper=round(upper, 3),
                due_wh=round(due),
                persist_days=self.persist_days,
                persist_window=self.persist_window,
            )
        return None


@dataclass(frozen=True)
class Unjudged(DayRule):
    """Not judged: nothing told what the site was due today (no neighbours
    reporting the sky and no clear hours of its own), or too little of the
    day was reported. The cause is named."""

    gives: ClassVar[str] = HealthState.INDETERMINATE
    # the day's reported lit hours at least this share of its lit hours
    min_reported_share: float = 0.3
    # the energy due at least this much (kWh per kWp)
    min_due_kwh_per_kwp: float = 0.3

    def __call__(self, facts):
        if facts.reported_lit_hours < self.min_reported_share * facts.lit_hours:
            return _verdict(
                facts,
                HealthState.INDETERMINATE,
                f"only {facts.reported_lit_hours:.1f} of {facts.lit_hours:.1f} daylight hours "
                "reported",
                abstained=Abstention.REPORT_OLD.value,
            )
        made, due = facts.totals()
        if due <= 0:
            if facts.roof == ROOF_UNKNOWN:
                return None
            return _verdict(
                facts,
                HealthState.INDETERMINATE,
                "no neighbours reported the sky today: clouds cannot be told from a fault",
                abstained=Abstention.NO_NEIGHBOURS.value,
            )
        if due < self.min_due_kwh_per_kwp * facts.spec.dc_kwp * 1000.0:
            return _verdict(
                facts,
                HealthState.INDETERMINATE,
                f"too little was due today ({due / 1000:.1f} kWh under a dark sky) to judge",
                abstained=Abstention.STORM.value,
            )
        return None


@dataclass(frozen=True)
class Normal(DayRule):
    """OK: the day made about what was due (or, with the roof unknown, at
    least what the least favourable plausible roof makes)."""

    gives: ClassVar[str] = HealthState.OK

    def __call__(self, facts):
        made, due = facts.totals()
        if due > 0:
            ratio = made / due
            what = (
                "at least what any plausible roof makes"
                if facts.roof == ROOF_UNKNOWN
                else "its roof's due"
            )
            return _verdict(
                facts,
                HealthState.OK,
                f"producing normally: {made / 1000:.1f} kWh, {ratio:.0%} of {what} "
                f"under its neighbours' sky",
                ratio=round(ratio, 3),
                due_wh=round(due),
            )
        return _verdict(
            facts,
            HealthState.OK,
            f"reporting: {facts.made_total_wh / 1000:.1f} kWh today",
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
    return "\n".join(out)
