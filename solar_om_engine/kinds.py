"""The closed sets the engine and the addons share: fault kinds and health states.

The addons build their selections from these, and a test fails when they
drift. Members are `str` subclasses, so ``FaultKind.COMMS_LOSS == "comms_loss"``;
but an Enum hashes by its *name*: look plain strings up in sets of
``.value``s (as below), not in sets of members.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


class FaultKind(str, Enum):
    """A problem a check can see: each opens one fault (and one ticket)."""

    COMMS_LOSS = "comms_loss"
    INVERTER_FAULT = "inverter_fault"
    STRING_MLPE_FAULT = "string_mlpe_fault"
    UNDERPERFORMANCE = "underperformance"
    METER_FAULT = "meter_fault"
    CONFIGURATION_ISSUE = "configuration_issue"
    # account-level: the vendor's cloud, not the sites
    VENDOR_OUTAGE = "vendor_outage"
    # account-level: nothing of the account can be read (a blind account)
    ACCOUNT_BLIND = "account_blind"

    @property
    def label(self) -> str:
        return FAULT_KIND_LABELS[self.value]


class HealthState(str, Enum):
    """What a check says of a site when it is not a fault."""

    UNKNOWN = "unknown"  # not checked yet, or could not be read
    NIGHT = "night"
    OK = "ok"
    INDETERMINATE = "indeterminate"
    # heard from in time by a liveness pass: not silent, production not judged
    REPORTING = "reporting"
    # its account is blind (quota spent, credentials refused, API retired, unreachable)
    NOT_WATCHED = "not_watched"

    @property
    def label(self) -> str:
        return HEALTH_STATE_LABELS[self.value]


class Abstention(str, Enum):
    """Why a verdict is `indeterminate`: the weak evidence the engine would
    not guess on (`evidence["abstained"]`; the reason says it in words)."""

    NEVER_REPORTED = "never_reported"
    VENDOR_STATUS = "vendor_status"
    # a cellular gateway between uploads whose last one showed no production,
    # or silent since sunrise but not for long; a day with too little reported
    REPORT_OLD = "report_old"
    # ~0 W while too little power is due to call it Zero Production
    TOO_DARK = "too_dark"
    # the sun too low all day
    SUN_LOW = "sun_low"
    NO_NEIGHBOURS = "no_neighbours"
    # the neighbours saw a storm-dark sky (or snow on the roofs)
    STORM = "storm"


FAULT_KIND_LABELS = {
    "comms_loss": "Comms Loss",
    "inverter_fault": "Inverter Fault (Zero Production)",
    "string_mlpe_fault": "String/MLPE Fault",
    "underperformance": "Underperformance",
    "meter_fault": "Meter Fault",
    "configuration_issue": "Configuration Issue",
    "vendor_outage": "Vendor Cloud Outage",
    "account_blind": "Account Not Watched",
}
HEALTH_STATE_LABELS = {
    "unknown": "Not Checked",
    "night": "Night",
    "ok": "OK",
    "indeterminate": "Indeterminate",
    "reporting": "Reporting",
    "not_watched": "Not Watched",
}
FAULT_KIND_VALUES = frozenset(k.value for k in FaultKind)

# verdicts that say nothing about whether a fault went away, nor whether the
# vendor's cloud answers for the account: such a site is not "judged"
NO_EVIDENCE = frozenset({"night", "indeterminate", "vendor_outage"})


def is_judged(kind: str) -> bool:
    """Whether a verdict of this kind judged the site (it was lit, readable
    and not hidden behind a vendor outage)."""
    return kind not in NO_EVIDENCE


def fault_kind_choices() -> list[tuple[str, str]]:
    """(value, label) of every fault kind, in the enum's order."""
    return [(k.value, k.label) for k in FaultKind]


def health_state_choices() -> list[tuple[str, str]]:
    """(value, label) of every state a site's health can be in: the
    non-fault states, then the fault kinds."""
    return [(s.value, s.label) for s in HealthState] + fault_kind_choices()


# What is wrong right now comes first: faults, then silence, then the sites
# nobody can judge, then the healthy ones (lower is more urgent).
URGENCY = {
    "inverter_fault": 10,
    "string_mlpe_fault": 11,
    "meter_fault": 12,
    "underperformance": 13,
    "configuration_issue": 14,
    "vendor_outage": 15,
    "comms_loss": 20,
    "not_watched": 30,
    "indeterminate": 40,
    "unknown": 50,
    "reporting": 55,
    "ok": 60,
    "night": 70,
}
UNRANKED = URGENCY["unknown"]
# the states someone has to act on
PROBLEM_STATES = frozenset(
    state for state, rank in URGENCY.items() if rank < URGENCY["not_watched"]
)

# what a liveness pass ("this site still reports") may replace: a site heard
# from keeps what its last production judgment said (ok, or the fault still
# open); only an unknown, silent or unwatched site becomes "reporting"
REPORTING_REPLACES = frozenset(
    {"unknown", "night", "indeterminate", "comms_loss", "vendor_outage", "not_watched"}
)
# a liveness verdict of these kinds judged nothing of the account
LIVENESS_NO_EVIDENCE = frozenset({"night", "indeterminate"})


def is_judged_by_liveness(kind: str) -> bool:
    """Whether a liveness pass's verdict of this kind heard from the site
    (so the account's vendor answers)."""
    return kind not in LIVENESS_NO_EVIDENCE


def shown_state(state: str, open_kinds: Iterable[str]) -> str:
    """What a site shows (its card, list row, map marker): the last check's
    state, unless a fault still open on the site is more urgent. A fault
    stays on screen until it closes, whatever a later check could or could
    not judge (a Zero Production site that reads `ok` once, or `night`, or
    `indeterminate`, still shows Zero Production while its ticket is open)."""
    shown = state
    for kind in open_kinds:
        if URGENCY.get(kind, UNRANKED) < URGENCY.get(shown, UNRANKED):
            shown = kind
    return shown
