"""The service flow of a case, from request to completion.

Requesting -> Investigating -> Servicing -> Reviewing -> Completed. The phase
is never set by hand: it follows from the resolution path chosen, the
outcomes recorded and the site visits (work orders) as they complete, so the
ticket always shows where the case really is.
"""

from __future__ import annotations

from dataclasses import dataclass

PATHS = ("manufacturer", "internal", "visit_audit", "visit_replacement", "not_required")
VISIT_PATHS = frozenset({"visit_audit", "visit_replacement"})

# What may be decided at each step of the flow.
STEP_CHOICES = {
    "path": PATHS,
    # manufacturer and internal paths end with an outcome
    "investigation": ("resolved", "visit_required", "unable"),
    # after a visit, a review
    "review": ("resolved", "return_visit", "unable"),
}
STEP_OF_PHASE = {"requesting": "path", "investigating": "investigation", "reviewing": "review"}
FINAL_OUTCOMES = frozenset({"resolved", "unable"})


@dataclass(frozen=True)
class ServiceState:
    """What the ticket knows: the path and last outcome recorded, its visits
    (work orders that were not cancelled) and whether its stage is closed."""

    path: str | None = None
    outcome: str | None = None
    open_visits: int = 0
    done_visits: int = 0
    closed: bool = False


def service_phase(state: ServiceState) -> str:
    if state.closed or state.path == "not_required" or state.outcome in FINAL_OUTCOMES:
        return "completed"
    if state.open_visits:
        return "servicing"
    if not state.path:
        return "requesting"
    if state.done_visits:
        return "reviewing"
    return "investigating"


def decide(state: ServiceState, step: str, choice: str) -> str:
    """Check a decision against where the case is, and say what it sets off:
    ``"visit"`` (a work order to the site), ``"close"`` or ``"none"``.

    Raises ValueError naming what was wrong when the decision does not fit.
    """
    if step not in STEP_CHOICES:
        raise ValueError(f"unknown step {step!r}: expected one of {sorted(STEP_CHOICES)}")
    if choice not in STEP_CHOICES[step]:
        raise ValueError(
            f"{choice!r} is not a choice at the {step} step: "
            f"expected one of {', '.join(STEP_CHOICES[step])}"
        )
    phase = service_phase(state)
    if STEP_OF_PHASE.get(phase) != step:
        raise ValueError(f"the case is {phase}: the {step} step does not apply now")
    if choice in VISIT_PATHS or choice in ("visit_required", "return_visit"):
        return "visit"
    if choice == "not_required" or choice in FINAL_OUTCOMES:
        return "close"
    return "none"


def closing_stage(outcome: str | None, monitoring_still_faulty: bool) -> str:
    """Where a finished case goes: a repair the monitoring has not yet seen
    work waits in *verifying*; anything else is closed."""
    if outcome == "resolved" and monitoring_still_faulty:
        return "verifying"
    return "closed"


def first_time_fix(state: ServiceState) -> bool | None:
    """Fixed at the first visit? ``None`` when it does not apply: the case is
    not completed, or was completed without any visit."""
    if service_phase(state) != "completed" or not state.done_visits:
        return None
    return state.outcome == "resolved" and state.done_visits == 1


def return_visits(state: ServiceState) -> int:
    return max(state.open_visits + state.done_visits - 1, 0)
