import pytest

from solar_om_engine.service import (
    ServiceState,
    Settled,
    StepFate,
    closing_stage,
    decide,
    first_time_fix,
    return_visits,
    service_phase,
    settle_on_recovery,
)


@pytest.mark.parametrize(
    ("state", "phase"),
    [
        (ServiceState(), "requesting"),
        (ServiceState(path="internal"), "investigating"),
        (ServiceState(path="manufacturer"), "investigating"),
        (ServiceState(path="visit_audit", open_visits=1), "servicing"),
        (ServiceState(path="visit_audit", done_visits=1), "reviewing"),
        (ServiceState(path="internal", outcome="visit_required", open_visits=1), "servicing"),
        (ServiceState(path="internal", outcome="visit_required", done_visits=1), "reviewing"),
        (ServiceState(path="visit_audit", outcome="return_visit", done_visits=1), "reviewing"),
        (
            ServiceState(path="visit_audit", outcome="return_visit", open_visits=1, done_visits=1),
            "servicing",
        ),
        (ServiceState(path="visit_audit", outcome="resolved", done_visits=1), "completed"),
        (ServiceState(path="internal", outcome="unable"), "completed"),
        (ServiceState(path="not_required"), "completed"),
        # a monitoring ticket dispatched before anyone chose a path
        (ServiceState(open_visits=1), "servicing"),
        (ServiceState(closed=True), "completed"),
    ],
)
def test_phase_follows_path_outcomes_and_visits(state, phase):
    assert service_phase(state) == phase


@pytest.mark.parametrize(
    ("state", "step", "choice", "effect"),
    [
        (ServiceState(), "path", "visit_replacement", "visit"),
        (ServiceState(), "path", "not_required", "close"),
        (ServiceState(), "path", "manufacturer", "none"),
        (ServiceState(path="internal"), "investigation", "visit_required", "visit"),
        (ServiceState(path="internal"), "investigation", "resolved", "close"),
        (ServiceState(path="manufacturer"), "investigation", "unable", "close"),
        (ServiceState(path="visit_audit", done_visits=1), "review", "return_visit", "visit"),
        (ServiceState(path="visit_audit", done_visits=1), "review", "resolved", "close"),
    ],
)
def test_each_decision_sets_off_its_effect(state, step, choice, effect):
    assert decide(state, step, choice) == effect


def test_a_review_before_the_visit_is_done_is_refused():
    with pytest.raises(ValueError, match="the case is servicing: the review step"):
        decide(ServiceState(path="visit_audit", open_visits=1), "review", "resolved")


def test_an_outcome_from_another_step_is_refused_by_name():
    with pytest.raises(ValueError, match="'return_visit' is not a choice at the investigation"):
        decide(ServiceState(path="internal"), "investigation", "return_visit")


def test_an_unknown_step_is_named():
    with pytest.raises(ValueError, match="unknown step 'triage'"):
        decide(ServiceState(), "triage", "resolved")


def test_a_repair_waits_for_the_monitoring_but_giving_up_closes():
    assert closing_stage("resolved", monitoring_still_faulty=True) == "verifying"
    assert closing_stage("resolved", monitoring_still_faulty=False) == "closed"
    assert closing_stage("unable", monitoring_still_faulty=True) == "closed"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (ServiceState(path="visit_audit", outcome="resolved", done_visits=1), True),
        (ServiceState(path="visit_audit", outcome="resolved", done_visits=2), False),
        (ServiceState(path="visit_audit", outcome="unable", done_visits=1), False),
        (ServiceState(path="internal", outcome="resolved"), None),  # no visit
        (ServiceState(path="visit_audit", done_visits=1), None),  # not completed
    ],
)
def test_first_time_fix_counts_completed_visits_only(state, expected):
    assert first_time_fix(state) is expected


def test_return_visits_are_the_visits_after_the_first():
    assert return_visits(ServiceState(done_visits=1)) == 0
    assert return_visits(ServiceState(done_visits=2, open_visits=1)) == 2
    assert return_visits(ServiceState()) == 0


# ------------------------------------------------- the monitoring closes a case


def test_recovery_after_an_audit_proves_the_review_and_cancels_the_pre_visit_calls():
    settled = settle_on_recovery(
        "visit_audit",
        None,
        ["review_artefacts", "outcome"],
        done_visits=1,
        follow_ups=["before_visit", "before_visit", "after_visit"],
    )
    assert settled.close
    assert settled.outcome == "resolved"
    assert settled.reason == Settled.AFTER_VISIT
    assert settled.steps == {"review_artefacts": StepFate.DONE, "outcome": StepFate.DONE}
    # the welcome call and the day-of-visit text go; the satisfaction call stays
    assert settled.cancel_follow_ups == {"before_visit"}
    # the case is completed, fixed at its one visit
    state = ServiceState(path="visit_audit", outcome=settled.outcome, done_visits=1, closed=True)
    assert service_phase(state) == "completed"
    assert first_time_fix(state) is True


def test_recovery_before_any_visit_cancels_the_visit_steps_and_counts_no_fix():
    settled = settle_on_recovery(
        "visit_audit",
        None,
        ["schedule", "audit_checklist", "review_artefacts", "outcome"],
        done_visits=0,
        follow_ups=["before_visit"],
    )
    assert settled.close
    assert settled.reason == Settled.WITHOUT_VISIT
    assert settled.steps_in(StepFate.CANCELLED) == (
        "schedule",
        "audit_checklist",
        "review_artefacts",
    )
    assert settled.steps_in(StepFate.DONE) == ("outcome",)
    state = ServiceState(path="visit_audit", outcome=settled.outcome, closed=True)
    assert first_time_fix(state) is None


def test_a_replacement_waits_for_its_serials_and_documents():
    settled = settle_on_recovery(
        "visit_replacement",
        None,
        ["review_artefacts", "serial_update", "regulatory_documents", "outcome"],
        done_visits=1,
        follow_ups=["before_visit", "after_visit"],
    )
    assert not settled.close
    assert settled.outcome is None
    assert settled.steps_in(StepFate.WAITING) == ("serial_update", "regulatory_documents")
    # nothing else is touched while the case stays open
    assert settled.steps_in(StepFate.DONE) == ()
    assert settled.cancel_follow_ups == frozenset()


def test_without_a_path_there_is_no_outcome_to_record():
    settled = settle_on_recovery(None, None, [], done_visits=0, follow_ups=["after_visit"])
    assert settled.close and settled.outcome is None and not settled.steps
    assert settled.cancel_follow_ups == frozenset()


def test_a_final_outcome_already_recorded_is_kept():
    assert settle_on_recovery("internal", "unable", [], done_visits=0).outcome is None
    assert settle_on_recovery("internal", "visit_required", [], done_visits=1).outcome == (
        "resolved"
    )


def test_a_step_foreign_to_the_path_or_an_unknown_phase_is_named():
    with pytest.raises(ValueError, match="'serial_update' is not a step of the visit_audit path"):
        settle_on_recovery("visit_audit", None, ["serial_update"], done_visits=1)
    with pytest.raises(ValueError, match="unknown follow-up phase 'someday'"):
        settle_on_recovery("visit_audit", None, [], done_visits=1, follow_ups=["someday"])
