"""What a check's verdicts mean for the faults already open: pure decisions.

The addon hands in the open faults and the new verdicts, and applies the
returned actions (open, touch, count a recovery check, close). Keeping the
rules here means the cron, the tests and the simulator agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .classify import FleetVerdict, Verdict
from .kinds import NO_EVIDENCE

__all__ = ["NO_EVIDENCE", "FaultActions", "OpenFault", "decide"]


@dataclass(frozen=True)
class OpenFault:
    id: int
    site: str | None  # None for an account-level incident (vendor outage)
    kind: str
    ok_streak: int = 0
    account: str = ""
    # the fault's ticket, if that ticket is still open
    ticket: int | None = None


@dataclass
class FaultActions:
    to_open: list[Verdict] = field(default_factory=list)
    incidents_to_open: list[FleetVerdict] = field(default_factory=list)
    still_present: list[int] = field(default_factory=list)  # fault ids seen again
    recovering: dict[int, int] = field(default_factory=dict)  # fault id -> ok streak
    to_close: list[int] = field(default_factory=list)
    suppressed: list[Verdict] = field(default_factory=list)
    # one open ticket per site problem: a new fault on a site whose ticket is
    # open joins it (site -> ticket id) ...
    attach: dict[str, int] = field(default_factory=dict)
    # ... and the ticket's case type moves to the new kind when it is more
    # severe than every open fault on it (ticket id -> kind)
    escalate: dict[int, str] = field(default_factory=dict)


# most severe first: no output at all, then part of it lost, then output
# unknown, then the numbers themselves wrong
SEVERITY = (
    "inverter_fault",
    "string_mlpe_fault",
    "underperformance",
    "comms_loss",
    "meter_fault",
    "configuration_issue",
)


def severity(kind: str) -> int:
    """Rank of a fault kind, 0 the most severe (unknown kinds last)."""
    return SEVERITY.index(kind) if kind in SEVERITY else len(SEVERITY)


# faults judged on energy so far today: an "ok, too early to compare" in the
# morning says nothing about them, or they would close at dawn and reopen at noon
RATIO_FAULTS = frozenset({"underperformance", "string_mlpe_fault", "meter_fault"})


def _clears(fault_kind: str, verdict: Verdict) -> bool:
    """Whether this verdict is a normal report as far as the fault is concerned.

    Only `ok` clears a production fault, and for the energy-ratio faults
    only an `ok` that compared energy and made enough for a recovery (a
    day judge's `not_recovered` day is still short of it). A comms loss is
    over as soon as the site is heard from again, whatever else it says."""
    if verdict.kind == "ok":
        if fault_kind not in RATIO_FAULTS:
            return True
        return "ratio" in verdict.evidence and not verdict.evidence.get("not_recovered")
    return fault_kind == "comms_loss" and verdict.kind not in NO_EVIDENCE | {"comms_loss"}


def _join_open_ticket(actions: FaultActions, verdict: Verdict, faults: list[OpenFault]):
    """A new fault kind on a site whose monitoring ticket is still open is
    the same site problem: it joins that ticket."""
    ticketed = [f for f in faults if f.ticket is not None]
    if not ticketed:
        return
    ticket = min(ticketed, key=lambda f: f.id).ticket
    actions.attach[verdict.site] = ticket
    on_ticket = [f.kind for f in ticketed if f.ticket == ticket]
    current = min((severity(k) for k in on_ticket), default=len(SEVERITY))
    if ticket in actions.escalate:
        current = min(current, severity(actions.escalate[ticket]))
    if severity(verdict.kind) < current:
        actions.escalate[ticket] = verdict.kind


def _recover(
    actions: FaultActions, verdict: Verdict, faults: list[OpenFault], recovery_checks: int
) -> None:
    """The site's other open faults after this verdict: one more normal
    report each (closed at `recovery_checks`), or, on a day still short of
    a recovery, still present."""
    for fault in faults:
        if fault.kind == verdict.kind:
            continue
        if _clears(fault.kind, verdict):
            streak = fault.ok_streak + 1
            if streak >= recovery_checks:
                actions.to_close.append(fault.id)
            else:
                actions.recovering[fault.id] = streak
        elif fault.kind in RATIO_FAULTS and verdict.evidence.get("not_recovered"):
            actions.still_present.append(fault.id)


def decide(
    verdicts: list[Verdict],
    fleet_verdicts: list[FleetVerdict],
    open_faults: list[OpenFault],
    recovery_checks: int = 2,
    suppressed_sites: frozenset[str] = frozenset(),
    judged_accounts: frozenset[str] = frozenset(),
) -> FaultActions:
    """`recovery_checks`: consecutive normal daylight checks before closing.
    `suppressed_sites`: sites where an outage is expected (panel move, fire):
    no new production fault. `judged_accounts`: accounts whose sites were
    judged in daylight this check, so a missing outage verdict means the
    vendor's cloud is back."""
    actions = FaultActions()
    by_site: dict[str | None, list[OpenFault]] = {}
    for fault in open_faults:
        by_site.setdefault(fault.site, []).append(fault)

    for verdict in verdicts:
        faults = by_site.get(verdict.site, [])
        if verdict.kind in NO_EVIDENCE:
            continue
        if verdict.is_fault:
            same = [f for f in faults if f.kind == verdict.kind]
            if same:
                actions.still_present.extend(f.id for f in same)
            elif verdict.site in suppressed_sites:
                actions.suppressed.append(verdict)
            else:
                actions.to_open.append(verdict)
                _join_open_ticket(actions, verdict, faults)
        _recover(actions, verdict, faults, recovery_checks)

    outage_accounts = {fv.account for fv in fleet_verdicts if fv.kind == "vendor_outage"}
    incidents = {f.account: f for f in by_site.get(None, []) if f.kind == "vendor_outage"}
    for fv in fleet_verdicts:
        if fv.kind != "vendor_outage":
            continue
        if fv.account in incidents:
            actions.still_present.append(incidents[fv.account].id)
        else:
            actions.incidents_to_open.append(fv)
    for account, incident in incidents.items():
        if account in judged_accounts and account not in outage_accounts:
            streak = incident.ok_streak + 1
            if streak >= recovery_checks:
                actions.to_close.append(incident.id)
            else:
                actions.recovering[incident.id] = streak
    return actions
