"""The polling planner: how one account's monthly quota is split between
liveness passes and production judgments.

Two kinds of reading, with different prices and different uses:

- a **liveness pass** asks the vendor when each site last reported, with the
  cheapest call that says so for the most sites at once (Enphase `/systems`
  covers 100 systems a call); it is what catches a comms loss, so its cadence
  sets the worst-case time to detect one;
- a **production judgment** reads one site's energy and power (a per-site
  call) and is worth most around solar noon and in mid-afternoon, when a
  shortfall against expected output is largest and least ambiguous.

The time to detect a comms loss is measured from the site's last report: the
staleness limit (three missed uploads) plus one liveness interval. The
**bound** is what the plan allows if the whole month went to liveness passes
of the cheapest call. The planner gives production judgments at most
`DETECT_SLACK` (10 %) of that detection time, up to `MAX_JUDGMENTS` a site a
day, never less than one a daylight day when that fits; the rest of the month
goes to liveness. Daylight is the union of the fleet's daylight (sun at least
`min_elevation` degrees up, from astral's `elevation`, which never raises),
and the month is paced by daylight: every daylight minute of the month gets
the same share of what is left, so no day runs short and the quota lasts to
the month's end.

The **device pass** reads each device's energy once a site a day, at the
day's close (`clients.costs`: one call a site, APsystems one more per ECU),
so the day judge can compare the devices of a site with each other. It is a
fixed daily cost: the plan takes it first, when it keeps the time to see a
comms loss within the same `DETECT_SLACK` of the bound (a dead micro is seen
by nothing else, a production judgment also by the day's close), and the
production judgments get what it leaves of the slack; when it does not fit,
the plan says so and the devices are not compared.

**Discovery** (onboarding, `discovery_plan`) spends from the same month: an
account that lists its systems every day keeps that daily pass (the list
pages and its share of device refreshes) out of the health plan's budget
before anything else (`make_plan(discovery_systems=...)`), and a discovery
pass keeps back what the health plan's device pass needs for the rest of
the month (`discovery_plan(reserved=...)`), so the two never spend the same
calls.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import Enum
from functools import lru_cache

from .classify import Night, Silent
from .clients import costs as vendor_costs
from .daylight import sun_elevation
from .errors import EngineError
from .quota import UNLIMITED, Tier

# when the check calls a site silent (three missed 15-minute uploads): the
# check rule's own threshold, so the two never drift apart
STALE_AFTER_MIN = Silent.stale_after.total_seconds() / 60
DETECT_SLACK = 0.10  # production may cost at most this share of the detection time
MAX_JUDGMENTS = 2  # per site and daylight day: around solar noon and mid-afternoon
CRON_EVERY_MIN = 1.0  # the health check's cron: a pass starts at most this late
# what the check calls daylight: the sun's elevation (degrees) below which
# the check rule `classify.Night` judges nothing
MIN_ELEVATION = Night.min_elevation_deg
SAMPLE_MIN = 10  # daylight is sampled every 10 minutes
SLOT_MIN = 120.0  # a production slot's judgments fit in two hours around their time
# a site judged less than daily is judged every k days, at least monthly
# when that fits (Enphase's liveness list still carries the vendor's own
# production flags, `power` and `micro`, at the liveness cadence)
JUDGMENT_CHOICES = (2.0, 1.0) + tuple(1 / k for k in (2, 3, 4, 5, 6, 7, 10, 14, 21, 30)) + (0.0,)


class PlanError(EngineError, ValueError):
    """The planner was asked something it cannot answer (unknown vendor, no sites)."""


@dataclass(frozen=True)
class CallCosts:
    """What one vendor charges, in calls, for each kind of reading: the
    clients' own table (`clients.costs`), seen by the planner."""

    # sites one liveness call covers (1: the cheapest call is per site)
    liveness_sites_per_call: int
    # one production reading of one site (its list pages aside)
    production_calls_per_site: int
    # a production pass first lists the account's sites (Enphase /systems)
    production_lists_sites: bool
    # the liveness call is a full reading: every pass is also a judgment
    liveness_reads_production: bool
    # calls a day whatever the fleet's size (an OAuth token refresh)
    daily_overhead: int
    source: str
    # one site's daily device pass, at the day's close
    device_calls_per_site: int = 0
    # calls of one site's day series after sunset, for the day judge (0: the
    # readings already carry the day's series)
    day_series_calls_per_site: int = 0

    def liveness_pass(self, sites: int) -> int:
        return math.ceil(sites / self.liveness_sites_per_call) if sites > 0 else 0

    def production_pass(self, sites: int) -> int:
        pages = self.liveness_pass(sites) if self.production_lists_sites else 0
        return sites * self.production_calls_per_site + pages


# Enphase's access token lasts a day: one refresh call a day (the others
# authenticate every call with a key or a signature)
DAILY_OVERHEAD = {"enphase": 1}


def costs_for(vendor: str) -> CallCosts:
    try:
        cost = vendor_costs.cost(vendor)
    except ValueError as err:
        raise PlanError(
            f"unknown vendor {vendor!r} (known: {', '.join(vendor_costs.COSTS)})"
        ) from err
    reading = vendor_costs.reading_calls(vendor)
    return CallCosts(
        liveness_sites_per_call=cost.liveness_sites_per_call,
        production_calls_per_site=reading,
        production_lists_sites=cost.reading_lists_sites,
        # SolarEdge v2: the /power series is both the liveness call and the reading
        liveness_reads_production=cost.liveness_reads_production,
        daily_overhead=DAILY_OVERHEAD.get(vendor, 0),
        source=f"liveness: {cost.liveness_call}; reading: {cost.reading_calls}",
        device_calls_per_site=vendor_costs.device_calls(vendor),
        day_series_calls_per_site=(
            0 if cost.day_series_in_readings else vendor_costs.day_series_calls(vendor)
        ),
    )


COSTS = {vendor: costs_for(vendor) for vendor in vendor_costs.COSTS}


# ---------------------------------------------------------------- daylight


def _cells(locations: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Distinct 1°-by-2° cells of a fleet: daylight is the same within one to
    a few minutes, and a 10,000-site fleet costs a few dozen sun positions."""
    return sorted({(round(lat), 2 * round(lon / 2)) for lat, lon in locations})


def daylight_minutes(
    locations: Sequence[tuple[float, float]],
    day: date,
    min_elevation: float = MIN_ELEVATION,
    after: datetime | None = None,
) -> float:
    """Minutes of the UTC `day` when the sun is up at one location of the
    fleet at least (the union: a liveness call covers them all), counted from
    `after` when given."""
    start = datetime.combine(day, time(0), tzinfo=timezone.utc)
    first = 0 if after is None else math.ceil((after - start) / timedelta(minutes=SAMPLE_MIN))
    samples = _lit_samples(tuple(locations), day, min_elevation)
    return float(SAMPLE_MIN * sum(samples[max(first, 0) :]))


@lru_cache(maxsize=4096)
def _lit_samples(
    locations: tuple[tuple[float, float], ...], day: date, min_elevation: float
) -> tuple[bool, ...]:
    """Whether the sun is up at one location at least, every SAMPLE_MIN of
    the UTC `day` (kept: every run of the check plans the same month)."""
    start = datetime.combine(day, time(0), tzinfo=timezone.utc)
    return tuple(
        any(
            sun_elevation(lat, lon, start + timedelta(minutes=step)) >= min_elevation
            for lat, lon in locations
        )
        for step in range(0, 24 * 60, SAMPLE_MIN)
    )


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_end(at: datetime) -> datetime:
    """The first instant (UTC) of the month after `at`'s."""
    return datetime.combine(_month_end(at.astimezone(timezone.utc).date()), time(0), timezone.utc)


def month_daylight(
    locations: Sequence[tuple[float, float]] | None,
    at: datetime,
    min_elevation: float = MIN_ELEVATION,
    daylight_hours: float | None = None,
) -> tuple[float, float, int]:
    """(daylight minutes left this month from `at`, daylight minutes of
    `at`'s whole day, days left including today). Without locations, every
    day has `daylight_hours` (12 by default)."""
    today = at.astimezone(timezone.utc).date()
    days = (_month_end(today) - today).days
    if not locations:
        hours = 12.0 if daylight_hours is None else daylight_hours
        day_min = hours * 60
        start = datetime.combine(today, time(0), tzinfo=timezone.utc)
        elapsed = (at - start).total_seconds() / 60
        # the daylight of a location-less day is centred on 12:00 UTC
        today_left = min(max(day_min / 2 + 720 - elapsed, 0.0), day_min)
        return today_left + day_min * (days - 1), day_min, days
    cells = _cells(locations)
    today_min = daylight_minutes(cells, today, min_elevation)
    left = daylight_minutes(cells, today, min_elevation, after=at)
    # daylight changes smoothly: sample every 4th day and hold it
    sample = today_min
    for offset in range(1, days):
        if offset % 4 == 0:
            sample = daylight_minutes(cells, today + timedelta(days=offset), min_elevation)
        left += sample
    return left, today_min, days


def production_slots(
    latitude: float, longitude: float, day: date, count: int, min_elevation: float = MIN_ELEVATION
) -> list[datetime]:
    """When one site's production judgments are most informative, in UTC:
    solar noon (the sun highest) and mid-afternoon (halfway from noon to
    the end of daylight). Found from sampled elevations, never `sun()`."""
    if count <= 0:
        return []
    # the site's solar day: centred on its local solar noon
    centre = datetime.combine(day, time(12), tzinfo=timezone.utc) - timedelta(hours=longitude / 15)
    samples = [centre + timedelta(minutes=m) for m in range(-12 * 60, 12 * 60, SAMPLE_MIN)]
    elevations = [sun_elevation(latitude, longitude, t) for t in samples]
    top = max(range(len(samples)), key=elevations.__getitem__)
    if elevations[top] < min_elevation:
        return []  # polar night: nothing to judge
    end = top
    while end + 1 < len(samples) and elevations[end + 1] >= min_elevation:
        end += 1
    noon = samples[top]
    slots = [noon]
    if count >= 2 and end > top:
        slots.append(noon + (samples[end] - noon) / 2)
    return slots


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Plan:
    vendor: str
    sites: int
    per_minute_limit: int
    month_limit: int
    month_used: int
    days_left: int
    daylight_hours: float  # of the day planned for (the fleet's union)
    liveness_calls_per_pass: int
    liveness_every_min: float
    liveness_passes_per_day: float
    production_judgments_per_site_per_day: float
    production_every_days: int  # 1: daily; k: each site every k days; 0: never
    production_calls_per_day: int
    calls_per_day: int
    calls_per_month: int  # projected: used so far plus what the plan spends to month end
    worst_case_comms_detect_min: float
    bound_comms_detect_min: float
    detect_ratio: float
    stale_after_min: float
    # every liveness pass is a full reading (no separate production slots)
    liveness_reads_production: bool
    note: str
    # the daily device pass at each site's close: whether the plan pays it,
    # for how many sites, and its calls a site and a day
    devices_daily: bool = False
    device_sites: int = 0
    device_calls_per_site_per_day: int = 0
    device_calls_per_day: int = 0
    # the daily discovery pass (list pages, device refreshes) the plan keeps
    discovery_calls_per_day: int = 0
    # the day judge's series asked after sunset: 1 a site a day when the
    # plan pays for it (0: not paid for, or the readings carry it), and its
    # calls a day
    day_series_per_site_per_day: int = 0
    day_series_calls_per_day: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def _round_up(minutes: float, step: float) -> float:
    if step <= 0 or not math.isfinite(minutes):
        return minutes
    return math.ceil(minutes / step - 1e-9) * step


def make_plan(
    vendor: str,
    tier: Tier,
    sites: int,
    at: datetime,
    locations: Sequence[tuple[float, float]] | None = None,
    month_used: int = 0,
    daylight_hours: float | None = None,
    min_elevation: float = MIN_ELEVATION,
    stale_after_min: float = STALE_AFTER_MIN,
    cron_every_min: float = CRON_EVERY_MIN,
    day: date | None = None,
    device_sites: int | None = None,
    discovery_systems: int | None = None,
    discovery_listable: bool = True,
) -> Plan:
    """The plan for the rest of `at`'s month, with `month_used` calls
    already spent. Called again at every run with what is left, it paces
    itself: spending faster than planned lengthens the interval, so the
    quota cannot run out before the month ends. The per-day figures are
    those of `day` (default: `at`'s date). `device_sites`: the sites whose
    devices are compared (`costs.device_pass_wanted`; default all).
    `discovery_systems`: the systems of an account whose systems are listed
    every day (None: not listed), `discovery_listable` False where they are
    read one by one (pasted ids); that daily pass is kept first."""
    if at.tzinfo is None:
        raise PlanError("the planner needs an aware datetime")
    if sites < 0:
        raise PlanError(f"number of sites must be 0 or more, got {sites}")
    costs = costs_for(vendor)
    left_min, today_min, days = month_daylight(locations, at, min_elevation, daylight_hours)
    if day is not None and locations:
        today_min = daylight_minutes(_cells(locations), day, min_elevation)
    budget = max(tier.per_month - month_used, 0)
    pass_calls = costs.liveness_pass(sites)
    discovery_day = 0
    if discovery_systems is not None:
        discovery_day = discovery_plan(
            vendor,
            tier,
            discovery_systems,
            0,
            month_used,
            days_left=days,
            known=sites,
            listable=discovery_listable,
        ).calls
    overhead = (costs.daily_overhead + discovery_day) * days
    # the bound: the whole budget on liveness passes of the cheapest call
    # (what the daily discovery keeps is not the health check's to spend)
    bound_interval = _liveness_interval(budget - discovery_day * days, pass_calls, left_min, tier)
    bound = stale_after_min + bound_interval

    # the day judge's series first (it judges production once a day
    # whatever the snapshots could), within the same slack as production;
    # without it when even liveness alone would not fit beside it
    def choose(spent):
        # the most judgments the budget leaves once `spent` calls are kept
        return _choose(
            costs,
            tier,
            sites,
            budget,
            spent,
            days,
            left_min,
            pass_calls,
            bound,
            stale_after_min,
            cron_every_min,
        )

    series_day = 0
    for series_day in (sites * costs.day_series_calls_per_site, 0):
        chosen = choose(overhead + series_day * days)
        if math.isfinite(chosen[2]) or series_day == 0:
            break
    overhead += series_day * days
    # then the device pass, with what the series leave
    device_sites = sites if device_sites is None else max(min(device_sites, sites), 0)
    device_day = _device_pass(
        device_sites,
        costs,
        budget - overhead,
        days,
        pass_calls,
        left_min,
        tier,
        bound,
        stale_after_min,
        cron_every_min,
    )
    if device_day:
        with_devices = choose(overhead + device_day * days)
        if math.isfinite(with_devices[2]):
            chosen = with_devices
            overhead += device_day * days
        else:
            device_day = 0
    per_day, production_day, interval, worst = chosen
    finite = math.isfinite
    every = _round_up(interval, cron_every_min) if finite(interval) else math.inf
    passes_day = today_min / every if every > 0 else 0.0
    if costs.liveness_reads_production:
        per_day = passes_day  # every liveness pass is a full reading
    # liveness calls go out one by one at the plan's rate (a pass longer than
    # the month is spread over months): what the rest of the month spends
    liveness_month = math.floor(left_min * pass_calls / every) if 0 < every < math.inf else 0
    daily = costs.daily_overhead + discovery_day + series_day if finite(interval) else 0
    device_day = device_day if finite(interval) else 0
    calls_day = math.ceil(passes_day * pass_calls) + production_day + daily + device_day
    month_total = month_used + liveness_month + (production_day + daily + device_day) * days
    every_days = 0 if per_day <= 0 else (1 if per_day >= 1 else math.ceil(1 / per_day - 1e-9))
    note = _note(
        sites, per_day, every_days, interval, pass_calls, tier, costs.liveness_reads_production
    )
    return Plan(
        vendor=vendor,
        sites=sites,
        per_minute_limit=tier.per_minute,
        month_limit=tier.per_month,
        month_used=month_used,
        days_left=days,
        daylight_hours=round(today_min / 60, 2),
        liveness_calls_per_pass=pass_calls,
        liveness_every_min=round(every, 1) if finite(every) else -1,
        liveness_passes_per_day=round(passes_day, 2),
        production_judgments_per_site_per_day=round(per_day, 3),
        production_every_days=every_days,
        production_calls_per_day=production_day,
        calls_per_day=calls_day,
        calls_per_month=int(month_total),
        worst_case_comms_detect_min=round(worst, 1) if finite(worst) else -1,
        bound_comms_detect_min=round(bound, 1) if finite(bound) else -1,
        detect_ratio=round(worst / bound, 3) if finite(worst) and finite(bound) else -1,
        stale_after_min=stale_after_min,
        liveness_reads_production=costs.liveness_reads_production,
        note=note,
        devices_daily=device_day > 0,
        device_sites=device_sites,
        device_calls_per_site_per_day=costs.device_calls_per_site,
        device_calls_per_day=device_day,
        discovery_calls_per_day=discovery_day if finite(interval) else 0,
        day_series_per_site_per_day=1 if series_day and finite(interval) else 0,
        day_series_calls_per_day=series_day if finite(interval) else 0,
    )


# ---------------------------------------------------------------- the device pass


def _device_pass(device_sites, costs, budget, days, pass_calls, left_min, tier, bound, stale, cron):
    """Calls a day of the daily device pass, or 0 when the plan cannot pay
    it: with it, a comms loss must still be seen within `DETECT_SLACK` of
    the bound, and one close's calls must fit the per-minute limit within a
    production slot's window (`SLOT_MIN`)."""
    calls = device_sites * costs.device_calls_per_site
    if calls <= 0 or not math.isfinite(bound):
        return 0
    interval = _liveness_interval(budget - calls * days, pass_calls, left_min, tier)
    if not math.isfinite(interval):
        return 0
    every = _round_up(interval, cron)
    if stale + every > bound * (1 + DETECT_SLACK) + 1e-9:
        return 0
    # the passes go out at the cron's cadence: what the minute limit leaves
    spare = tier.per_minute - (pass_calls / every if every > 0 else 0)
    if spare <= 0 or calls / spare > SLOT_MIN:
        return 0
    return calls


def _choose(costs, tier, sites, budget, overhead, days, left_min, pass_calls, bound, stale, cron):
    """(judgments a site a day, their calls a day, liveness interval, worst
    detection) of the most judgments whose cost leaves liveness within
    DETECT_SLACK of the bound; infinite when none does."""
    for per_day in JUDGMENT_CHOICES if math.isfinite(bound) else ():
        if costs.liveness_reads_production and per_day > 0:
            continue  # judgments come with the passes, for free
        production_day = _production_day(per_day, sites, costs)
        liveness_budget = budget - overhead - production_day * days
        interval = _liveness_interval(liveness_budget, pass_calls, left_min, tier)
        worst = stale + _round_up(interval, cron)
        if worst > bound * (1 + DETECT_SLACK) + 1e-9:
            continue
        # the passes run on the cron's minutes: what they leave of the minute
        # limit is counted at that cadence (an unlimited plan's interval is
        # a fraction of a minute, which would leave nothing to the slots)
        every_min = _round_up(interval, cron)
        if _production_pass_min(per_day, sites, costs, pass_calls, every_min, tier) > SLOT_MIN:
            continue  # the minute limit cannot fit a slot's judgments in its window
        return per_day, production_day, interval, worst
    return 0.0, 0, math.inf, math.inf


def _production_day(per_day: float, sites: int, costs: CallCosts) -> int:
    """Calls a day for `per_day` judgments of each of `sites` sites, in one
    or two slots (each slot's pass lists the sites first where it must)."""
    if per_day <= 0:
        return 0
    judged = math.ceil(per_day * sites)
    slots = max(1, min(round(per_day), MAX_JUDGMENTS))
    per_slot = math.ceil(judged / slots)
    return slots * costs.production_pass(per_slot)


def _production_pass_min(per_day, sites, costs, pass_calls, interval, tier) -> float:
    """Minutes one production slot's calls take at what the per-minute limit
    leaves beside the liveness passes."""
    if per_day <= 0:
        return 0.0
    slots = max(1, min(round(per_day), MAX_JUDGMENTS))
    calls = costs.production_pass(math.ceil(per_day * sites / slots))
    spare = tier.per_minute - (pass_calls / interval if interval > 0 else 0)
    return calls / spare if spare > 0 else math.inf


def _liveness_interval(budget: float, pass_calls: int, daylight_left: float, tier: Tier) -> float:
    """Minutes between liveness passes when `budget` calls pay for them over
    `daylight_left` minutes; a pass never outruns the per-minute limit."""
    if pass_calls <= 0:
        return 0.0
    if budget <= 0 or daylight_left <= 0:
        return math.inf
    # below one pass a month the rate still holds: a pass spread over months
    return max(daylight_left * pass_calls / budget, pass_calls / tier.per_minute)


def _note(sites, per_day, every_days, interval, pass_calls, tier, full_passes=False) -> str:
    if sites == 0:
        return "no sites to watch"
    if not math.isfinite(interval):
        return "quota spent: the account's sites are not watched until the month rolls over"
    if pass_calls > tier.per_minute:
        minutes = math.ceil(pass_calls / tier.per_minute)
        lead = f"one liveness pass takes {minutes} min at the per-minute limit; "
    else:
        lead = ""
    if per_day >= 1 and full_passes:
        return lead + "every reporting check also judges production"
    if per_day >= 1:
        return lead + f"every site judged on production {per_day:g}x a daylight day"
    if every_days:
        return lead + (
            f"the plan cannot pay a daily production judgment: each site every {every_days} days"
        )
    return lead + "the plan pays for liveness only: no production judgments"


# ---------------------------------------------------------------- running the plan


def liveness_due(plan: Plan, last_pass_at: datetime | None, at: datetime) -> bool:
    """Whether the account's next liveness pass is due at `at`."""
    if plan.liveness_every_min < 0 or plan.liveness_calls_per_pass == 0:
        return False  # quota spent, or nothing to watch
    if last_pass_at is None:
        return True
    # a cron that starts a few seconds late must not skip a whole interval
    return (at - last_pass_at).total_seconds() >= plan.liveness_every_min * 60 - 30


@lru_cache(maxsize=20_000)
def _slots_cached(lat: float, lon: float, day: date, count: int, min_elevation: float):
    return tuple(production_slots(lat, lon, day, count, min_elevation))


def next_judgment_at(
    plan: Plan,
    latitude: float,
    longitude: float,
    after: datetime,
    rotation: int,
    min_elevation: float = MIN_ELEVATION,
) -> datetime | None:
    """The next production slot of one site after `after`: solar noon and,
    at two a day, mid-afternoon; judged every k days, a site takes the days
    its `rotation` (its id) picks, so the fleet's judgments spread evenly.
    None when the plan pays for no judgment this month. Sites share slot
    times within a 1°-by-0.5° cell (a couple of minutes)."""
    per_day = plan.production_judgments_per_site_per_day
    if per_day <= 0 or plan.production_every_days <= 0 or plan.liveness_reads_production:
        return None
    count = MAX_JUDGMENTS if per_day >= MAX_JUDGMENTS else 1
    lat, lon = round(latitude), round(longitude * 2) / 2
    start = after.astimezone(timezone.utc).date() - timedelta(days=1)
    for offset in range(0, 62):
        day = start + timedelta(days=offset)
        if (day.toordinal() + rotation) % plan.production_every_days:
            continue
        for slot in _slots_cached(lat, lon, day, count, min_elevation):
            if slot > after:
                return slot
    return None


def next_check_at(
    plan: Plan,
    latitude: float,
    longitude: float,
    after: datetime,
    rotation: int,
    last_pass_at: datetime | None = None,
    min_elevation: float = MIN_ELEVATION,
) -> datetime | None:
    """When the health check next reads one site's production, as a person
    reads "next check": where every liveness pass is a full reading (SolarEdge
    v2), the account's next pass that finds the site in daylight; otherwise
    its next production slot (`next_judgment_at`). None when the plan reads
    it no more this month (quota spent, liveness only)."""
    if not plan.liveness_reads_production:
        return next_judgment_at(plan, latitude, longitude, after, rotation, min_elevation)
    if plan.liveness_every_min < 0 or plan.liveness_calls_per_pass == 0:
        return None
    due = after
    if last_pass_at is not None:
        due = max(after, last_pass_at + timedelta(minutes=plan.liveness_every_min))
    # the first sampled instant of daylight from then on (a pass skips dark sites)
    for step in range(0, 2 * 24 * 60 // SAMPLE_MIN + 1):
        at = due + timedelta(minutes=step * SAMPLE_MIN)
        if sun_elevation(latitude, longitude, at) >= min_elevation:
            return at
    return None  # polar night: no daylight in the next two days


class Blindness(str, Enum):
    """Why an account's sites are not being watched at all."""

    QUOTA_SPENT = "quota_spent"
    CREDENTIALS_REFUSED = "credentials_refused"
    API_RETIRED = "api_retired"
    UNREACHABLE = "unreachable"


BLINDNESS_WORDS = {
    Blindness.QUOTA_SPENT: "the month's API quota is spent",
    Blindness.CREDENTIALS_REFUSED: "the vendor refuses the account's credentials",
    Blindness.API_RETIRED: "the vendor retired the API version we call (410 Gone)",
    Blindness.UNREACHABLE: "the vendor's cloud cannot be reached",
}


# a poll's errors that pass by themselves (a minute's quota, a time-out): they
# blind an account only once they have lasted longer than the liveness window
PASSING_ERRORS = frozenset({"transient", "quota_minute"})


def poll_error_kind(
    account_error_kind: str | None,
    account_failed: bool,
    sites_asked: int,
    sites_read: int,
    sites_failed: int,
) -> str:
    """The kind of error one poll of an account ended with ('' when it
    worked): the client's kind of account error ('transient' when it named
    none); every site asked failing on its own is the vendor unreachable."""
    if account_failed:
        return account_error_kind or "transient"
    if sites_asked and not sites_read and sites_failed == sites_asked:
        return "transient"
    return ""


def blindness(
    error_kind: str, failing_since: datetime | None, at: datetime, plan: Plan | None
) -> Blindness | None:
    """Whether an account is blind after a poll that ended with `error_kind`
    ('' when it worked; 'quota_month', 'quota_minute', 'auth', 'gone',
    'transient', as the clients say), failing since `failing_since`. A
    passing error (a minute's quota, a time-out) only blinds the account
    once it has lasted longer than the liveness window, the time the plan
    promises to see a comms loss in."""
    if error_kind == "quota_month":
        return Blindness.QUOTA_SPENT
    if error_kind == "auth":
        return Blindness.CREDENTIALS_REFUSED
    if error_kind == "gone":
        return Blindness.API_RETIRED
    if error_kind in PASSING_ERRORS and failing_since is not None:
        window = plan.worst_case_comms_detect_min if plan else STALE_AFTER_MIN
        if window < 0 or at - failing_since > timedelta(minutes=window):
            return Blindness.UNREACHABLE
    return None


# ---------------------------------------------------------------- in words


def _duration(minutes: float) -> str:
    if minutes < 120:
        return f"{minutes:.0f} minute{'' if round(minutes) == 1 else 's'}"
    return f"{minutes / 60:,.1f} hours of daylight"


def describe(plan: Plan) -> dict[str, str]:
    """The plan in sentences an O&M manager reads on the account's form."""
    sites = f"all {plan.sites:,} sites" if plan.sites != 1 else "the site"
    if plan.liveness_every_min < 0:
        cadence = f"Not watching {sites}: the month's calls are spent."
        detect = "A site that stops reporting is not noticed until the quota renews."
    elif plan.sites == 0:
        cadence, detect = "No sites to watch.", ""
    else:
        calls = plan.liveness_calls_per_pass
        cadence = (
            f"Checks that {sites} are still reporting every "
            f"{_duration(plan.liveness_every_min)} in daylight "
            f"({calls:,} call{'s' if calls != 1 else ''} each time)."
        )
        detect = (
            f"A site that stops reporting is noticed within "
            f"{_duration(plan.worst_case_comms_detect_min)} "
            f"(the best this plan allows: {_duration(plan.bound_comms_detect_min)})."
        )
    per_day = plan.production_judgments_per_site_per_day
    if plan.liveness_reads_production and per_day > 0:
        production = (
            "Judges each site's production at every reporting check: "
            "the vendor's reporting call is a full reading."
        )
    elif per_day >= 2:
        production = "Judges each site's production twice a day: at solar noon and mid-afternoon."
    elif per_day >= 1:
        production = "Judges each site's production once a day, at solar noon."
    elif plan.production_every_days:
        production = (
            f"Judges each site's production every {plan.production_every_days} days, at "
            "solar noon: the plan cannot pay for a daily judgment of every site."
        )
    else:
        production = "Does not judge production: the plan pays for the reporting checks only."
    if plan.devices_daily:
        production += (
            f" Reads each device's energy once a day at the day's close, for "
            f"{plan.device_sites:,} site{'s' if plan.device_sites != 1 else ''} "
            f"({plan.device_calls_per_day:,} calls a day)."
        )
    elif plan.device_sites and plan.liveness_every_min >= 0:
        production += (
            " Cannot pay a daily reading of each device's energy: the devices of a site "
            "are not compared."
        )
    left = max(plan.month_limit - plan.month_used, 0)
    if plan.month_limit >= UNLIMITED.per_month:
        usage = (
            f"{plan.month_used:,} calls used this month, with no monthly limit (simulator); "
            f"at this pace about {plan.calls_per_month:,} by the end of the month."
        )
    else:
        usage = (
            f"{plan.month_used:,} of {plan.month_limit:,} calls used this month, {left:,} left; "
            f"at this pace about {plan.calls_per_month:,} by the end of the month."
        )
    if plan.discovery_calls_per_day:
        usage += (
            f" Listing the vendor's systems every day keeps "
            f"{plan.discovery_calls_per_day:,} calls a day."
        )
    return {"cadence": cadence, "production": production, "detect": detect, "usage": usage}


# ---------------------------------------------------------------- onboarding
# Discovery spends from the same monthly quota as the health check: the list
# pages (a few calls) always, and each new site's devices as far as a share
# of what is left allows; the health plan then paces itself on the rest.

ONBOARDING_SHARE = 0.25  # of the month's calls left, one creation pass may spend
INVENTORY_SHARE = 0.05  # of the month's calls left, the daily device refreshes may spend
PASS_MINUTES = 10.0  # one pass waits at most this long on the per-minute limit


@dataclass(frozen=True)
class DiscoveryPlan:
    vendor: str
    systems: int
    list_calls: int
    # new sites this pass may create (their device calls paid), and those left queued
    create_now: int
    create_later: int
    create_calls: int
    # known sites whose devices this pass may refresh
    refresh_now: int
    refresh_calls: int
    calls: int
    month_left_after: int
    note: str


def discovery_plan(
    vendor: str,
    tier: Tier,
    systems: int,
    to_create: int,
    month_used: int,
    days_left: int = 30,
    known: int = 0,
    listable: bool = True,
    list_done: bool = False,
    reserved: int = 0,
) -> DiscoveryPlan:
    """What one discovery pass of an account may spend: the listing of its
    `systems` systems, then the devices (and Enphase's size) of `to_create`
    new sites within `ONBOARDING_SHARE` of the month's calls left and what the
    per-minute limit passes in `PASS_MINUTES`, then device refreshes of
    `known` sites within `INVENTORY_SHARE` of what is left, spread over the
    `days_left` days. `reserved`: calls the rest of the month needs beside
    (the health plan's daily device pass, `Plan.device_calls_per_day` times
    its days left): the shares are taken of what is left after them. What
    does not fit waits for the next daily pass."""
    if systems < 0 or to_create < 0 or known < 0:
        raise PlanError("counts of systems and sites must be 0 or more")
    cost = vendor_costs.discovery_cost(vendor)
    # `list_done`: the systems were listed already (creating the accepted ones)
    listing = 0 if list_done else vendor_costs.list_calls(vendor, systems, listable=listable)
    left = max(tier.per_month - month_used - listing - max(reserved, 0), 0)
    minute_room = max(int(tier.per_minute * PASS_MINUTES) - listing, 0)
    per_site = max(cost.create_calls_per_site, 1)
    create_budget = min(math.floor(left * ONBOARDING_SHARE), minute_room)
    create_now = min(to_create, create_budget // per_site)
    create_calls = create_now * per_site
    left -= create_calls
    minute_room -= create_calls
    per_refresh = max(cost.devices_calls_per_site, 1)
    refresh_budget = min(math.floor(left * INVENTORY_SHARE / max(days_left, 1)), minute_room)
    refresh_now = min(known, max(refresh_budget, 0) // per_refresh)
    refresh_calls = refresh_now * per_refresh
    calls = listing + create_calls + refresh_calls
    later = to_create - create_now
    if listing > tier.per_month - month_used:
        note = "the month's calls cannot pay for the listing: discovery waits for the next month"
    elif later:
        note = (
            f"{create_now:,} of {to_create:,} new sites now; {later:,} wait for the daily "
            f"pass (a quarter of the month's {max(tier.per_month - month_used, 0):,} calls "
            f"left, {tier.per_minute}/min)"
        )
    else:
        note = f"{listing:,} list calls and {create_calls:,} for the new sites' devices"
    return DiscoveryPlan(
        vendor=vendor,
        systems=systems,
        list_calls=listing,
        create_now=create_now,
        create_later=later,
        create_calls=create_calls,
        refresh_now=refresh_now,
        refresh_calls=refresh_calls,
        calls=calls,
        month_left_after=max(tier.per_month - month_used - calls, 0),
        note=note,
    )
