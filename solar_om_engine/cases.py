"""Back-office rules of the cases: routing by what the customer raises,
suppression windows, escalation, End Of Lease, labour programmes,
complaint grounds and reactivation. Pure functions of plain values: the
addon reads the records, asks here, and persists the answer."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Generic, TypeVar

Key = TypeVar("Key")

# ------------------------------------------------------------------ concerns


class Concern(str, Enum):
    """What the customer raises on a call, which decides where the case goes."""

    SAVINGS = "savings"
    SERVICE = "service"
    PLATFORM = "platform"


class ConcernAction(str, Enum):
    REFER_TO_INSTALLER = "refer_to_installer"
    POST_INSTRUCTIONS = "post_instructions"
    ROUTE = "route"


# the case type (by code) a concern routes to, once past the installer handover
CONCERN_CASE_TYPES = {Concern.SAVINGS: "savings_analysis", Concern.SERVICE: "system_check"}


@dataclass(frozen=True)
class ConcernRoute:
    """Where a concern sends the case. For ``ROUTE``: the team of
    `case_type`, and the case type itself when `replace_case_type`."""

    action: ConcernAction
    case_type: str | None = None
    replace_case_type: bool = False


def route_concern(
    concern: Concern | str, *, handover_approved: bool | None, has_case_type: bool
) -> ConcernRoute:
    """Until the installer handover (M3) the installer answers for the
    system; after it, savings go to Savings Analysis, repairs to the service
    team (keeping a case type they already have: an inverter fault stays
    one), platform set-up gets the manufacturer's instructions.

    `handover_approved` is None when the case has no site yet.
    """
    concern = Concern(concern)
    if handover_approved is False:
        return ConcernRoute(ConcernAction.REFER_TO_INSTALLER)
    if concern is Concern.PLATFORM:
        return ConcernRoute(ConcernAction.POST_INSTRUCTIONS)
    return ConcernRoute(
        ConcernAction.ROUTE,
        case_type=CONCERN_CASE_TYPES[concern],
        replace_case_type=concern is Concern.SAVINGS or not has_case_type,
    )


# --------------------------------------------------------------- suppression


def suppression_until(
    now: datetime, window_days: int, current_until: datetime | None
) -> datetime | None:
    """The new end of a site's suppression window when a case that makes an
    outage expected opens; None when the case type has no window or the
    site's current window already lasts longer (a window is never shortened)."""
    if window_days <= 0:
        return None
    until = now + timedelta(days=window_days)
    if current_until is not None and current_until >= until:
        return None
    return until


# ---------------------------------------------------------------- escalation

PRIORITIES = ("0", "1", "2", "3")  # helpdesk_mgmt's Low, Medium, High, Very High


def escalated_priority(priority: str | None) -> str:
    """A complaint that a case went unanswered raises its priority one step,
    up to the highest."""
    level = PRIORITIES.index(priority) if priority in PRIORITIES else 0
    return PRIORITIES[min(level + 1, len(PRIORITIES) - 1)]


def escalation_owner(owner: int | None, team_lead: int | None) -> int | None:
    """The escalated case is taken over by its team's lead; without a lead
    its owner keeps it."""
    return team_lead or owner


# ---------------------------------------------------------------- complaints


def grounds_missing(requires_grounds: bool, ground_count: int) -> bool:
    """A case type that requires complaint grounds closes only with one."""
    return requires_grounds and ground_count == 0


# -------------------------------------------------------------- End Of Lease

END_OF_LEASE_LEAD_DAYS = 90


def end_of_lease_window(today: date, lead_days: int = END_OF_LEASE_LEAD_DAYS) -> tuple[date, date]:
    """Leases ending between these two dates (inclusive) get their case now."""
    if lead_days < 0:
        raise ValueError(f"End Of Lease lead time must be 0 days or more, got {lead_days}")
    return today, today + timedelta(days=lead_days)


def leases_due(
    leases: Iterable[tuple[Key, date]],
    opened: Iterable[tuple[Key, date]],
    today: date,
    lead_days: int = END_OF_LEASE_LEAD_DAYS,
) -> list[Key]:
    """The sites whose lease needs its End Of Lease case: ending inside the
    window and without a case for that very end date (a renewed lease that
    ends again gets its own)."""
    first, last = end_of_lease_window(today, lead_days)
    done = set(opened)
    return [key for key, end in leases if first <= end <= last and (key, end) not in done]


# ---------------------------------------------------------- labour programme


@dataclass(frozen=True)
class LabourProgramme(Generic[Key]):
    """A manufacturer's labour reimbursement rule; `ref` is the caller's id."""

    ref: Key
    brand: str
    device_type: str | None = None
    max_device_age_years: float = 0.0
    claim_within_days: int = 0


@dataclass(frozen=True)
class LabourEligibility:
    eligible: bool
    # why not: no programme, or the device's age limit (the date it was reached)
    no_programme: bool = False
    age_limit_reached_on: date | None = None
    claim_deadline: date | None = None


def pick_programme(
    programmes: Sequence[LabourProgramme], brand: str | None, device_type: str | None
) -> LabourProgramme | None:
    """The brand's programme for this device type, else the brand-wide one."""
    brand = (brand or "").casefold()
    of_brand = [p for p in programmes if p.brand.casefold() == brand]
    exact = [p for p in of_brand if p.device_type and p.device_type == device_type]
    general = [p for p in of_brand if not p.device_type]
    return (exact or general or [None])[0]


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def labour_eligibility(
    programme: LabourProgramme | None, installed_on: date | None, replaced_on: date
) -> LabourEligibility:
    """Labour is paid for a device younger than the programme's age limit
    when replaced (no limit: 0), claimed within its days (no deadline: 0)."""
    if programme is None:
        return LabourEligibility(eligible=False, no_programme=True)
    if programme.max_device_age_years and installed_on:
        limit = add_months(installed_on, int(programme.max_device_age_years * 12))
        if replaced_on >= limit:
            return LabourEligibility(eligible=False, age_limit_reached_on=limit)
    deadline = (
        replaced_on + timedelta(days=programme.claim_within_days)
        if programme.claim_within_days
        else None
    )
    return LabourEligibility(eligible=True, claim_deadline=deadline)


# -------------------------------------------------------------- reactivation

REACTIVATION_DAYS = 10


def business_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """Working days (Monday to Friday, not holidays) after `start` up to and
    including `end`; 0 when `end` is not after `start`."""
    if end <= start:
        return 0
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            days += 1
    return days


def reactivation_advice(paid_on: date, today: date, holidays: frozenset[date] = frozenset()):
    """After a non-payment suspension: within 10 business days of the payment
    the customer is told to wait; after that the case goes to account servicing."""
    elapsed = business_days_between(paid_on, today, holidays)
    if elapsed < REACTIVATION_DAYS:
        return "wait", elapsed
    return "transfer", elapsed


# ------------------------------------------------------------------ owners


def case_owner(
    type_owner: int | None, team_lead: int | None, portal_users: Iterable[int] = ()
) -> int | None:
    """Who owns a new case the customer raised (portal, email, phone): the
    owner its case type names, else the leader of the team it routes to.
    A customer (a portal user) never owns a case, whoever created it."""
    blocked = set(portal_users)
    for candidate in (type_owner, team_lead):
        if candidate and candidate not in blocked:
            return candidate
    return None


# ------------------------------------------------------------------ call backs
WORKDAY = (8, 18)  # local hours a call back may be made in


def call_back_by(
    reported_at: datetime,
    hours: float,
    workday: tuple[int, int] = WORKDAY,
    holidays: frozenset[date] = frozenset(),
) -> datetime:
    """When a customer who reported a problem at `reported_at` (an aware
    time in their zone) is called back at the latest: `hours` of working
    time later, counting only Monday to Friday between `workday` hours and
    no holiday. Raises ValueError for a negative promise or an empty day."""
    start_h, end_h = workday
    if hours < 0:
        raise ValueError(f"a call back cannot be promised {hours} hours before the report")
    if not 0 <= start_h < end_h <= 24:
        raise ValueError(f"the working day {start_h}-{end_h} h has no hours")
    if reported_at.tzinfo is None:
        raise ValueError("call_back_by needs an aware time in the customer's zone")
    left = timedelta(hours=hours)
    at = reported_at
    while True:
        day_start = at.replace(hour=start_h, minute=0, second=0, microsecond=0)
        day_end = at.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(hours=end_h)
        working = at.weekday() < 5 and at.date() not in holidays
        if working and at < day_end:
            at = max(at, day_start)
            if at + left <= day_end:
                return at + left
            left -= day_end - at
        # the next day's start, on the local calendar
        at = (at + timedelta(days=1)).replace(hour=start_h, minute=0, second=0, microsecond=0)
