from datetime import datetime, timedelta

import pytest

from solar_om_engine import tickets
from solar_om_engine.kinds import FaultKind
from solar_om_engine.tickets import Priority, Recovery, dispatch_due, on_recovery

T0 = datetime(2026, 6, 21, 8, 0)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("comms_loss", Priority.HIGH),
        ("inverter_fault", Priority.HIGH),
        ("vendor_outage", Priority.HIGH),
        ("account_blind", Priority.HIGH),
        ("string_mlpe_fault", Priority.MEDIUM),
        ("underperformance", Priority.MEDIUM),
        ("meter_fault", Priority.MEDIUM),
        ("configuration_issue", Priority.MEDIUM),
    ],
)
def test_nothing_produced_or_nothing_known_is_high_priority(kind, expected):
    assert tickets.priority(kind) == expected
    assert tickets.priority(FaultKind(kind)) == expected


def test_every_fault_kind_has_a_priority_on_helpdesks_ladder():
    for kind in FaultKind:
        assert tickets.priority(kind) in (Priority.MEDIUM, Priority.HIGH)
    assert [int(p) for p in Priority] == [0, 1, 2, 3]  # helpdesk_mgmt's "0".."3"


def test_a_silent_site_records_no_production():
    assert not tickets.records_production("comms_loss")
    assert not tickets.records_production("vendor_outage")
    for kind in ("ok", "underperformance", "inverter_fault", "night", None):
        assert tickets.records_production(kind), kind


def test_dispatch_waits_for_the_grace_period():
    assert not dispatch_due(T0, T0 + timedelta(hours=3, minutes=59), 4)
    assert dispatch_due(T0, T0 + timedelta(hours=4), 4)
    assert dispatch_due(T0, T0 + timedelta(minutes=30), 0.5)


def test_no_grace_period_means_never_dispatched():
    assert not dispatch_due(T0, T0 + timedelta(days=30), 0)
    assert not dispatch_due(T0, T0 + timedelta(days=30), -1)


@pytest.mark.parametrize(
    ("signed_off", "in_hand", "orders_open", "expected"),
    [
        (False, False, False, Recovery.CLOSE),
        (False, True, False, Recovery.NOTE_IN_HAND),
        (False, True, True, Recovery.NOTE_IN_HAND),
        (False, False, True, Recovery.NOTE_ORDERS_OPEN),
        # signed off and waiting in Verifying: closing is the monitoring's call
        (True, True, False, Recovery.CLOSE),
        (True, True, True, Recovery.NOTE_ORDERS_OPEN),
    ],
)
def test_a_recovered_ticket_closes_unless_a_person_or_the_crew_holds_it(
    signed_off, in_hand, orders_open, expected
):
    result = on_recovery(signed_off=signed_off, taken_in_hand=in_hand, orders_open=orders_open)
    assert result is expected


LOSS = tickets.LossThresholds(high_kwh=50, very_high_kwh=200, high_value=10, very_high_value=40)


@pytest.mark.parametrize(
    ("kind", "kwh", "value", "expected"),
    [
        ("underperformance", 0, 0, Priority.MEDIUM),
        ("underperformance", 49.9, 9.9, Priority.MEDIUM),
        ("underperformance", 50, 0, Priority.HIGH),  # no energy rate: energy alone
        ("underperformance", 20, 10, Priority.HIGH),  # a dear tariff: value first
        ("string_mlpe_fault", 200, 0, Priority.VERY_HIGH),
        ("string_mlpe_fault", 100, 40, Priority.VERY_HIGH),
        ("inverter_fault", 0, 0, Priority.HIGH),  # the kind's priority is the floor
        ("inverter_fault", 250, 60, Priority.VERY_HIGH),
    ],
)
def test_priority_follows_the_loss(kind, kwh, value, expected):
    assert tickets.priority_for_loss(kind, kwh, value, LOSS) == expected


def test_a_threshold_at_zero_is_off():
    off = tickets.LossThresholds(high_kwh=0, very_high_kwh=0, high_value=0, very_high_value=0)
    assert tickets.priority_for_loss("underperformance", 1e6, 1e6, off) == Priority.MEDIUM


def test_the_loss_raises_a_ticket_never_lowers_it():
    assert (
        tickets.raised_priority(Priority.MEDIUM, "underperformance", 60, 0, LOSS) == Priority.HIGH
    )
    assert tickets.raised_priority(Priority.HIGH, "underperformance", 60, 0, LOSS) is None
    # a person set Very High: a small loss leaves it so
    assert tickets.raised_priority(Priority.VERY_HIGH, "underperformance", 1, 0, LOSS) is None
    assert tickets.raised_priority(1, "underperformance", 300, 0, LOSS) == Priority.VERY_HIGH
