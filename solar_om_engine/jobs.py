"""The steps of a site-visit job, as the service documents list them.

An audit: the back office confirms it (with a note for the installer's
information sheet), the installer accepts and schedules it with the customer,
the crew completes the audit checklist, the back office reviews the artefacts
(and whether the asset register needs updating) and records the outcome.

A replacement: confirm, accept and schedule, the pre-start checklist and the
testing & commissioning on site, then the back office reviews the artefacts,
updates the serial numbers of the assets installed or replaced and uploads
the regulatory documents before the outcome.

Around them, two findings that send a case elsewhere: a roof leak is
inspected by the crew that installed the system, and a problem not caused by
the installer's work goes to sales for a proposal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class JobStepError(ValueError):
    """A step taken out of turn or foreign to the job. ``step`` is the
    earlier step still to do, when that is the reason."""

    def __init__(self, message: str, step: str | None = None):
        super().__init__(message)
        self.step = step


class Role(StrEnum):
    AGENT = "agent"
    CREW = "crew"
    BACK_OFFICE = "back_office"


@dataclass(frozen=True)
class JobStep:
    code: str
    role: Role
    # done by what happens elsewhere (a decision, the order, its checklist),
    # not by ticking the step itself
    automatic: bool = False
    # a checklist step: the group of the order's checklist items it stands for
    checklist: str | None = None


CONFIRM = JobStep("confirm", Role.AGENT, automatic=True)
SCHEDULE = JobStep("schedule", Role.CREW, automatic=True)
REVIEW = JobStep("review_artefacts", Role.BACK_OFFICE)
OUTCOME = JobStep("outcome", Role.BACK_OFFICE, automatic=True)

JOB_STEPS: dict[str, tuple[JobStep, ...]] = {
    "visit_audit": (
        CONFIRM,
        SCHEDULE,
        JobStep("audit_checklist", Role.CREW, automatic=True, checklist="audit"),
        REVIEW,
        OUTCOME,
    ),
    "visit_replacement": (
        CONFIRM,
        SCHEDULE,
        JobStep("prestart_checklist", Role.CREW, automatic=True, checklist="prestart"),
        JobStep("commissioning", Role.CREW, automatic=True, checklist="commissioning"),
        REVIEW,
        JobStep("serial_update", Role.BACK_OFFICE),
        JobStep("regulatory_documents", Role.BACK_OFFICE),
        OUTCOME,
    ),
}


def steps_for(path: str | None) -> tuple[JobStep, ...]:
    """The job's steps for a resolution path; none for a path without a visit."""
    return JOB_STEPS.get(path or "", ())


def next_step(path: str | None, done: Iterable[str]) -> JobStep | None:
    """The first step not done yet: where the job stands."""
    done = set(done)
    return next((step for step in steps_for(path) if step.code not in done), None)


def check_can_complete(path: str | None, code: str, done: Iterable[str]) -> JobStep:
    """A step may be completed once every step before it is done.

    Raises JobStepError naming the step that is not part of the job, or the
    earlier step still to do.
    """
    steps = steps_for(path)
    codes = [step.code for step in steps]
    if code not in codes:
        raise JobStepError(f"{code!r} is not a step of the {path or 'chosen'} path")
    done = set(done)
    for step in steps[: codes.index(code)]:
        if step.code not in done:
            raise JobStepError(f"{step.code!r} is still to do before {code!r}", step=step.code)
    return steps[codes.index(code)]


def review_blocker(path: str | None, done: Iterable[str], outcome: str = "resolved") -> str | None:
    """The first step left undone before this outcome may be recorded, if any.

    Resolving the case needs every step before the outcome; sending the crew
    back (or giving up) needs only the steps up to the review of the artefacts.
    """
    done = set(done)
    for step in steps_for(path):
        if step is OUTCOME:
            return None
        if step.code not in done:
            return step.code
        if outcome != "resolved" and step is REVIEW:
            return None
    return None


def checklists_done(items: Iterable[tuple[str | None, bool, str]]) -> frozenset[str]:
    """The checklist groups the crew finished, from the order's items as
    (group, required, state). A group is done when it has items and none of
    its required items is still to do; a cancelled optional item counts as
    handled, a required one never does."""
    seen: set[str] = set()
    open_: set[str] = set()
    for group, required, state in items:
        if not group:
            continue
        seen.add(group)
        if required and state != "done":
            open_.add(group)
    return frozenset(seen - open_)


# ----------------------------------------------------------------- sign-off
def item_evidence_missing(needs_photo: bool, photos: int) -> tuple[str, ...]:
    """What a checklist item needs before the crew ticks it: a photo on the
    order when the item asks for photos (its label says so, the flag makes
    it binding)."""
    return ("photo",) if needs_photo and photos < 1 else ()


SIGN_OFF = ("resolution",)


def sign_off_missing(resolution: str | None) -> tuple[str, ...]:
    """What a work order needs before it is completed: the resolution, in
    words (``resolution`` is its plain text: an editor's empty paragraph or
    a few spaces are no resolution)."""
    present = {"resolution": bool((resolution or "").strip())}
    return tuple(field for field in SIGN_OFF if not present[field])


# ------------------------------------------------------------------ findings
FINDINGS = ("ours", "not_ours")


def finding_effect(finding: str, roof_leak: bool) -> str:
    """What a finding sets off: ``"sales"`` (not caused by us: a proposal to
    the homeowner), ``"workmanship_repair"`` (a roof leak from our work: the
    crew repairs it under workmanship warranty, labour not billable) or
    ``"none"`` (ours, handled by the case's own path)."""
    if finding not in FINDINGS:
        raise ValueError(f"unknown finding {finding!r}: expected one of {', '.join(FINDINGS)}")
    if finding == "not_ours":
        return "sales"
    return "workmanship_repair" if roof_leak else "none"


ROOF_LEAK_INTAKE = ("media", "leak_started_on")


def roof_leak_intake_missing(has_media: bool, leak_started_on) -> tuple[str, ...]:
    """What a roof leak needs before its inspection is scheduled: photos or
    videos of the leak, and the date it started."""
    present = {"media": has_media, "leak_started_on": bool(leak_started_on)}
    return tuple(field for field in ROOF_LEAK_INTAKE if not present[field])


# ----------------------------------------------------------------- appraisal
@dataclass(frozen=True)
class AppraisalLine:
    name: str
    rate_per_kw: float
    amount: float


def replacement_value(system_kw: float, rates: Iterable[tuple[str, float]]):
    """The replacement value of a system for its insurer: each component's
    rate per kW times the system size. Returns (lines, total).

    Raises ValueError when the size is not positive or there is no rate.
    """
    if not system_kw or system_kw <= 0:
        raise ValueError("the system size (kWp) must be positive to appraise it")
    lines = [
        AppraisalLine(name, rate, round(rate * system_kw, 2))
        for name, rate in rates
        if rate is not None
    ]
    if not lines:
        raise ValueError("no replacement rate per kW is configured")
    return lines, round(sum(line.amount for line in lines), 2)
