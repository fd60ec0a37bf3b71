"""Back-office rules that are pure functions of dates."""

from __future__ import annotations

from datetime import date, timedelta

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
