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
