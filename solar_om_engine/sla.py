"""SLA clocks of a monitoring ticket: how long each step of the fault's
life took, and whether it kept the contract's target. Pure arithmetic.

The four clocks run one after the other, so they add up to the whole
outage as the customer lived it:

- detect:   the fault began -> the ticket opened
- dispatch: the ticket opened -> a work order was assigned or scheduled
- fix:      dispatched -> the last work order was done
- verify:   done -> the ticket closed (the monitoring saw the site healthy)

Rules:

- A silent site (comms loss, vendor outage) has no known fault start: the
  last report is when the silence began, not when a fault did, and the
  liveness window is waited on purpose before it is called comms loss.
  Its detect clock is not measured (and never breached).
- A ticket that closed before anything was dispatched (the site recovered
  by itself) measures no dispatch, fix or verify time.
- A clock whose start is known but not its stop is running: its time so
  far counts against the target (overdue once over it).
- Times are wall-clock hours: a dead inverter loses energy at weekends too.
  A stop before its start (a fault that joined an older ticket) counts 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .tickets import SILENT_KINDS


class Clock(str, Enum):
    DETECT = "detect"
    DISPATCH = "dispatch"
    FIX = "fix"
    VERIFY = "verify"


class ClockState(str, Enum):
    PENDING = "pending"  # not started: an earlier step is not done
    RUNNING = "running"  # started, within its target (or none set)
    OVERDUE = "overdue"  # started, not stopped, already past its target
    MET = "met"  # stopped within its target (or none set)
    BREACHED = "breached"  # stopped past its target
    NOT_MEASURED = "not_measured"  # does not apply to this ticket

    @property
    def stopped(self) -> bool:
        return self in (ClockState.MET, ClockState.BREACHED)

    @property
    def late(self) -> bool:
        return self in (ClockState.OVERDUE, ClockState.BREACHED)


CLOCKS = tuple(Clock)


@dataclass(frozen=True)
class Milestones:
    """A ticket's moments (naive UTC or all aware; None when not reached)."""

    opened: datetime
    fault_kind: str | None = None  # the kind of the fault that opened it
    fault_start: datetime | None = None
    dispatched: datetime | None = None
    fixed: datetime | None = None
    closed: datetime | None = None


@dataclass(frozen=True)
class ClockReading:
    clock: Clock
    state: ClockState
    started: datetime | None = None
    stopped: datetime | None = None
    hours: float | None = None  # taken (stopped) or so far (running)
    target_hours: float | None = None


def hours_between(start: datetime, stop: datetime) -> float:
    return max((stop - start).total_seconds(), 0.0) / 3600


def _span(milestones: Milestones, clock: Clock):
    """(measured, start, stop) of one clock."""
    m = milestones
    if clock is Clock.DETECT:
        silent = m.fault_kind in SILENT_KINDS
        return (not silent and m.fault_start is not None), m.fault_start, m.opened
    nothing_sent = m.closed is not None and m.dispatched is None
    if clock is Clock.DISPATCH:
        return not nothing_sent, m.opened, m.dispatched
    if clock is Clock.FIX:
        return not nothing_sent, m.dispatched, m.fixed
    return not nothing_sent, m.fixed, m.closed


def read_clock(
    milestones: Milestones, clock: Clock, target_hours: float | None, now: datetime
) -> ClockReading:
    """One clock of a ticket at `now` against its target (None: no target)."""
    measured, start, stop = _span(milestones, clock)
    if target_hours is not None and target_hours <= 0:
        target_hours = None
    if not measured:
        return ClockReading(clock, ClockState.NOT_MEASURED, target_hours=target_hours)
    if start is None:
        return ClockReading(clock, ClockState.PENDING, target_hours=target_hours)
    hours = hours_between(start, stop or now)
    late = target_hours is not None and hours > target_hours
    if stop is None:
        state = ClockState.OVERDUE if late else ClockState.RUNNING
    else:
        state = ClockState.BREACHED if late else ClockState.MET
    return ClockReading(clock, state, start, stop, hours, target_hours)


def read_clocks(
    milestones: Milestones, targets: Mapping[Clock | str, float], now: datetime
) -> tuple[ClockReading, ...]:
    """The four clocks of a ticket, in order. `targets`: hours by clock (a
    clock missing or at 0 has no target)."""
    by_clock = {Clock(k): v for k, v in targets.items()}
    return tuple(read_clock(milestones, c, by_clock.get(c), now) for c in CLOCKS)


def target_hours(days: float, hours: float) -> float:
    """An SLA target given as days and hours, in wall-clock hours."""
    return days * 24 + hours
