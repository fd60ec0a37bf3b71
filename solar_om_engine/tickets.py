"""What a monitoring ticket gets, and what happens to it: pure decisions.

The addon opens, dispatches and closes helpdesk tickets; these rules say
how urgent a ticket is, when a ticket waits too long for a work order, and
whether a recovered site's ticket closes or only gets a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum, IntEnum

from .kinds import FaultKind


class Priority(IntEnum):
    """helpdesk_mgmt's priority ladder (stored as "0".."3")."""

    LOW = 0
    MEDIUM = 1
    HIGH = 2
    VERY_HIGH = 3


# nothing is produced, or nothing is known: somebody looks today
URGENT_KINDS = frozenset(
    k.value
    for k in (
        FaultKind.COMMS_LOSS,
        FaultKind.INVERTER_FAULT,
        FaultKind.VENDOR_OUTAGE,
        FaultKind.ACCOUNT_BLIND,
    )
)

# a silent site's last reading is old news: it records no production, since
# comms loss is not production lost
SILENT_KINDS = frozenset(k.value for k in (FaultKind.COMMS_LOSS, FaultKind.VENDOR_OUTAGE))


def priority(kind: str) -> Priority:
    """A ticket's priority from the kind of fault that opened it."""
    return Priority.HIGH if kind in URGENT_KINDS else Priority.MEDIUM


@dataclass(frozen=True)
class LossThresholds:
    """Lost energy (kWh) or value (company currency) from which a ticket is
    High, then Very High; 0 switches that threshold off. Settings."""

    high_kwh: float = 50.0
    very_high_kwh: float = 200.0
    high_value: float = 10.0
    very_high_value: float = 40.0


def priority_for_loss(
    kind: str, lost_kwh: float, lost_value: float, thresholds: LossThresholds
) -> Priority:
    """A ticket's priority as its fault costs the customer more: the kind's
    priority, raised to High or Very High once the energy lost so far or its
    value reaches the threshold (whichever is reached first). A site without
    an energy rate is ranked by energy alone."""
    t = thresholds

    def reached(amount: float, threshold: float) -> bool:
        return threshold > 0 and amount >= threshold

    by_loss = Priority.LOW
    if reached(lost_kwh, t.very_high_kwh) or reached(lost_value, t.very_high_value):
        by_loss = Priority.VERY_HIGH
    elif reached(lost_kwh, t.high_kwh) or reached(lost_value, t.high_value):
        by_loss = Priority.HIGH
    return max(priority(kind), by_loss)


def raised_priority(
    current: Priority | int,
    kind: str,
    lost_kwh: float,
    lost_value: float,
    thresholds: LossThresholds,
) -> Priority | None:
    """The priority a ticket moves to as its loss grows, or None to leave it:
    the loss only raises a ticket, never lowers what a person set."""
    wanted = priority_for_loss(kind, lost_kwh, lost_value, thresholds)
    return wanted if wanted > int(current) else None


def records_production(verdict_kind: str | None) -> bool:
    """Whether a reading judged `verdict_kind` counts as the day's production."""
    return verdict_kind not in SILENT_KINDS


def dispatch_due(opened_at: datetime, now: datetime, grace_hours: float) -> bool:
    """Whether a ticket of a type set to dispatch by itself, still without a
    work order, has waited its grace period (0 or less: never dispatched)."""
    return grace_hours > 0 and now - opened_at >= timedelta(hours=grace_hours)


class Recovery(str, Enum):
    """What a ticket gets when all its faults went away."""

    CLOSE = "close"
    NOTE_IN_HAND = "in_hand"  # a person took it: they decide
    NOTE_ORDERS_OPEN = "orders_open"  # the crew is not done


def on_recovery(*, signed_off: bool, taken_in_hand: bool, orders_open: bool) -> Recovery:
    """`signed_off`: the work is done and the ticket waits for the
    monitoring's proof (Verifying), so closing is the monitoring's call even
    if a person holds it. `taken_in_hand`: a person (not the system) is
    assigned. `orders_open`: work orders not yet closed."""
    if taken_in_hand and not signed_off:
        return Recovery.NOTE_IN_HAND
    if orders_open:
        return Recovery.NOTE_ORDERS_OPEN
    return Recovery.CLOSE
