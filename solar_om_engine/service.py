"""The service flow of a case, from request to completion.

Requesting -> Investigating -> Servicing -> Reviewing -> Completed. The phase
is never set by hand: it follows from the resolution path chosen, the
outcomes recorded and the site visits (work orders) as they complete, so the
ticket always shows where the case really is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from . import jobs

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


# ------------------------------------------------- the monitoring closes a case
# The customer follow-ups planned around a visit, by when they are useful:
# the welcome call and the day-of-visit text before it, the satisfaction call after.
FOLLOW_UP_PHASES = ("before_visit", "after_visit")


class StepFate(StrEnum):
    """What becomes of a job step still open when the monitoring closes the case."""

    DONE = "done"  # what it stood for is proven: the site reports normally again
    CANCELLED = "cancelled"  # it no longer applies
    WAITING = "waiting"  # still needed: the case stays open for it


class Settled(StrEnum):
    """Why, in one word: the line each settled step and follow-up carries."""

    AFTER_VISIT = "after_visit"  # the site recovered after the crew's visit
    WITHOUT_VISIT = "without_visit"  # the site recovered before any visit was needed


@dataclass(frozen=True)
class Settlement:
    """The one state a case is left in when the monitoring sees its site
    recover: whether it closes, the outcome it records (None: leave it), each
    open job step's fate, and the follow-up phases whose planned activities
    are cancelled (the others stay)."""

    close: bool
    outcome: str | None
    reason: Settled
    steps: dict[str, StepFate] = field(default_factory=dict)
    cancel_follow_ups: frozenset[str] = frozenset()

    def steps_in(self, fate: StepFate) -> tuple[str, ...]:
        return tuple(code for code, f in self.steps.items() if f == fate)


def settle_on_recovery(
    path: str | None,
    outcome: str | None,
    open_steps: Iterable[str],
    done_visits: int,
    follow_ups: Iterable[str] = (),
) -> Settlement:
    """What a case becomes when the monitoring closes it because its site
    reports normally again (the ticket's work orders are all done or
    cancelled by then), so that no closed case keeps a pending step:

    - the outcome follows the visits actually done: a chosen path ends
      *resolved* (the site works), unless a final outcome was recorded;
      without a path there is no outcome to record (first-time fix follows
      the done visits through `first_time_fix`);
    - after a visit, the back office's review of the artefacts is proven by
      the recovery (done); the record a replacement leaves (serial numbers,
      regulatory documents) is still needed, and the case stays open for it;
    - steps of a visit that never happened, or that the visit did not
      record, no longer apply (cancelled); the outcome step is done by the
      outcome recorded now;
    - the follow-ups planned for before the visit are cancelled (the visit is
      over, or none is needed); those for after it (the satisfaction call) stay.

    Raises ValueError naming an open step that is not part of the path, or
    an unknown follow-up phase.
    """
    visited = done_visits > 0
    codes = {step.code: step for step in jobs.steps_for(path)}
    fates: dict[str, StepFate] = {}
    for code in open_steps:
        step = codes.get(code)
        if step is None:
            raise ValueError(f"{code!r} is not a step of the {path or 'chosen'} path")
        if step is jobs.OUTCOME:
            fates[code] = StepFate.DONE
        elif step is jobs.REVIEW:
            fates[code] = StepFate.DONE if visited else StepFate.CANCELLED
        elif step.role is jobs.Role.BACK_OFFICE and visited:
            fates[code] = StepFate.WAITING
        else:
            fates[code] = StepFate.CANCELLED
    phases = frozenset(follow_ups)
    unknown = phases - set(FOLLOW_UP_PHASES)
    if unknown:
        raise ValueError(
            f"unknown follow-up phase {sorted(unknown)[0]!r}: "
            f"expected one of {', '.join(FOLLOW_UP_PHASES)}"
        )
    close = StepFate.WAITING not in fates.values()
    recorded = "resolved" if path and outcome not in FINAL_OUTCOMES else None
    return Settlement(
        close=close,
        outcome=recorded if close else None,
        reason=Settled.AFTER_VISIT if visited else Settled.WITHOUT_VISIT,
        steps=fates if close else {c: f for c, f in fates.items() if f == StepFate.WAITING},
        cancel_follow_ups=phases & {"before_visit"} if close else frozenset(),
    )
