"""The health check's snapshot: one verdict per site per check, plus fleet verdicts.

A check reads each site once: when it last reported, its power now, its
energy since midnight, its devices and the vendor's status. A snapshot is
good at some things: that a site is silent (comms loss), has stopped (Zero
Production), lost devices, has a meter that disagrees, is misconfigured, or
that the vendor itself raises an alarm. It cannot tell a shortfall from a
cloud: whether a site makes what it should is judged over the whole day, at
the day's close (`dayrules.py`). So a snapshot that finds none of its faults
says `ok` with what the site reports, never that production is normal, and
its evidence has no `ratio` (only a verdict that compared energy with what
was due clears an Underperformance, String/MLPE or Meter fault:
`faults._clears`).

How a check decides: `CHECK_RULES`, an ordered list of small rules. Each is
a frozen dataclass whose fields are its thresholds (the defaults are
policy), whose docstring says what it decides and why, and which, called on
one site's `CheckFacts`, returns a verdict or None. The first rule that
gives a verdict decides. `docs/check-rules.md` is generated from this module
(`python -m solar_om_engine rules --write docs`), so a rule is described
once, here.

Two rules make the result trusted: never judge a site at night, and alert
on "we have not heard from it" (its last report going stale) rather than on
"power is zero".
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import ClassVar

import numpy as np

from .daylight import lit_since, sun_elevation
from .expected import ModelBook, SiteModel, site_capacity
from .geo import distances_km, radius_cells
from .kinds import Abstention, FaultKind, HealthState, is_judged
from .readings import Reading

# verdict kind -> case type code (the Production types of the taxonomy)
CASE_TYPES: dict[str, str | None] = {
    HealthState.NIGHT: None,
    HealthState.OK: None,
    HealthState.INDETERMINATE: None,
    # heard from in a liveness pass; production is judged at its own times
    HealthState.REPORTING: None,
    # a whole site silent: the gateway or its internet, not its production
    FaultKind.COMMS_LOSS: "comms_loss",
    FaultKind.INVERTER_FAULT: "inverter_fault",
    FaultKind.STRING_MLPE_FAULT: "string_mlpe_fault",
    FaultKind.UNDERPERFORMANCE: "underperformance",
    FaultKind.METER_FAULT: "meter_fault",
    FaultKind.CONFIGURATION_ISSUE: "configuration_issue",
    # one incident about the vendor's cloud, not a production case per site
    FaultKind.VENDOR_OUTAGE: None,
}
# the kinds a site verdict can be a fault of (an account's blindness is
# decided by the planner, not here)
FAULT_KINDS = frozenset(k.value for k in FaultKind if k is not FaultKind.ACCOUNT_BLIND)

# Enphase's grid-powered gateway uploads around the clock. SolarEdge inverters
# sleep at night and APsystems' freshness is the ECU's last production sample,
# so their silence only counts once the sun has been up for the whole window.
REPORTS_AT_NIGHT = {"enphase": True, "apsystems": False, "solaredge": False}

# Enphase's system statuses that name a device or the link
# (https://developer-v4.enphase.com/docs.html, "status" of a system)
ENPHASE_STATUS = {
    "comm": FaultKind.COMMS_LOSS,
    "micro": FaultKind.STRING_MLPE_FAULT,
    "meter": FaultKind.METER_FAULT,
    "meter_issue": FaultKind.METER_FAULT,
    "iq_collar": FaultKind.METER_FAULT,
}
# a vendor's own production alarm in daylight is evidence of a fault even
# when the numbers alone do not prove one
VENDOR_FAULT_STATUS = {
    "power": FaultKind.UNDERPERFORMANCE,
    "error": FaultKind.INVERTER_FAULT,
    "rma": FaultKind.INVERTER_FAULT,
}
# statuses under which the vendor itself has nothing to judge
INDETERMINATE_STATUS = frozenset(
    {
        "unknown",
        "data_upload",
        "no_data",
        "deactivated",
        "retired",
        "not_monitored",
        "unused",
        "disabled",
        "muted",
    }
)


@dataclass(frozen=True)
class Verdict:
    """One site's verdict. `kind` is a FaultKind or HealthState *value* (a
    plain string, as serialised and stored); `fault_kind`/`health_state`
    give the member."""

    site: str
    kind: str
    reason: str
    account: str = ""
    evidence: dict = field(default_factory=dict)

    def __post_init__(self):
        # a member is stored as its value, so that JSON, the database and
        # f-strings all see "comms_loss", never "FaultKind.COMMS_LOSS"
        object.__setattr__(self, "kind", getattr(self.kind, "value", self.kind))

    @property
    def fault_kind(self) -> FaultKind | None:
        return FaultKind(self.kind) if self.kind in FAULT_KINDS else None

    @property
    def health_state(self) -> HealthState | None:
        return None if self.kind in FAULT_KINDS else HealthState(self.kind)

    @property
    def case_type(self) -> str | None:
        return CASE_TYPES[self.kind]

    @property
    def is_fault(self) -> bool:
        return self.kind in FAULT_KINDS

    def to_json(self) -> dict:
        data = asdict(self)
        data["case_type"] = self.case_type
        return {k: data[k] for k in ("site", "kind", "case_type", "reason", "account", "evidence")}


@dataclass(frozen=True)
class FleetVerdict:
    account: str
    kind: str
    reason: str
    sites: tuple[str, ...]

    def __post_init__(self):
        object.__setattr__(self, "kind", getattr(self.kind, "value", self.kind))

    def to_json(self) -> dict:
        return {
            "fleet": True,
            "account": self.account,
            "kind": self.kind,
            "case_type": None,
            "reason": self.reason,
            "sites": list(self.sites),
        }


@dataclass
class FleetResult:
    verdicts: list[Verdict]
    fleet_verdicts: list[FleetVerdict]

    def by_site(self) -> dict[str, Verdict]:
        return {v.site: v for v in self.verdicts}


# ---------------------------------------------------------------- the facts


@dataclass(frozen=True)
class Sky:
    """The sky a site's neighbours saw, as a fraction of clear-sky irradiance
    (the clear-sky index), None where too few neighbours could tell
    (`NeighboursSky`): `today` from their energy so far (neighbours with
    known roofs only) and its darker end `today_low`; `now_low` from their
    power now (an unknown roof taken as the most favourable one, so the
    darkest sky consistent with its output); `now_dark`, the darkest sky now
    among the nearest producing neighbours, `near` of them."""

    today: float | None = None
    today_low: float | None = None
    now_low: float | None = None
    now_dark: float | None = None
    near: int = 0
    count: int = 0


NO_SKY = Sky()


@dataclass(frozen=True)
class CheckFacts:
    """Everything one site's check is judged on: the reading, the instant,
    the sun's elevation at the site, and, for the rules that need them
    (`CheckRule.needs_model`), the site's modelled output (None where its
    capacity is unknown) and the sky its neighbours saw."""

    reading: Reading
    at: datetime
    elevation: float
    model: SiteModel | None = None
    sky: Sky = NO_SKY

    @property
    def status(self) -> str:
        """The vendor's status, lower case ("" when it gives none)."""
        return (self.reading.vendor_status or "").lower()

    @property
    def age(self) -> timedelta | None:
        """How long ago the site last reported (None: never)."""
        last = self.reading.last_report_at
        return None if last is None else self.at - last

    @property
    def calibration(self) -> float:
        """The site's own ratio to the model on good days (1 without history)."""
        return self.reading.calibration

    @property
    def reported(self) -> str:
        """What the site reports, in words: "2.3 kW, 8.1 kWh today"."""
        power, energy = self.reading.power_w, self.reading.energy_today_wh
        parts = []
        if power is not None:
            parts.append(f"{power / 1000:.1f} kW" if power >= 100 else f"{power:.0f} W")
        if energy is not None:
            parts.append(f"{energy / 1000:.1f} kWh today")
        return ", ".join(parts) or "no figures"

    def evidence(self) -> dict:
        """What any verdict on these facts shows."""
        reading = self.reading
        ev: dict = {"sun_elevation": round(self.elevation, 1)}
        if reading.last_report_at is not None:
            ev["last_report_at"] = reading.last_report_at.isoformat()
        if reading.power_w is not None or reading.energy_today_wh is not None:
            ev["power_w"] = reading.power_w
            ev["energy_today_wh"] = reading.energy_today_wh
        if reading.notes:
            ev["reading_notes"] = list(reading.notes)
        model, sky = self.model, self.sky
        if model is not None:
            ev["orientation"] = "known" if model.oriented else "unknown"
            ev["peers"] = sky.count
            if sky.now_low is not None:
                ev["sky_now"] = round(sky.now_low, 2)
            if sky.today is not None:
                ev["sky_today"] = round(sky.today, 2)
                if model.oriented:
                    # what the roof should have made so far under the sky its
                    # neighbours saw: a figure to show, not a judgement (no
                    # neighbours' sky, no figure rather than a guess)
                    ev["expected_wh"] = round(model.energy(sky.today) * self.calibration)
                    ev["expected_from"] = "model"
        return ev

    def verdict(self, kind, reason: str, abstained: Abstention | None = None, **extra) -> Verdict:
        """A verdict on these facts; an abstention names its cause."""
        ev = self.evidence()
        ev.update({k: v for k, v in extra.items() if v is not None})
        if abstained is not None:
            ev["abstained"] = abstained.value
        return Verdict(self.reading.site, kind, reason, self.reading.account, ev)


# ---------------------------------------------------------------- the rules


@dataclass(frozen=True)
class CheckRule:
    """Base of the check rules: `__call__(facts)` returns a Verdict or None."""

    # the verdict kinds the rule gives (for the generated documentation)
    gives: ClassVar[tuple[str, ...]] = ()
    # the rule reads the site's model and its neighbours' sky: it is asked
    # once the fleet's models are built (the rules before the first such
    # rule decide most sites without any energy maths)
    needs_model: ClassVar[bool] = False
    # a liveness pass asks this rule too (freshness and the vendor's status)
    liveness: ClassVar[bool] = False

    def __call__(self, facts: CheckFacts) -> Verdict | None:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def thresholds(cls) -> list[tuple[str, object]]:
        return [(f.name, f.default) for f in fields(cls)]


@dataclass(frozen=True)
class Night(CheckRule):
    """Night: the sun too low at the site for anything it reports to mean
    much, so nothing is judged, not even silence (SolarEdge inverters sleep
    at night, APsystems' freshness is its last production sample). The
    health check does not even poll a site in the dark; the planner's
    daylight is this rule's."""

    gives = (HealthState.NIGHT,)
    liveness = True
    # the sun at least this high (degrees) to judge a site
    min_elevation_deg: float = 10.0

    def __call__(self, facts):
        if facts.elevation < self.min_elevation_deg:
            return facts.verdict(
                HealthState.NIGHT,
                f"sun {facts.elevation:.1f}° up, below {self.min_elevation_deg}°",
            )
        return None


@dataclass(frozen=True)
class NeverReported(CheckRule):
    """Indeterminate: the site has never reported (a new site, a wrong
    vendor id): there is nothing to judge, and no silence to call a comms
    loss either."""

    gives = (HealthState.INDETERMINATE,)
    liveness = True

    def __call__(self, facts):
        if facts.reading.last_report_at is None:
            return facts.verdict(
                HealthState.INDETERMINATE,
                "the site has never reported",
                Abstention.NEVER_REPORTED,
            )
        return None


@dataclass(frozen=True)
class VendorNotJudging(CheckRule):
    """Indeterminate: the vendor's own status says there is nothing to judge
    yet (`unknown`, `data_upload` while a gateway backfills, `no_data`,
    `deactivated`, `retired`, `not_monitored`, `unused`, `disabled`,
    `muted`)."""

    gives = (HealthState.INDETERMINATE,)
    liveness = True

    def __call__(self, facts):
        if facts.status in INDETERMINATE_STATUS:
            return facts.verdict(
                HealthState.INDETERMINATE,
                f"vendor status {facts.status!r}: no judgement yet",
                Abstention.VENDOR_STATUS,
            )
        return None


@dataclass(frozen=True)
class Silent(CheckRule):
    """Comms Loss: no report for longer than the site's link allows, or
    Enphase's own `comm` status (the gateway is not reporting). Silence is
    what a dead link looks like; zero power is not. A SolarEdge or APsystems
    site's silence counts only once the sun has been up for the whole limit:
    its inverter sleeps at night and wakes with the light."""

    gives = (FaultKind.COMMS_LOSS,)
    liveness = True
    # stale after about three missed 15-minute uploads ...
    stale_after: timedelta = timedelta(minutes=45)
    # ... or, for a cellular gateway (one upload every 6 hours), two missed
    # uploads and a margin
    stale_after_cellular: timedelta = timedelta(hours=13)

    def limit(self, reading: Reading) -> timedelta:
        if reading.connection == "cellular":
            return self.stale_after_cellular
        return self.stale_after

    def __call__(self, facts):
        if facts.status in ENPHASE_STATUS and ENPHASE_STATUS[facts.status] == FaultKind.COMMS_LOSS:
            return facts.verdict(
                FaultKind.COMMS_LOSS,
                f"vendor reports the gateway not reporting ({facts.status})",
            )
        reading, age = facts.reading, facts.age
        limit = self.limit(reading)
        if age is None or age <= limit:
            return None
        if not REPORTS_AT_NIGHT.get(reading.vendor, True) and not lit_since(
            reading.latitude, reading.longitude, facts.at, limit
        ):
            # the inverter may simply not have woken up long enough ago
            return None
        connection = reading.connection or "fixed-line"
        article = "an" if connection[0] in "aeiou" else "a"  # an ethernet, a cellular
        # no clock time in the words: the reader's time zone is the addon's to
        # apply, from evidence["last_report_at"]
        return facts.verdict(
            FaultKind.COMMS_LOSS,
            f"no report for {age.total_seconds() / 3600:.1f} h (limit "
            f"{limit.total_seconds() / 3600:.2g} h for {article} {connection} connection)",
        )


@dataclass(frozen=True)
class VendorDeviceStatus(CheckRule):
    """String/MLPE Fault or Meter Fault: Enphase's own status names the part
    at fault: `micro` (microinverters not reporting) is String/MLPE,
    `meter`, `meter_issue` and `iq_collar` are the meter."""

    gives = (FaultKind.STRING_MLPE_FAULT, FaultKind.METER_FAULT)
    liveness = True

    def __call__(self, facts):
        kind = ENPHASE_STATUS.get(facts.status)
        if kind is not None and kind != FaultKind.COMMS_LOSS:
            return facts.verdict(kind, f"vendor status {facts.status!r}")
        return None


@dataclass(frozen=True)
class ZeroProduction(CheckRule):
    """Inverter Fault (Zero Production): the site reports about 0 W in
    daylight while any working roof makes clearly more. The due power is the
    least any plausible roof of the site makes (its own roof when entered)
    under the sky its neighbours see now (the lower quartile of those
    producing: one broken neighbour does not darken the sky; without
    neighbours, a dull overcast, `isolated_sky`). It is Zero Production when
    (1) that power is at least `min_due_fraction` of capacity; or (2) the
    site made at most `energy_fraction` of the energy due since midnight
    under the darkest sky its neighbours allow (an inverter that never
    started today, caught at dawn and under heavy overcast); or (3) even the
    darkest sky among its nearest producing neighbours gives
    `near_fraction` of capacity (heavy overcast and low sun, where the
    quartile asks too much; a storm cell over the next streets leaves them
    darker than that), or, in dimmer light, `near_dim_fraction` while the
    site makes at most `near_share` of it after making `energy_min_wh` today
    (it worked, then stopped); or (4) none of its devices reports while a
    clear sky would give `min_due_fraction`. Measured on the physics fleets:
    96.9-99.5 % of Zero Production checks caught, no false alarm."""

    gives = (FaultKind.INVERTER_FAULT,)
    needs_model = True
    # "about 0 W": at most this fraction of capacity
    zero_power_fraction: float = 0.005
    # (1) and (4): the least plausible power due at least this fraction of capacity
    min_due_fraction: float = 0.05
    # (2) at most this share of the energy due since midnight, once that is
    # at least `energy_min_kwh_per_kwp` and `energy_min_wh` (ten steps of the
    # coarsest energy a vendor reports, APsystems' 0.01 kWh, so that a
    # healthy site's first few watt-hours cannot read as 0.00)
    energy_fraction: float = 0.05
    energy_min_kwh_per_kwp: float = 0.01
    energy_min_wh: float = 100.0
    # (3) the darkest near neighbour's sky gives at least this fraction ...
    near_fraction: float = 0.03
    # ... or this fraction, with the site at most `near_share` of it
    near_dim_fraction: float = 0.015
    near_share: float = 0.05
    # the sky assumed without neighbours (a dull overcast: this fraction of
    # the clear-sky irradiance)
    isolated_sky: float = 0.2

    def __call__(self, facts):
        model, reading, sky = facts.model, facts.reading, facts.sky
        power = reading.power_w
        if model is None or power is None or power > self.zero_power_fraction * model.ac_w:
            return None
        cap, calibration = model.ac_w, facts.calibration
        sky_now = sky.now_low if sky.now_low is not None else self.isolated_sky
        due = model.power_min(sky_now) * calibration
        source = "the neighbours' sky" if sky.now_low is not None else "an overcast sky"
        if due >= self.min_due_fraction * cap:
            return facts.verdict(
                FaultKind.INVERTER_FAULT,
                f"Zero Production: reporting {power:.0f} W while at least {due:.0f} W "
                f"({due / cap:.0%} of capacity) is due under {source}",
                due_power_w=round(due),
            )
        energy = reading.energy_today_wh
        if energy is not None:
            darker = [k for k in (sky.today_low, sky.now_low) if k is not None]
            day_sky = min([self.isolated_sky, *darker])
            due_energy = model.energy_min(day_sky) * calibration
            floor = max(self.energy_min_kwh_per_kwp * model.dc_w, self.energy_min_wh)
            if due_energy >= floor and energy <= self.energy_fraction * due_energy:
                return facts.verdict(
                    FaultKind.INVERTER_FAULT,
                    f"Zero Production: {energy / 1000:.2f} kWh today and {power:.0f} W now, "
                    f"while at least {due_energy / 1000:.2f} kWh was due since sunrise under a "
                    f"sky at {day_sky:.0%} of clear",
                    due_energy_wh=round(due_energy),
                )
        if sky.now_dark is not None:
            near_due = model.power_min(sky.now_dark) * calibration
            dim = (
                near_due >= self.near_dim_fraction * cap
                and power <= self.near_share * near_due
                and (energy or 0.0) >= self.energy_min_wh
            )
            if near_due >= self.near_fraction * cap or dim:
                return facts.verdict(
                    FaultKind.INVERTER_FAULT,
                    f"Zero Production: reporting {power:.0f} W while at least {near_due:.0f} W "
                    f"({near_due / cap:.0%} of capacity) is due even under the darkest sky of "
                    f"its {sky.near} nearest producing neighbours",
                    due_power_w=round(near_due),
                )
        silent = bool(reading.devices_total) and reading.devices_reporting == 0
        if silent and model.power_min(1.0) * calibration >= self.min_due_fraction * cap:
            return facts.verdict(
                FaultKind.INVERTER_FAULT,
                f"Zero Production: 0 of {reading.devices_total} devices reporting at "
                f"{power:.0f} W in daylight",
            )
        return None


@dataclass(frozen=True)
class BetweenUploads(CheckRule):
    """A last report older than the usual upload rhythm (`Silent`'s
    `stale_after`) that is not yet silence. A cellular gateway between its
    6-hourly uploads is alive: `ok` when its last upload showed the site
    producing (its figures are hours old, so production waits for the day's
    close), `indeterminate` when it showed about 0 W (an `ok` on figures
    hours old would count towards closing an open Zero Production fault).
    A SolarEdge or APsystems site not heard from since the sun rose, before
    the sun has been up for that whole window, may not have woken yet:
    `indeterminate`, which no fault opens or closes on. Neither occurs on a
    healthy fixed-line site once the sun is 10° up."""

    gives = (HealthState.OK, HealthState.INDETERMINATE)
    liveness = True
    stale_after: timedelta = Silent.stale_after
    # "about 0 W", as Zero Production reads it
    zero_power_fraction: float = ZeroProduction.zero_power_fraction

    def __call__(self, facts):
        reading, age = facts.reading, facts.age
        if age is None or age <= self.stale_after:
            return None
        hours = age.total_seconds() / 3600
        if reading.connection == "cellular":
            cap = site_capacity(reading)
            power = reading.power_w
            if power is not None and (cap is None or power > self.zero_power_fraction * cap):
                return facts.verdict(
                    HealthState.OK,
                    f"reporting {facts.reported} at its last upload {hours:.1f} h ago "
                    "(a cellular gateway between uploads); production is judged at the "
                    "day's close",
                )
            why = "cellular gateway between uploads, its last upload showed no production"
        else:
            why = "not heard from since the sun rose; too early to call it silent"
        return facts.verdict(
            HealthState.INDETERMINATE,
            f"last report {hours:.1f} h old ({why}): not judged",
            Abstention.REPORT_OLD,
        )


@dataclass(frozen=True)
class NoEnergyData(CheckRule):
    """Configuration Issue: the site reports, but neither its power nor its
    energy is visible (a site id that points at the wrong system, a gateway
    without its production meter)."""

    gives = (FaultKind.CONFIGURATION_ISSUE,)

    def __call__(self, facts):
        reading = facts.reading
        if reading.energy_today_wh is None and reading.power_w is None:
            return facts.verdict(
                FaultKind.CONFIGURATION_ISSUE, "the site reports but no energy data is visible"
            )
        return None


@dataclass(frozen=True)
class ImplausibleData(CheckRule):
    """Configuration Issue: figures the site as configured cannot produce:
    power above `implausible_factor` times its AC capacity, arrays of more
    than `max_dc_ac_ratio` times its AC capacity, or more energy today than
    `implausible_factor` times what any roof of its size could have made so
    far (plus `energy_slack_wh_per_kwp`, for dawn). Usually a capacity
    entered in W for kW, the wrong arrays or the wrong vendor site id."""

    gives = (FaultKind.CONFIGURATION_ISSUE,)
    needs_model = True
    implausible_factor: float = 1.5
    max_dc_ac_ratio: float = 3.0
    energy_slack_wh_per_kwp: float = 100.0

    def __call__(self, facts):
        model, reading = facts.model, facts.reading
        if model is None:
            return None
        cap, energy, power = model.ac_w, reading.energy_today_wh, reading.power_w
        check = " (check the capacity, the arrays and the vendor site id)"
        why = ""
        if power is not None and power > self.implausible_factor * cap:
            why = f"{power:.0f} W reported on a site of {cap:.0f} W AC{check}"
        elif model.oriented and model.dc_w > self.max_dc_ac_ratio * cap:
            why = f"arrays of {model.dc_w / 1000:.1f} kWp on {cap / 1000:.1f} kW AC{check}"
        else:
            ceiling = model.energy_ceiling_wh
            slack = self.energy_slack_wh_per_kwp * model.dc_w / 1000.0
            if energy is not None and energy > self.implausible_factor * ceiling + slack:
                why = (
                    f"{energy / 1000:.1f} kWh today where no roof of this size could have made "
                    f"more than {ceiling / 1000:.1f} kWh{check}"
                )
        if why:
            return facts.verdict(FaultKind.CONFIGURATION_ISSUE, f"implausible data: {why}")
        return None


@dataclass(frozen=True)
class VendorAlarm(CheckRule):
    """Underperformance or Inverter Fault: the vendor's own production alarm
    in daylight is evidence of a fault even when the snapshot's figures
    prove none: `power` (Enphase: a production issue) is Underperformance,
    `error` and `rma` an Inverter Fault. It comes before the devices and the
    meter: the vendor's word on the site outranks what the check infers."""

    gives = (FaultKind.UNDERPERFORMANCE, FaultKind.INVERTER_FAULT)
    needs_model = True

    def __call__(self, facts):
        kind = VENDOR_FAULT_STATUS.get(facts.status)
        if kind is None:
            return None
        return facts.verdict(
            kind, f"vendor status {facts.status!r} in daylight (reporting {facts.reported})"
        )


@dataclass(frozen=True)
class TooDimToTell(CheckRule):
    """Indeterminate: about 0 W (as Zero Production reads it) that Zero
    Production above did not call: too little is due under the sky the
    neighbours see to tell a stopped inverter from the weather (a storm
    cell, dusk on a roof facing away). Not `ok`: an `ok` would count
    towards closing an open Zero Production fault on a dull evening."""

    gives = (HealthState.INDETERMINATE,)
    needs_model = True
    zero_power_fraction: float = ZeroProduction.zero_power_fraction

    def __call__(self, facts):
        model, power = facts.model, facts.reading.power_w
        if model is None or power is None or power > self.zero_power_fraction * model.ac_w:
            return None
        sky = facts.sky
        light = (
            f"under a sky at {sky.now_low:.0%} of clear (its neighbours')"
            if sky.now_low is not None
            else "with no neighbours to tell the sky"
        )
        return facts.verdict(
            HealthState.INDETERMINATE,
            f"reporting {power:.0f} W with the sun {facts.elevation:.0f}° up {light}: too "
            "dark to tell a fault from the weather",
            Abstention.TOO_DARK,
        )


@dataclass(frozen=True)
class DevicesDown(CheckRule):
    """String/MLPE Fault: fewer devices (microinverters, optimisers,
    inverters) report than the site has, while it produces. In any weather:
    a device that stopped reporting is not a cloud."""

    gives = (FaultKind.STRING_MLPE_FAULT,)
    needs_model = True

    def __call__(self, facts):
        reading = facts.reading
        total, reporting = reading.devices_total, reading.devices_reporting
        if total and reporting is not None and reporting < total:
            return facts.verdict(
                FaultKind.STRING_MLPE_FAULT, f"{reporting} of {total} devices reporting"
            )
        return None


@dataclass(frozen=True)
class MeterDisagrees(CheckRule):
    """Meter Fault: the production meter says something else than the
    inverters: more than `tolerance` apart once `min_kwh_per_kwp` was made
    (tiny dawn totals are not compared), or silent on a site flagged as
    metered while the inverters report. A meter that reports is judged
    whether or not the site was flagged."""

    gives = (FaultKind.METER_FAULT,)
    needs_model = True
    tolerance: float = 0.25
    min_kwh_per_kwp: float = 0.1

    def __call__(self, facts):
        reading = facts.reading
        energy, meter = reading.energy_today_wh, reading.meter_energy_today_wh
        if not energy or (meter is None and not reading.meter_expected):
            return None
        if meter is None:
            return facts.verdict(
                FaultKind.METER_FAULT, "no data from the meter while the inverter reports"
            )
        dc_w = facts.model.dc_w if facts.model is not None else 0.0
        floor = self.min_kwh_per_kwp * dc_w
        if max(meter, energy) >= floor and abs(meter - energy) > self.tolerance * energy:
            return facts.verdict(
                FaultKind.METER_FAULT,
                f"meter says {meter / 1000:.1f} kWh, inverter {energy / 1000:.1f} kWh today "
                f"(more than {self.tolerance:.0%} apart)",
            )
        return None


@dataclass(frozen=True)
class Reporting(CheckRule):
    """OK: the site reports and none of the faults above shows. This says
    nothing of how much it produces: that is judged over the whole day, at
    the day's close (`dayrules.py`), so the reason never says "producing
    normally" and the evidence has no `ratio` (an `ok` without one does not
    close an Underperformance, String/MLPE or Meter fault)."""

    gives = (HealthState.OK,)
    needs_model = True

    def __call__(self, facts):
        if site_capacity(facts.reading) is None:
            return facts.verdict(
                HealthState.OK,
                f"reporting {facts.reported}; capacity unknown, so nothing is compared with "
                "what was due",
            )
        return facts.verdict(
            HealthState.OK,
            f"reporting {facts.reported}; production is judged at the day's close",
        )


CHECK_RULES: tuple[CheckRule, ...] = (
    Night(),
    NeverReported(),
    VendorNotJudging(),
    Silent(),
    VendorDeviceStatus(),
    BetweenUploads(),
    NoEnergyData(),
    ImplausibleData(),
    ZeroProduction(),
    VendorAlarm(),
    TooDimToTell(),
    DevicesDown(),
    MeterDisagrees(),
    Reporting(),
)


def rule_of(rules: tuple[CheckRule, ...], kind: type[CheckRule]) -> CheckRule:
    """The rule of class `kind` in `rules`."""
    return next(rule for rule in rules if type(rule) is kind)


def with_rules(*replacements: CheckRule, rules: tuple[CheckRule, ...] = CHECK_RULES):
    """`rules` with each rule of a replacement's class replaced by it (a
    threshold changed: `with_rules(Night(min_elevation_deg=5.0))`). A
    threshold other rules derive from is changed in them too (`Silent`'s
    `stale_after` in `BetweenUploads`, `ZeroProduction`'s
    `zero_power_fraction` in `BetweenUploads` and `TooDimToTell`)."""
    by_class = {type(r): r for r in replacements}
    return tuple(by_class.get(type(rule), rule) for rule in rules)


def _first_needing_model(rules: tuple[CheckRule, ...]) -> int:
    return next((i for i, rule in enumerate(rules) if rule.needs_model), len(rules))


def _decide(facts: CheckFacts, rules) -> Verdict | None:
    for rule in rules:
        verdict = rule(facts)
        if verdict is not None:
            verdict.evidence["rule"] = type(rule).__name__
            return verdict
    return None


# ---------------------------------------------------------------- the neighbours' sky


@dataclass(frozen=True)
class NeighboursSky:
    """How a site's neighbours tell the sky over it. Every site of the check
    whose output the model explains (lit, modelled, reporting) is a
    witness: the clear-sky index that explains its power now, and, for a
    known roof, its energy so far. A site's neighbours are the witnesses of
    the same fleet within `radius_km`, nearest first, at most `max_peers` of
    them (a median of a dozen is as good as of all, and keeps a dense city
    linear to judge), and at least `min_peers` of them to tell anything.
    Their sky now is the lower quartile of those producing (a neighbour at
    about 0 W is more likely broken than the sky black), or, when most of
    them make nothing (snow, a grid outage), the median. `near_peers`: the
    nearest producing neighbours whose darkest sky Zero Production also
    reads (a storm cell over the next streets)."""

    radius_km: float = 50.0
    min_peers: int = 3
    max_peers: int = 12
    near_peers: int = 6
    # the darker end of their skies today: this quantile
    low_quantile: float = 0.25


@dataclass(frozen=True)
class Witness:
    """What one site says about the sky (None where its roof cannot tell)."""

    today: float | None
    now_low: float | None


def witness(reading: Reading, model: SiteModel) -> Witness:
    calibration = reading.calibration
    energy, power = reading.energy_today_wh, reading.power_w
    if model.oriented:
        today = None if energy is None else model.sky_from_energy(energy / calibration)
        now = None if power is None else model.sky_from_power(power / calibration)
        return Witness(today, now)
    # unknown roof: the sky that explains the output on the most favourable
    # plausible roof is the darkest the sky can have been
    return Witness(None, None if power is None else model.sky_from_power_max(power))


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


# own cell first: the nearest neighbours are most likely there
NEIGHBOUR_CELLS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def neighbour_skies(
    readings: list[Reading], witnesses: dict[str, Witness], policy: NeighboursSky
) -> dict[str, Sky]:
    """Each site's neighbours' sky (see `NeighboursSky`). Sites are bucketed
    in cells about one radius wide, and each cell's distances to the
    witnesses of its own and the eight cells around are taken at once, so
    the cost stays linear in the size of the fleet."""
    cell = radius_cells([r.latitude for r in readings], max(policy.radius_km, 5.0))
    sites: dict[tuple[int, int], list[Reading]] = defaultdict(list)
    witnessing: dict[tuple[int, int], list[Reading]] = defaultdict(list)
    for r in readings:
        key = cell(r.latitude, r.longitude)
        sites[key].append(r)
        if r.site in witnesses:
            witnessing[key].append(r)
    skies: dict[str, Sky] = {}
    for (gx, gy), here in sites.items():
        # own cell first: the nearest neighbours are most likely there (and
        # of two at one distance, the first listed comes first)
        near = [p for dx, dy in NEIGHBOUR_CELLS for p in witnessing.get((gx + dx, gy + dy), ())]
        if not near:
            skies.update((r.site, NO_SKY) for r in here)
            continue
        today = np.array([_nan(witnesses[p.site].today) for p in near])
        now = np.array([_nan(witnesses[p.site].now_low) for p in near])
        index = {p.site: i for i, p in enumerate(near)}
        km = _distances_km(here, near)
        for r, row in zip(here, km, strict=True):
            if r.site in index:
                row[index[r.site]] = np.inf  # not its own neighbour
            inside = np.flatnonzero(row <= policy.radius_km)
            order = inside[np.argsort(row[inside], kind="stable")]
            skies[r.site] = _sky(today[order], now[order], policy)
    return skies


def _nan(value: float | None) -> float:
    return np.nan if value is None else value


def _distances_km(sites: list[Reading], others: list[Reading]) -> np.ndarray:
    """Great-circle distances (`geo.distances_km`), sites x others."""
    return distances_km(
        np.array([r.latitude for r in sites])[:, None],
        np.array([r.longitude for r in sites])[:, None],
        np.array([r.latitude for r in others])[None, :],
        np.array([r.longitude for r in others])[None, :],
    )


def _sky(today_all: np.ndarray, now_all: np.ndarray, policy: NeighboursSky) -> Sky:
    """The sky of one site from its neighbours' witnesses, nearest first:
    the sky two streets away says more than one 40 km away."""
    today = [float(k) for k in today_all[~np.isnan(today_all)][: policy.max_peers]]
    now = [float(k) for k in now_all[~np.isnan(now_all)][: policy.max_peers]]
    # a neighbour at ~0 W is more likely broken than the sky black: the
    # sky now is the lower quartile of those producing something
    lit = [k for k in now if k > 0.0]
    now_dark, near_count = None, 0
    if len(lit) >= policy.min_peers and len(lit) * 2 > len(now):
        now_low = _quantile(lit, 0.25)
        nearest = lit[: policy.near_peers]
        now_dark, near_count = min(nearest), len(nearest)
    else:
        # most neighbours dark too (snow, a grid outage): the sky says nothing
        now_low = _median(now) if len(now) >= policy.min_peers else None
    if len(today) < policy.min_peers:
        return Sky(None, None, now_low, now_dark, near_count, len(now))
    return Sky(
        _median(today),
        _quantile(today, policy.low_quantile),
        now_low,
        now_dark,
        near_count,
        len(now),
    )


def as_of(reading: Reading, at: datetime) -> datetime:
    """The instant a reading's power and energy describe: its last report
    (up to the stale limit old), not the check's time. Modelling up to the
    check would expect the energy of minutes nobody has reported yet, a
    large share of the total in the morning."""
    if reading.last_report_at is None:
        return at
    return min(at, reading.last_report_at)


# ---------------------------------------------------------------- the fleet


@dataclass(frozen=True)
class VendorOutage:
    """Vendor Cloud Outage (a fleet rule): most of one account's judged
    sites silent together is the vendor's cloud, not the sites: one
    incident for the account, and those sites get `vendor_outage`, not a
    ticket each. "Together" is evidence, not a coincidence of counts: the
    silent sites' last reports stopped within `window` of each other (a
    cloud going down silences every site at once; sites that fell silent one
    by one over the day are each a comms loss)."""

    fraction: float = 0.8
    min_sites: int = 3
    window: timedelta = timedelta(minutes=30)

    @classmethod
    def thresholds(cls) -> list[tuple[str, object]]:
        return [(f.name, f.default) for f in fields(cls)]

    def __call__(self, verdicts: list[Verdict]) -> FleetResult:
        judged: dict[str, list[Verdict]] = defaultdict(list)
        for v in verdicts:
            if is_judged(v.kind):
                judged[v.account].append(v)
        fleet: list[FleetVerdict] = []
        folded: set[str] = set()
        for account, items in judged.items():
            silent = self._together([v for v in items if v.kind == FaultKind.COMMS_LOSS])
            if len(silent) >= self.min_sites and len(silent) >= self.fraction * len(items):
                folded.update(v.site for v in silent)
                fleet.append(
                    FleetVerdict(
                        account,
                        FaultKind.VENDOR_OUTAGE,
                        f"{len(silent)} of {len(items)} sites of account {account} went "
                        "silent together: the vendor's cloud, not the sites",
                        tuple(v.site for v in silent),
                    )
                )
        if folded:
            verdicts = [
                Verdict(
                    v.site,
                    FaultKind.VENDOR_OUTAGE,
                    "part of a vendor-cloud outage",
                    v.account,
                    v.evidence,
                )
                if v.kind == FaultKind.COMMS_LOSS and v.site in folded
                else v
                for v in verdicts
            ]
        return FleetResult(verdicts, fleet)

    def _together(self, silent: list[Verdict]) -> list[Verdict]:
        """The largest group of silent sites whose last reports lie within
        `window` of each other (a vendor's own "not reporting" status,
        without a time, joins any group)."""
        timed, untimed = [], []
        for v in silent:
            last = v.evidence.get("last_report_at")
            if last:
                timed.append((datetime.fromisoformat(last), v))
            else:
                untimed.append(v)
        timed.sort(key=lambda item: item[0])
        best: list[Verdict] = []
        first = 0
        for last in range(len(timed)):
            while timed[last][0] - timed[first][0] > self.window:
                first += 1
            if last - first + 1 > len(best):
                best = [v for _, v in timed[first : last + 1]]
        return best + untimed


def classify_fleet(
    readings: list[Reading],
    at: datetime,
    rules: tuple[CheckRule, ...] = CHECK_RULES,
    sky: NeighboursSky = NeighboursSky(),
    outage: VendorOutage = VendorOutage(),
) -> FleetResult:
    """One verdict per reading (`rules`, in order), and the fleet verdicts.

    The rules before the first that needs a model decide most sites at
    once (night, silence, the vendor's status); the others are modelled
    together (`expected.ModelBook`: the sun shared per place), their
    neighbours' skies taken, and the rest of the rules asked."""
    split = _first_needing_model(rules)
    early, later = rules[:split], rules[split:]
    facts = {
        r.site: CheckFacts(r, at, sun_elevation(r.latitude, r.longitude, at)) for r in readings
    }
    decided = {site: _decide(f, early) for site, f in facts.items()}
    book = ModelBook(at)
    models = {
        r.site: book.model(r, as_of(r, at))
        for r in readings
        if decided[r.site] is None and site_capacity(r)
    }
    witnesses = {
        site: witness(r, models[site])
        for r in readings
        if (site := r.site) in models and r.energy_today_wh is not None
    }
    # (every witness is among the sites left to judge)
    undecided = [r for r in readings if decided[r.site] is None]
    skies = neighbour_skies(undecided, witnesses, sky) if models else {}
    verdicts = []
    for r in readings:
        verdict = decided[r.site]
        if verdict is None:
            full = replace(facts[r.site], model=models.get(r.site), sky=skies.get(r.site, NO_SKY))
            verdict = _decide(full, later)
        if verdict is None:  # pragma: no cover - the rules end with Reporting
            raise AssertionError(f"no check rule judged site {r.site!r}")
        verdicts.append(verdict)
    return outage(verdicts)


def classify_liveness(
    readings: list[Reading],
    at: datetime,
    rules: tuple[CheckRule, ...] = CHECK_RULES,
    outage: VendorOutage = VendorOutage(),
) -> FleetResult:
    """Judge a liveness pass: the rules a liveness pass asks (freshness and
    the vendor's own status, `CheckRule.liveness`). A site heard from in time
    is `reporting` (which ends a comms loss but says nothing of production:
    only a production judgment clears those)."""
    asked = tuple(rule for rule in rules if rule.liveness)
    verdicts = []
    for reading in readings:
        if reading.last_report_at is None and reading.vendor_status:
            # a liveness call without a time (APsystems `light`): the vendor's
            # status of now is all there is to judge
            reading = replace(reading, last_report_at=at)
        facts = CheckFacts(reading, at, sun_elevation(reading.latitude, reading.longitude, at))
        verdict = _decide(facts, asked)
        if verdict is None or verdict.kind == HealthState.OK:
            verdict = Verdict(
                reading.site,
                HealthState.REPORTING,
                "heard from in time",
                reading.account,
                {"last_report_at": reading.last_report_at.isoformat()},
            )
        verdicts.append(verdict)
    return outage(verdicts)


# ---------------------------------------------------------------- documentation


def _value(value) -> str:
    if isinstance(value, timedelta):
        minutes = value.total_seconds() / 60
        return f"{minutes / 60:g} h" if minutes >= 60 else f"{minutes:g} min"
    return f"{value}"


def _doc(item) -> str:
    return " ".join((type(item).__doc__ or "").split())


def rules_markdown(
    rules: tuple[CheckRule, ...] = CHECK_RULES,
    sky: NeighboursSky = NeighboursSky(),
    outage: VendorOutage = VendorOutage(),
) -> str:
    """The check rules as the documentation shows them: in order, each with
    the verdicts it gives, what it decides (its docstring) and its
    thresholds; then the neighbours' sky and the fleet rule."""
    out = [
        "| # | rule | gives | decides | thresholds |",
        "|---|---|---|---|---|",
    ]
    for number, rule in enumerate(rules, start=1):
        kinds = ", ".join(getattr(k, "value", k) for k in rule.gives)
        limits = "<br>".join(
            f"`{name}` = {_value(value)}" for name, value in type(rule).thresholds()
        )
        out.append(
            f"| {number} | `{type(rule).__name__}` | {kinds} | {_doc(rule)} | {limits or '-'} |"
        )
    for title, item in (("The neighbours' sky", sky), ("The fleet rule", outage)):
        limits = ", ".join(f"`{f.name}` = {_value(getattr(item, f.name))}" for f in fields(item))
        out += ["", f"**{title}** (`{type(item).__name__}`): {_doc(item)} Thresholds: {limits}."]
    return "\n".join(out)
