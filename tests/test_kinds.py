import pytest

from solar_om_engine import classify, faults, kinds
from solar_om_engine.clients.base import AuthError, VendorError
from solar_om_engine.errors import EngineError
from solar_om_engine.geo import GeoError
from solar_om_engine.kinds import FaultKind, HealthState
from solar_om_engine.planner import PlanError
from solar_om_engine.quota import QuotaExhausted
from solar_om_engine.readings import ReadingError

# a blind account is decided by the planner's rule, not by the classifier
BLINDNESS = {"account_blind", "not_watched"}


def test_fault_kinds_are_the_classifiers_fault_verdicts():
    assert kinds.FAULT_KIND_VALUES - BLINDNESS == classify.FAULT_KINDS
    assert {k.value for k in FaultKind} - BLINDNESS == classify.FAULT_KINDS


def test_every_verdict_kind_is_a_health_state_or_a_fault_kind():
    verdict_kinds = set(classify.CASE_TYPES)
    states = {s.value for s in HealthState}
    assert verdict_kinds == ((states - {"unknown"}) | kinds.FAULT_KIND_VALUES) - BLINDNESS


def test_fault_kinds_compare_as_their_strings():
    assert FaultKind.COMMS_LOSS == "comms_loss"
    assert FaultKind("meter_fault") is FaultKind.METER_FAULT
    assert FaultKind.METER_FAULT.label == "Meter Fault"


def test_choices_are_value_label_pairs_without_duplicates():
    health = kinds.health_state_choices()
    values = [value for value, _label in health]
    assert len(values) == len(set(values))
    assert values[:5] == ["unknown", "night", "ok", "indeterminate", "reporting"]
    assert [v for v, _ in kinds.fault_kind_choices()] == [k.value for k in FaultKind]
    assert all(label for _value, label in health)


def test_judged_has_one_definition():
    assert faults.NO_EVIDENCE is kinds.NO_EVIDENCE
    for kind in ("night", "indeterminate", "vendor_outage"):
        assert not kinds.is_judged(kind)
    for kind in ("ok", "comms_loss", "inverter_fault", "underperformance"):
        assert kinds.is_judged(kind)


@pytest.mark.parametrize(
    "error", [GeoError, ReadingError, QuotaExhausted, VendorError, AuthError, PlanError]
)
def test_every_engine_error_has_one_root(error):
    assert issubclass(error, EngineError)


def test_engine_errors_keep_their_historical_bases():
    assert issubclass(GeoError, ValueError)
    assert issubclass(ReadingError, ValueError)


def test_every_health_state_has_an_urgency_and_problems_come_first():
    states = {value for value, _label in kinds.health_state_choices()} - {"account_blind"}
    assert set(kinds.URGENCY) == states
    problems = [kinds.URGENCY[s] for s in kinds.PROBLEM_STATES]
    others = [kinds.URGENCY[s] for s in states - kinds.PROBLEM_STATES]
    assert max(problems) < min(others)
    assert "comms_loss" in kinds.PROBLEM_STATES and "not_watched" not in kinds.PROBLEM_STATES
    assert kinds.URGENCY["inverter_fault"] < kinds.URGENCY["comms_loss"] < kinds.URGENCY["ok"]


def test_a_liveness_pass_keeps_a_production_judgment():
    # "still reports" says nothing about production: a judged site keeps its judgment
    for judged in ("ok", "inverter_fault", "underperformance", "meter_fault"):
        assert judged not in kinds.REPORTING_REPLACES
    for silent in ("unknown", "comms_loss", "not_watched", "vendor_outage"):
        assert silent in kinds.REPORTING_REPLACES
    assert kinds.is_judged_by_liveness("reporting")
    assert kinds.is_judged_by_liveness("vendor_outage")
    assert not kinds.is_judged_by_liveness("night")
    assert not kinds.is_judged_by_liveness("indeterminate")
