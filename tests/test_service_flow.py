import pytest

from solar_om_engine.service import (
    ServiceState,
    closing_stage,
    decide,
    first_time_fix,
    return_visits,
    service_phase,
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
