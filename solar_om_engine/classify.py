"""Health classification: one verdict per site per check, plus fleet verdicts.

Pure functions over normalised readings. Two rules make the result trusted:
never judge a site at night, and alert on "we have not heard from it"
(last report going stale) rather than on "power is zero".
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta

from .daylight import lit_since, sun_elevation
from .expected import GRAZING_ELEVATION_DEG, SiteModel, site_capacity, site_model
from .geo import distance_km
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
class Thresholds:
    """Every number the classifier uses; the defaults are documented policy
    (README, "How the health check decides")."""

    # judge a site only with the sun at least this high (degrees)
    min_elevation_deg: float = 10.0
    # stale after ~3 missed 15-minute uploads; cellular gateways report every 6 h
    stale_after: timedelta = timedelta(minutes=45)
    stale_after_cellular: timedelta = timedelta(hours=13)
    # "zero production": at most this fraction of capacity ...
    zero_power_fraction: float = 0.005
    # ... while the lowest plausible modelled output under the sky the peers
    # saw is at least this fraction of capacity
    zero_power_min_expected_fraction: float = 0.05
    # ... or at least this fraction of capacity under the darkest sky any of
    # its `near_peers` nearest producing neighbours sees now (heavy
    # overcast, low sun: the quartile then asks too much; a storm cell
    # over one street still leaves the next streets brighter than this)
    zero_power_near_fraction: float = 0.03
    near_peers: int = 6
    # ... or, in dimmer light, at least this fraction of capacity there
    # while the site reports at most `zero_power_near_share` of it, after
    # making `zero_energy_min_wh` today (a working inverter in that light
    # makes some watts, one that stopped none; at dawn a healthy one may not
    # have started yet)
    zero_power_near_dim_fraction: float = 0.015
    zero_power_near_share: float = 0.05
    # ... or, whatever the power now, at most this share of the energy due
    # since midnight under the darkest sky the neighbours allow (a dull
    # overcast without neighbours), once that is at least this much
    # (kWh per kWp), and at least `zero_energy_min_wh` (ten steps of the
    # coarsest energy a vendor reports, APsystems' 0.01 kWh, so that a
    # healthy site's first few watt-hours cannot read as 0.00): an inverter
    # that never started today
    zero_energy_fraction: float = 0.05
    zero_energy_min_kwh_per_kwp: float = 0.01
    zero_energy_min_wh: float = 100.0
    # the sky assumed for a site without usable peers (a dull overcast: a
    # fraction of the clear-sky irradiance), for Zero Production only
    isolated_sky: float = 0.2
    # energy so far today at most this share of the modelled energy (roof
    # geometry, the darker end of the neighbours' skies, the site's own
    # history) is Underperformance
    underperformance_ratio: float = 0.62
    # a site without neighbours is called normal only at this share of its
    # clear-sky model or more (without a neighbour to tell the sky, 62 % of
    # a clear sky is a fault under a clear sky or a healthy roof under thin
    # cloud)
    isolated_normal_ratio: float = 0.8
    # a ratio is judged once the roof would have made this much under a
    # clear sky so far (kWh per kWp: how long and how high the sun has been
    # up; passing shadows average out over time, not over the energy a dark
    # sky let through), times 1 + `late_spread_factor` x the spread of the
    # neighbours' skies (see below: the more they disagree, the longer the
    # shadows take to average out) ...
    min_expected_kwh_per_kwp: float = 1.0
    late_spread_factor: float = 2.0
    # ... or earlier, from this much, when the neighbours agree on the sky
    # (the spread of their clear-sky indices, interquartile range over the
    # median, at most `uniform_sky_spread`: a clear or evenly overcast sky;
    # under broken clouds a site's own sky differs from its neighbours' for
    # hours, until the passing shadows average out)
    early_expected_kwh_per_kwp: float = 0.05
    uniform_sky_spread: float = 0.1
    # ... or, from that early floor under any sky, a shortfall the
    # neighbours' disagreement cannot explain: the ratio to the darker
    # quarter's sky at most `severe_ratio` less `severe_spread_factor` times
    # the spread (the more the neighbours' skies differ, the deeper the
    # shortfall must be before it is called a fault and not a cloud)
    severe_ratio: float = 0.5
    severe_spread_factor: float = 0.5
    # (every early judgment, the even sky's too, only where the nearest
    # `min_peers` neighbours are within this distance, km: cloud shadows are
    # a few km across, so neighbours 10 km out can agree on a sunny morning
    # while the site sits under one cloud after another; later in the day,
    # with farther neighbours, only a severe shortfall: on a calm day a
    # cloud can sit over a site for hours)
    close_peer_km: float = 8.0
    # ... or when the energy so far and the power now both fall short: at
    # most `early_energy_ratio` of the darker quarter's energy and at most
    # `early_power_ratio` of the least power due now under any sky at least
    # as bright as the darkest of the nearest producing neighbours' (a cloud
    # that shaded a site all morning has usually moved on by the check, or
    # still shades the next street; a fault has done neither)
    early_energy_ratio: float = 0.5
    early_power_ratio: float = 0.7
    # no ratio under a sky darker than this (a storm, snow on every roof) ...
    min_sky: float = 0.05
    # ... nor on a day the sun has not yet risen this high (degrees): all its
    # light came in at grazing angles, where reflection off the glass, the
    # horizon and the split of beam and diffuse light decide the output more
    # than any model of the roof does (a high-latitude winter)
    min_ratio_elevation_deg: float = GRAZING_ELEVATION_DEG
    # ... nor when more than this share of the energy the roof makes so far
    # under a clear sky came with the sun below GRAZING_ELEVATION_DEG (dawn,
    # a night of midnight sun)
    max_grazing_share: float = 0.5
    # ... nor when the neighbours' sky now is this many times darker or
    # brighter than their sky so far today (a storm came in, a dark morning
    # cleared): a roof facing the morning or the afternoon then had another
    # share of the day's sun than its neighbours, which the day's average
    # sky does not show
    changing_sky_factor: float = 3.5
    # the site's own sky is taken as dark as this quantile of its
    # neighbours' (broken clouds: it may sit under the cloud they escaped)
    sky_low_quantile: float = 0.25
    # ... or as the sky of the n-th darkest of its `near_peers` nearest
    # neighbours, if darker (a cloud over the site and its nearest street
    # that the darker quarter of a wider neighbourhood misses)
    near_low_rank: int = 2
    # peers: same fleet, within this radius, at least this many
    peer_radius_km: float = 50.0
    min_peers: int = 3
    # a median of this many neighbours is as good as of all of them, and
    # keeps a dense city of thousands of sites linear to judge
    max_peers: int = 12
    # meter vs inverter energy disagreeing by more than this is a Meter Fault,
    # once at least this much energy (kWh per kWp) was produced
    meter_tolerance: float = 0.25
    meter_min_kwh_per_kwp: float = 0.1
    # power or energy this many times what the site could make under a clear
    # sky is implausible data (wrong capacity, wrong site): Configuration Issue
    implausible_factor: float = 1.5
    # arrays of more DC than this many times the AC capacity are a typo
    max_dc_ac_ratio: float = 3.0
    # most of one account's judged sites stale together: the vendor's cloud,
    # when their last reports stopped within this window of each other (a
    # cloud going down silences every site at once; sites that fell silent
    # one by one over the day are each a comms loss)
    vendor_outage_fraction: float = 0.8
    vendor_outage_min_sites: int = 3
    vendor_outage_window: timedelta = timedelta(minutes=30)

    def stale_limit(self, reading: Reading) -> timedelta:
        if reading.connection == "cellular":
            return self.stale_after_cellular
        return self.stale_after


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


# ---------------------------------------------------------------- per site


def _is_stale(reading: Reading, at: datetime, th: Thresholds) -> tuple[bool, str]:
    limit = th.stale_limit(reading)
    age = at - reading.last_report_at
    if age <= limit:
        return False, ""
    if not REPORTS_AT_NIGHT.get(reading.vendor, True) and not lit_since(
        reading.latitude, reading.longitude, at, limit
    ):
        # the inverter may simply not have woken up long enough ago
        return False, ""
    hours = age.total_seconds() / 3600
    connection = reading.connection or "fixed-line"
    article = "an" if connection[0] in "aeiou" else "a"  # an ethernet, a cellular, a wifi
    # no clock time in the words: the reader's time zone is the addon's to
    # apply, from evidence["last_report_at"]
    return True, (
        f"no report for {hours:.1f} h (limit {limit.total_seconds() / 3600:.2g} h for "
        f"{article} {connection} connection)"
    )


def _pre_checks(reading: Reading, at: datetime, th: Thresholds) -> Verdict | None:
    """Night, indeterminate, comms loss and vendor status: no energy maths."""
    elevation = sun_elevation(reading.latitude, reading.longitude, at)
    ev = {"sun_elevation": round(elevation, 1)}
    if reading.notes:
        ev["reading_notes"] = list(reading.notes)

    def verdict(kind, reason, abstained: Abstention | None = None):
        return _verdict(reading, kind, reason, ev, abstained)

    if elevation < th.min_elevation_deg:
        return verdict(HealthState.NIGHT, f"sun {elevation:.1f}° up, below {th.min_elevation_deg}°")
    if reading.last_report_at is None:
        return verdict(
            HealthState.INDETERMINATE, "the site has never reported", Abstention.NEVER_REPORTED
        )
    ev["last_report_at"] = reading.last_report_at.isoformat()
    status = (reading.vendor_status or "").lower()
    if status in INDETERMINATE_STATUS:
        return verdict(
            HealthState.INDETERMINATE,
            f"vendor status {status!r}: no judgement yet",
            Abstention.VENDOR_STATUS,
        )
    stale, why = _is_stale(reading, at, th)
    if stale or ENPHASE_STATUS.get(status) == FaultKind.COMMS_LOSS:
        return verdict(
            FaultKind.COMMS_LOSS, why or f"vendor reports the gateway not reporting ({status})"
        )
    if status in ENPHASE_STATUS:
        return verdict(ENPHASE_STATUS[status], f"vendor status {status!r}")
    age = at - reading.last_report_at
    if age > th.stale_after:
        # a cellular gateway between its 6-hourly uploads: alive, but its
        # power and energy are hours old and would look like a fault
        why = (
            "cellular gateway between uploads"
            if reading.connection == "cellular"
            else "not heard from since the sun rose; too early to call it silent"
        )
        return verdict(
            HealthState.INDETERMINATE,
            f"last report {age.total_seconds() / 3600:.1f} h old ({why}): production not judged",
            Abstention.REPORT_OLD,
        )
    if reading.energy_today_wh is None and reading.power_w is None:
        return verdict(
            FaultKind.CONFIGURATION_ISSUE, "the site reports but no energy data is visible"
        )
    return None


@dataclass(frozen=True)
class Sky:
    """The sky a site's neighbours saw, as a fraction of clear-sky irradiance
    (the clear-sky index): `today` from energy so far (neighbours with known
    roofs only), `now_low` from power now, the darkest sky consistent with
    every neighbour (an unknown roof is taken as the most favourable one).
    None where too few neighbours could tell."""

    today: float | None
    now_low: float | None
    count: int
    # the dark end of the neighbours' skies today (Thresholds.sky_low_quantile)
    # and how far they disagree (interquartile range over the median)
    today_low: float | None = None
    spread: float | None = None
    # the darkest sky now among the nearest producing neighbours
    # (Thresholds.near_peers)
    now_dark: float | None = None
    # the bright end of the neighbours' skies today (the upper quartile)
    today_high: float | None = None
    # how far the Thresholds.min_peers-th nearest of those neighbours is (km)
    near_km: float | None = None
    # the Thresholds.near_low_rank-th darkest sky today among the
    # Thresholds.near_peers nearest neighbours
    near_low: float | None = None


@dataclass(frozen=True)
class Witness:
    """What one site says about the sky (None where its roof cannot tell)."""

    oriented: bool
    today: float | None
    now_low: float | None


def witness(reading: Reading, model: SiteModel) -> Witness:
    calibration = reading.history_ratio or 1.0
    energy, power = reading.energy_today_wh, reading.power_w
    if model.oriented:
        today = None if energy is None else model.sky_from_energy(energy / calibration)
        now = None if power is None else model.sky_from_power(power / calibration)
        return Witness(True, today, now)
    # unknown roof: the sky that explains the output on the most favourable
    # plausible roof is the darkest the sky can have been
    return Witness(False, None, None if power is None else model.sky_from_power_max(power))


def _verdict(
    reading: Reading, kind, reason: str, ev: dict, abstained: Abstention | None = None
) -> Verdict:
    """A verdict on `reading`; an abstention names its cause in the evidence."""
    evidence = {**ev, "abstained": abstained.value} if abstained else ev
    return Verdict(reading.site, kind, reason, reading.account, evidence)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def classify_site(
    reading: Reading,
    at: datetime,
    th: Thresholds,
    model: SiteModel | None,
    sky: Sky,
) -> Verdict:
    """Judge one site against its physical model under its neighbours' sky."""
    early = _pre_checks(reading, at, th)
    if early is not None:
        return early
    if model is None:
        return _classify_without_capacity(reading, th)
    verdict = _judge(reading, th, model, sky)
    status = (reading.vendor_status or "").lower()
    if status in VENDOR_FAULT_STATUS and not verdict.is_fault:
        return Verdict(
            reading.site,
            VENDOR_FAULT_STATUS[status],
            f"vendor status {status!r} in daylight ({verdict.reason})",
            reading.account,
            {k: v for k, v in verdict.evidence.items() if k != "abstained"},
        )
    return verdict


def _implausible(reading: Reading, th: Thresholds, model: SiteModel) -> str:
    """What makes the reading impossible for the site as configured, if anything."""
    cap, energy, power = model.ac_w, reading.energy_today_wh, reading.power_w
    check = " (check the capacity, the arrays and the vendor site id)"
    if power is not None and power > th.implausible_factor * cap:
        return f"{power:.0f} W reported on a site of {cap:.0f} W AC{check}"
    if model.oriented and model.dc_w > th.max_dc_ac_ratio * cap:
        return f"arrays of {model.dc_w / 1000:.1f} kWp on {cap / 1000:.1f} kW AC{check}"
    ceiling = model.energy_ceiling_wh
    if energy is not None and energy > th.implausible_factor * ceiling + 100.0 * model.dc_w / 1000:
        return (
            f"{energy / 1000:.1f} kWh today where no roof of this size could have made more "
            f"than {ceiling / 1000:.1f} kWh{check}"
        )
    return ""


def _evidence(reading: Reading, model: SiteModel, sky: Sky) -> dict:
    """What a verdict on energy shows: the reading, the model and the sky."""
    calibration = reading.history_ratio or 1.0
    ev: dict = {
        "energy_today_wh": reading.energy_today_wh,
        "power_w": reading.power_w,
        "orientation": "known" if model.oriented else "unknown",
        "peers": sky.count,
        "clear_sky_power_w": round(model.power(1.0) * calibration),
        "clear_sky_energy_wh": round(model.energy(1.0) * calibration),
    }
    if sky.today is not None:
        ev["sky_today"] = round(sky.today, 2)
        if model.oriented:
            # what the roof should have made so far (shown against production)
            ev["expected_wh"] = round(model.energy(sky.today) * calibration)
            ev["expected_from"] = "model"
    elif model.oriented:
        # no neighbours: the clear-sky model, an upper bound (never judged alone)
        ev["expected_wh"] = round(model.energy(1.0) * calibration)
        ev["expected_from"] = "clear_sky"
    if sky.now_low is not None:
        ev["sky_now"] = round(sky.now_low, 2)
    if reading.notes:
        ev["reading_notes"] = list(reading.notes)
    return ev


def _judge(reading: Reading, th: Thresholds, model: SiteModel, sky: Sky) -> Verdict:
    cap = model.ac_w
    dc_kwp = model.dc_w / 1000.0
    energy, power = reading.energy_today_wh, reading.power_w
    ev = _evidence(reading, model, sky)

    def verdict(kind, reason, abstained: Abstention | None = None):
        return _verdict(reading, kind, reason, ev, abstained)

    implausible = _implausible(reading, th, model)
    if implausible:
        return verdict(FaultKind.CONFIGURATION_ISSUE, f"implausible data: {implausible}")

    # Zero Production: nothing, while the darkest sky the neighbours allow
    # still gives clearly more than nothing on the least favourable roof
    doubt = ""
    if power is not None and power <= th.zero_power_fraction * cap:
        zero, doubt = _zero_production(reading, th, model, sky, ev)
        if zero:
            return verdict(FaultKind.INVERTER_FAULT, zero)

    if not doubt:
        if (
            reading.devices_total
            and reading.devices_reporting is not None
            and reading.devices_reporting < reading.devices_total
        ):
            return verdict(
                FaultKind.STRING_MLPE_FAULT,
                f"{reading.devices_reporting} of {reading.devices_total} devices reporting",
            )
        meter = _meter_verdict(reading, th, dc_kwp)
        if meter:
            return verdict(FaultKind.METER_FAULT, meter)

    if energy is None:
        if doubt:
            return verdict(HealthState.INDETERMINATE, doubt, Abstention.TOO_DARK)
        return verdict(HealthState.OK, "producing; no energy total to compare")
    judged = _judge_energy(reading, th, model, sky, ev, verdict)
    if doubt and judged.kind == FaultKind.UNDERPERFORMANCE:
        if power > 0.0:
            # a few watts in dim light after a short day: still short, not stopped
            return judged
        # nothing now after a day short of its energy: the inverter stopped
        return verdict(
            FaultKind.INVERTER_FAULT,
            f"Zero Production: reporting {power:.0f} W now, after {judged.reason}",
        )
    if doubt:
        # ~0 W now and too dark to call it Zero Production: an energy total
        # that looks normal says nothing of the last hour
        return verdict(HealthState.INDETERMINATE, doubt, Abstention.TOO_DARK)
    return judged


def _zero_production(
    reading: Reading, th: Thresholds, model: SiteModel, sky: Sky, ev: dict
) -> tuple[str, str]:
    """(why the site is at Zero Production, "") or ("", why that cannot be
    told) for a site reporting ~0 W."""
    cap, power = model.ac_w, reading.power_w
    calibration = reading.history_ratio or 1.0
    sky_now = sky.now_low if sky.now_low is not None else th.isolated_sky
    due = model.power_min(sky_now) * calibration
    ev["due_power_w"] = round(due)
    source = "the neighbours' sky" if sky.now_low is not None else "an overcast sky"
    if due >= th.zero_power_min_expected_fraction * cap:
        return (
            f"Zero Production: reporting {power:.0f} W while at least {due:.0f} W "
            f"({due / cap:.0%} of capacity) is due under {source}",
            "",
        )
    # the energy since midnight: a working inverter has made something
    # since sunrise under any daylight sky; one that never started has not
    energy = reading.energy_today_wh
    if energy is not None:
        darkest = [th.isolated_sky] + [k for k in (sky.today_low, sky.now_low) if k is not None]
        day_sky = min(darkest)
        due_energy = model.energy_min(day_sky) * calibration
        ev["due_energy_wh"] = round(due_energy)
        if (
            due_energy >= max(th.zero_energy_min_kwh_per_kwp * model.dc_w, th.zero_energy_min_wh)
            and energy <= th.zero_energy_fraction * due_energy
        ):
            return (
                f"Zero Production: {energy / 1000:.2f} kWh today and {power:.0f} W now, while "
                f"at least {due_energy / 1000:.2f} kWh was due since sunrise under a sky at "
                f"{day_sky:.0%} of clear",
                "",
            )
    if sky.now_dark is not None:
        near_due = model.power_min(sky.now_dark) * calibration
        dim = (
            near_due >= th.zero_power_near_dim_fraction * cap
            and power <= th.zero_power_near_share * near_due
            and (reading.energy_today_wh or 0.0) >= th.zero_energy_min_wh
        )
        if near_due >= th.zero_power_near_fraction * cap or dim:
            ev["due_power_w"] = round(near_due)
            return (
                f"Zero Production: reporting {power:.0f} W while at least {near_due:.0f} W "
                f"({near_due / cap:.0%} of capacity) is due even under the darkest sky of "
                f"its {th.near_peers} nearest producing neighbours",
                "",
            )
    silent = bool(reading.devices_total) and reading.devices_reporting == 0
    clear_due = model.power_min(1.0) * calibration
    if silent and clear_due >= th.zero_power_min_expected_fraction * cap:
        return (
            f"Zero Production: 0 of {reading.devices_total} devices reporting at "
            f"{power:.0f} W in daylight",
            "",
        )
    return (
        "",
        f"reporting {power:.0f} W, but under {source} only {due:.0f} W is due: "
        "too dark to tell a fault from the weather",
    )


def _judge_energy(reading: Reading, th: Thresholds, model: SiteModel, sky: Sky, ev: dict, verdict):
    """Energy so far against the roof's model under the neighbours' sky."""
    energy = reading.energy_today_wh
    dc_kwp = model.dc_w / 1000.0
    calibration = reading.history_ratio or 1.0
    if not model.oriented:
        return verdict(
            HealthState.OK,
            "producing; roof orientation unknown, so energy is not compared "
            "(enter the site's arrays to judge Underperformance)",
        )
    if model.max_elevation_deg < th.min_ratio_elevation_deg:
        return verdict(
            HealthState.INDETERMINATE,
            f"the sun has not risen above {model.max_elevation_deg:.0f}° today: too low for "
            "the roof's model to tell a fault from the light",
            Abstention.SUN_LOW,
        )
    if model.grazing_share > th.max_grazing_share:
        return verdict(
            HealthState.INDETERMINATE,
            f"{model.grazing_share:.0%} of today's light so far came with the sun below "
            f"{GRAZING_ELEVATION_DEG:.0f}°: too low for the roof's model to tell a "
            "fault from the light",
            Abstention.GRAZING_LIGHT,
        )
    # what the roof would have made so far under a clear sky
    clear = model.energy(1.0) * calibration
    if sky.today is None:
        return _judge_alone(energy, clear, th, model, ev, verdict)
    if sky.today < th.min_sky:
        return verdict(
            HealthState.INDETERMINATE,
            f"the neighbours saw {sky.today:.0%} of a clear sky (a storm, or snow on the "
            "roofs): not judged",
            Abstention.STORM,
        )
    if _sky_changed(sky, th):
        return verdict(
            HealthState.INDETERMINATE,
            f"the neighbours' sky now ({sky.now_low:.0%} of clear) is far from their sky so "
            f"far today ({sky.today:.0%}): a storm or a clearing gives roofs facing the "
            "morning or the afternoon another share of the day's sun",
            Abstention.CHANGING_SKY,
        )
    modelled = model.energy(sky.today)
    expected = modelled * calibration
    ev["expected_wh"] = round(expected)
    ev["expected_from"] = "model"
    uniform = sky.spread is not None and sky.spread <= th.uniform_sky_spread
    if sky.spread is not None:
        ev["sky_spread"] = round(sky.spread, 2)
    if expected < th.early_expected_kwh_per_kwp * dc_kwp * 1000.0:
        return verdict(
            HealthState.INDETERMINATE,
            f"too little energy due so far today ({expected / 1000:.1f} kWh) to judge it",
            Abstention.LITTLE_DUE,
        )
    if not model.tells_sky_today:
        return _diffuse_light(energy, verdict)
    ratio = energy / expected
    # judged against the darker end of the neighbours' skies: a site
    # under a passing cloud the others escaped is not a fault, nor one under
    # a cloud that also covers one of its nearest neighbours (with a sky
    # today, neighbour_skies sets both quartiles, near_low and near_km)
    low_sky = min(sky.today_low, sky.near_low)
    high_sky = sky.today_high
    # the least the roof makes under any sky from that darker quarter to the
    # brighter one (a roof facing away from the sun makes more under clouds)
    expected_low = model.energy_least(low_sky, high_sky) * calibration
    ratio_low = energy / expected_low if expected_low > 0 else ratio
    spread = sky.spread or 0.0
    floor = th.min_expected_kwh_per_kwp * (1.0 + th.late_spread_factor * spread)
    close = sky.near_km <= th.close_peer_km
    severe = th.severe_ratio - th.severe_spread_factor * spread
    early = clear < floor * dc_kwp * 1000.0
    if not close and (early or severe < ratio_low <= th.underperformance_ratio):
        few = (
            f"fewer than {th.min_peers} neighbours able to tell the sky within "
            f"{th.close_peer_km:.0f} km"
        )
        reason = (
            f"too early in the day to judge {ratio:.0%} of expected with {few}: a cloud "
            "that sat over the site all morning need not have reached those further out"
            if early
            else f"{ratio:.0%} of expected, no deeper than the neighbours' disagreement "
            f"explains, with {few}: a slow cloud can shade a site for hours without "
            "reaching those further out"
        )
        return verdict(HealthState.INDETERMINATE, reason, Abstention.FAR_NEIGHBOURS)
    if (
        early
        and not uniform
        and ratio_low > severe
        and not _short_now(reading, th, model, sky, ratio_low)
    ):
        return verdict(
            HealthState.INDETERMINATE,
            f"too early in the day under broken clouds (the neighbours disagree on the sky) "
            f"to judge {ratio:.0%} of expected: passing shadows have not averaged out yet",
            Abstention.BROKEN_CLOUDS,
        )
    ev["ratio"] = round(ratio, 3)
    # what the addon keeps, on good days, as the site's history ratio
    ev["model_ratio"] = round(energy / modelled, 3)
    ev["ratio_low"] = round(ratio_low, 3)
    pct = (
        f"{ratio:.0%} of expected ({energy / 1000:.1f} of {expected / 1000:.1f} kWh for this "
        f"roof under the sky {sky.count} neighbours saw)"
    )
    if ratio_low <= th.underperformance_ratio:
        return verdict(
            FaultKind.UNDERPERFORMANCE,
            f"{pct}; {ratio_low:.0%} even of the least this roof makes under any sky "
            f"from the darkest {th.sky_low_quantile:.0%} of them to the brightest",
        )
    if ratio <= th.underperformance_ratio:
        return verdict(
            HealthState.INDETERMINATE,
            f"{pct}, but some neighbours saw as dark a sky: clouds or a fault "
            "cannot be told apart yet",
            Abstention.DARKER_NEIGHBOURS,
        )
    expected_high = model.energy_most(low_sky, high_sky) * calibration
    if expected_high > 0 and energy <= th.underperformance_ratio * expected_high:
        return verdict(
            HealthState.INDETERMINATE,
            f"{pct}, but short of the most this roof makes under the brighter "
            "neighbours' sky: a shadow the others escaped or a fault cannot be told apart yet",
            Abstention.BRIGHTER_NEIGHBOURS,
        )
    return verdict(HealthState.OK, f"producing normally: {pct}")


def _judge_alone(
    energy: float, clear: float, th: Thresholds, model: SiteModel, ev: dict, verdict
) -> Verdict:
    """A site without neighbours: normal near its clear-sky model, else
    nothing can be told (half a clear day and an overcast read the same)."""
    # the clear sky bounds what a roof facing the sun makes, not one
    # facing away, which clouds light better: no verdict either way
    if not model.tells_sky_today:
        return _diffuse_light(energy, verdict)
    if clear and energy >= th.isolated_normal_ratio * clear:
        ev["ratio"] = round(energy / clear, 3)
        return verdict(
            HealthState.OK, f"producing normally: {energy / clear:.0%} of the clear-sky model"
        )
    return verdict(
        HealthState.INDETERMINATE,
        f"{energy / 1000:.1f} kWh today and no neighbours to tell clouds from a fault",
        Abstention.NO_NEIGHBOURS,
    )


def _diffuse_light(energy: float, verdict) -> Verdict:
    return verdict(
        HealthState.INDETERMINATE,
        f"the roof has faced away from the sun so far today ({energy / 1000:.1f} kWh): "
        "its light was mostly diffuse, where the model is least sure of what a roof gets",
        Abstention.DIFFUSE_LIGHT,
    )


def _sky_changed(sky: Sky, th: Thresholds) -> bool:
    """Whether the sky now is Thresholds.changing_sky_factor times darker
    than the darker quarter's today, or brighter than the brighter quarter's
    (for a site whose neighbours told the sky today)."""
    if sky.now_low is None:
        return False
    factor = th.changing_sky_factor
    return sky.now_low * factor < sky.today_low or sky.now_low > factor * sky.today_high


def _short_now(
    reading: Reading, th: Thresholds, model: SiteModel, sky: Sky, ratio_low: float
) -> bool:
    """Whether the site falls short now as well as so far today."""
    if ratio_low > th.early_energy_ratio or reading.power_w is None or sky.now_dark is None:
        return False
    due_now = model.power_least(sky.now_dark) * (reading.history_ratio or 1.0)
    return due_now > 0 and reading.power_w <= th.early_power_ratio * due_now


def _meter_verdict(reading: Reading, th: Thresholds, dc_kwp: float | None = None) -> str:
    """Why the meter looks faulty, or "". A meter that reports is judged
    whether or not the site was flagged as metered; a flagged one that is
    silent is a fault. Tiny totals at dawn are not compared."""
    energy = reading.energy_today_wh
    meter = reading.meter_energy_today_wh
    if not energy or (meter is None and not reading.meter_expected):
        return ""
    if meter is None:
        return "no data from the meter while the inverter reports"
    floor = th.meter_min_kwh_per_kwp * dc_kwp * 1000.0 if dc_kwp else 0.0
    if max(meter, energy) >= floor and abs(meter - energy) > th.meter_tolerance * energy:
        return (
            f"meter says {meter / 1000:.1f} kWh, inverter {energy / 1000:.1f} kWh today "
            f"(more than {th.meter_tolerance:.0%} apart)"
        )
    return ""


def _classify_without_capacity(reading: Reading, th: Thresholds | None = None) -> Verdict:
    """Capacity unknown: only what needs none (device counts, the meter)."""
    th = th or Thresholds()
    ev = {
        "energy_today_wh": reading.energy_today_wh,
        "power_w": reading.power_w,
        "reading_notes": list(reading.notes),
    }
    if (
        reading.devices_total
        and reading.devices_reporting is not None
        and reading.devices_reporting < reading.devices_total
    ):
        reason = f"{reading.devices_reporting} of {reading.devices_total} devices reporting"
        return Verdict(reading.site, FaultKind.STRING_MLPE_FAULT, reason, reading.account, ev)
    meter = _meter_verdict(reading, th)
    if meter:
        return Verdict(reading.site, FaultKind.METER_FAULT, meter, reading.account, ev)
    return Verdict(
        reading.site,
        HealthState.OK,
        "reporting; capacity unknown, so production is not compared with what was due",
        reading.account,
        ev,
    )


# ---------------------------------------------------------------- fleet


# own cell first: the nearest neighbours are most likely there
NEIGHBOUR_CELLS = ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def _grid_key(lat: float, lon: float, cell: float) -> tuple[int, int]:
    return int(lat // cell), int(lon // cell)


def neighbour_skies(
    readings: list[Reading], witnesses: dict[str, Witness], th: Thresholds
) -> dict[str, Sky]:
    """Each site's neighbours' sky: the median of their clear-sky indices.

    Only `witnesses` (sites judged in daylight, reporting energy) serve.
    Readings are bucketed in cells about one peer radius wide, so the cost
    stays linear in the size of the fleet; the median keeps one broken
    neighbour from moving the estimate."""
    cell = max(th.peer_radius_km / 111.0, 0.05)
    grid: dict[tuple[int, int], list[Reading]] = defaultdict(list)
    for r in readings:
        if r.site in witnesses:
            grid[_grid_key(r.latitude, r.longitude, cell)].append(r)
    skies: dict[str, Sky] = {}
    for r in readings:
        gx, gy = _grid_key(r.latitude, r.longitude, cell)
        near: list[tuple[float, Witness]] = []
        for dx, dy in NEIGHBOUR_CELLS:
            for p in grid.get((gx + dx, gy + dy), ()):
                if p.site == r.site:
                    continue
                km = distance_km(r.latitude, r.longitude, p.latitude, p.longitude)
                if km <= th.peer_radius_km:
                    near.append((km, witnesses[p.site]))
        # the nearest see the same clouds: under a moving cloud field the
        # sky two streets away says more than one 40 km away
        near.sort(key=lambda item: item[0])
        witnessed = [(km, w.today) for km, w in near if w.today is not None][: th.max_peers]
        today = [k for _, k in witnessed]
        now = [w.now_low for _, w in near if w.now_low is not None][: th.max_peers]
        # a neighbour at ~0 W is more likely broken than the sky black: the
        # sky now is the lower quartile of those producing something
        lit = [k for k in now if k > 0.0]
        now_dark = None
        if len(lit) >= th.min_peers and len(lit) * 2 > len(now):
            now_low = _quantile(lit, 0.25)
            now_dark = min(lit[: th.near_peers])
        else:
            # most neighbours dark too (snow, a grid outage): the sky says nothing
            now_low = _median(now) if len(now) >= th.min_peers else None
        if len(today) >= th.min_peers:
            middle = _median(today)
            q1, q3 = _quantile(today, 0.25), _quantile(today, 0.75)
            spread = (q3 - q1) / middle if middle > 0 else None
            low = _quantile(today, th.sky_low_quantile)
            high = _quantile(today, 1.0 - th.sky_low_quantile)
            near_km = witnessed[th.min_peers - 1][0]
            nearest = sorted(today[: th.near_peers])
            near_low = nearest[min(th.near_low_rank, len(nearest)) - 1]
            skies[r.site] = Sky(
                middle, now_low, len(now), low, spread, now_dark, high, near_km, near_low
            )
        else:
            skies[r.site] = Sky(None, now_low, len(now), now_dark=now_dark)
    return skies


def as_of(reading: Reading, at: datetime) -> datetime:
    """The instant a reading's power and energy describe: its last report
    (up to the stale limit old), not the check's time. Modelling up to the
    check would expect the energy of minutes nobody has reported yet, a
    large share of the total in the morning."""
    if reading.last_report_at is None:
        return at
    return min(at, reading.last_report_at)


@dataclass(frozen=True)
class FleetEvidence:
    """What one check judges each site of a fleet on: the verdicts decided
    before any model (night, stale), each judged site's model, what each
    site with an energy total says of the sky, and its neighbours' sky."""

    readings: list[Reading]
    at: datetime
    th: Thresholds
    early: dict[str, Verdict | None]
    models: dict[str, SiteModel]
    witnesses: dict[str, Witness]
    skies: dict[str, Sky]

    def classify(self) -> FleetResult:
        verdicts = [
            self.early[r.site]
            or classify_site(r, self.at, self.th, self.models.get(r.site), self.skies[r.site])
            for r in self.readings
        ]
        return _fold_vendor_outages(verdicts, self.th)


def fleet_evidence(readings: list[Reading], at: datetime, th: Thresholds) -> FleetEvidence:
    early = {r.site: _pre_checks(r, at, th) for r in readings}
    models = {
        r.site: site_model(r, as_of(r, at))
        for r in readings
        if early[r.site] is None and site_capacity(r)
    }
    witnesses = {
        site: witness(r, models[site])
        for r in readings
        if (site := r.site) in models and r.energy_today_wh is not None
    }
    skies = neighbour_skies(readings, witnesses, th)
    return FleetEvidence(readings, at, th, early, models, witnesses, skies)


def classify_fleet(
    readings: list[Reading], at: datetime, th: Thresholds | None = None
) -> FleetResult:
    return fleet_evidence(readings, at, th or Thresholds()).classify()


def classify_liveness(
    readings: list[Reading], at: datetime, th: Thresholds | None = None
) -> FleetResult:
    """Judge a liveness pass: freshness and the vendor's own status only.
    A site heard from in time is `reporting` (which ends a comms loss but
    says nothing of production: only a production judgment clears those)."""
    th = th or Thresholds()
    verdicts = []
    for reading in readings:
        if reading.last_report_at is None and reading.vendor_status:
            # a liveness call without a time (APsystems `light`): the vendor's
            # status of now is all there is to judge
            reading = replace(reading, last_report_at=at)
        early = _pre_checks(reading, at, th)
        if early is None or early.kind == FaultKind.CONFIGURATION_ISSUE:
            early = Verdict(
                reading.site,
                HealthState.REPORTING,
                "heard from in time",
                reading.account,
                {"last_report_at": reading.last_report_at.isoformat()},
            )
        verdicts.append(early)
    return _fold_vendor_outages(verdicts, th)


def _fold_vendor_outages(verdicts: list[Verdict], th: Thresholds) -> FleetResult:
    """Most of an account's judged sites silent at once is the vendor's cloud:
    one fleet incident, and those sites get `vendor_outage`, not a ticket each.
    "At once" is evidence, not a coincidence of counts: the silent sites'
    last reports stopped within `vendor_outage_window` of each other."""
    judged: dict[str, list[Verdict]] = defaultdict(list)
    for v in verdicts:
        if is_judged(v.kind):
            judged[v.account].append(v)
    fleet: list[FleetVerdict] = []
    folded: set[str] = set()
    for account, items in judged.items():
        silent = _silent_together(
            [v for v in items if v.kind == FaultKind.COMMS_LOSS], th.vendor_outage_window
        )
        if len(silent) >= th.vendor_outage_min_sites and len(
            silent
        ) >= th.vendor_outage_fraction * len(items):
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


def _silent_together(silent: list[Verdict], window: timedelta) -> list[Verdict]:
    """The largest group of silent sites whose last reports lie within
    `window` of each other (a vendor's own "not reporting" status, without a
    time, joins any group)."""
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
        while timed[last][0] - timed[first][0] > window:
            first += 1
        if last - first + 1 > len(best):
            best = [v for _, v in timed[first : last + 1]]
    return best + untimed
