"""What a monitoring ticket gets, and what happens to it: pure decisions.

The addon opens, dispatches and closes helpdesk tickets; these rules say
how urgent a ticket is, when a ticket waits too long for a work order, and
whether a recovered site's ticket closes or only gets a note.
"""

from __future__ import annotations

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
