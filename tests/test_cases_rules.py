from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from solar_om_engine import cases
from solar_om_engine.cases import (
    Concern,
    ConcernAction,
    ConcernRoute,
    LabourEligibility,
    LabourProgramme,
    add_months,
    business_days_between,
    end_of_lease_window,
    escalated_priority,
    escalation_owner,
    grounds_missing,
    labour_eligibility,
    leases_due,
    pick_programme,
    reactivation_advice,
    route_concern,
    suppression_until,
)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2026, 11, 20), date(2026, 11, 23), 1),  # Friday -> Monday
        (date(2026, 11, 21), date(2026, 11, 22), 0),  # Saturday -> Sunday
        (date(2026, 11, 9), date(2026, 11, 23), 10),  # two full weeks
        (date(2026, 11, 23), date(2026, 11, 23), 0),
        (date(2026, 11, 23), date(2026, 11, 20), 0),
    ],
)
def test_business_days_skip_weekends(start, end, days):
    assert business_days_between(start, end) == days


def test_holidays_do_not_count():
    assert (
        business_days_between(
            date(2026, 12, 23), date(2026, 12, 28), frozenset({date(2026, 12, 25)})
        )
        == 2
    )


def test_reactivation_waits_ten_business_days_then_transfers():
    assert reactivation_advice(date(2026, 11, 13), date(2026, 11, 23)) == ("wait", 6)
    assert reactivation_advice(date(2026, 11, 9), date(2026, 11, 23)) == ("transfer", 10)


# ------------------------------------------------------------------ concerns


@pytest.mark.parametrize("concern", list(Concern))
def test_before_the_handover_every_concern_goes_to_the_installer(concern):
    route = route_concern(concern, handover_approved=False, has_case_type=True)
    assert route.action is ConcernAction.REFER_TO_INSTALLER


def test_savings_go_to_savings_analysis_and_take_its_case_type():
    for handover in (True, None):  # past the handover, or no site linked yet
        route = route_concern("savings", handover_approved=handover, has_case_type=True)
        assert route == ConcernRoute(ConcernAction.ROUTE, "savings_analysis", True)


def test_a_repair_keeps_its_case_type_but_goes_to_the_service_team():
    kept = route_concern(Concern.SERVICE, handover_approved=True, has_case_type=True)
    assert kept == ConcernRoute(ConcernAction.ROUTE, "system_check", False)
    untyped = route_concern(Concern.SERVICE, handover_approved=True, has_case_type=False)
    assert untyped.replace_case_type


def test_platform_set_up_gets_the_instructions():
    route = route_concern("platform", handover_approved=True, has_case_type=False)
    assert route.action is ConcernAction.POST_INSTRUCTIONS


def test_an_unknown_concern_is_refused():
    with pytest.raises(ValueError, match="'bills'"):
        route_concern("bills", handover_approved=True, has_case_type=False)


# --------------------------------------------------------------- suppression

NOW = datetime(2026, 11, 23, 12, 0)


def test_suppression_opens_the_case_types_window():
    assert suppression_until(NOW, 30, None) == NOW + timedelta(days=30)


def test_suppression_extends_a_shorter_window_and_never_shortens_a_longer_one():
    assert suppression_until(NOW, 30, NOW + timedelta(days=3)) == NOW + timedelta(days=30)
    assert suppression_until(NOW, 14, NOW + timedelta(days=30)) is None
    assert suppression_until(NOW, 30, NOW + timedelta(days=30)) is None


def test_no_window_no_suppression():
    assert suppression_until(NOW, 0, None) is None


# ---------------------------------------------------------------- escalation


@pytest.mark.parametrize(
    ("before", "after"), [("0", "1"), ("1", "2"), ("2", "3"), ("3", "3"), (None, "1"), ("", "1")]
)
def test_escalation_raises_the_priority_one_step_up_to_the_highest(before, after):
    assert escalated_priority(before) == after


def test_a_complaint_type_needs_a_ground_to_close():
    assert grounds_missing(True, 0)
    assert not grounds_missing(True, 1)
    assert not grounds_missing(False, 0)


# -------------------------------------------------------------- End Of Lease

TODAY = date(2026, 11, 23)


def test_end_of_lease_opens_within_the_lead_time_once_per_lease_end():
    leases = [
        ("soon", TODAY + timedelta(days=60)),
        ("edge", TODAY + timedelta(days=90)),
        ("far", TODAY + timedelta(days=91)),
        ("past", TODAY - timedelta(days=1)),
        ("today", TODAY),
    ]
    assert leases_due(leases, [], TODAY) == ["soon", "edge", "today"]
    opened = [("soon", TODAY + timedelta(days=60))]
    assert leases_due(leases, opened, TODAY) == ["edge", "today"]
    # a renewed lease ending on another date gets its own case
    assert leases_due([("soon", TODAY + timedelta(days=80))], opened, TODAY) == ["soon"]


def test_end_of_lease_lead_time_is_a_setting():
    assert end_of_lease_window(TODAY, 30) == (TODAY, TODAY + timedelta(days=30))
    assert leases_due([("s", TODAY + timedelta(days=60))], [], TODAY, lead_days=30) == []
    with pytest.raises(ValueError, match="-1"):
        end_of_lease_window(TODAY, -1)


# ---------------------------------------------------------- labour programme

PROGRAMMES = [
    LabourProgramme("enphase", "Enphase", claim_within_days=90),
    LabourProgramme("se_inverter", "SolarEdge", "inverter", max_device_age_years=5),
    LabourProgramme("se_optimizer", "SolarEdge", "optimizer", max_device_age_years=12),
]


def test_the_device_types_programme_wins_over_the_brand_wide_one():
    assert pick_programme(PROGRAMMES, "solaredge", "inverter").ref == "se_inverter"
    assert pick_programme(PROGRAMMES, "ENPHASE", "microinverter").ref == "enphase"
    assert pick_programme(PROGRAMMES, "SolarEdge", "meter") is None
    assert pick_programme(PROGRAMMES, None, "inverter") is None


def test_labour_is_paid_below_the_age_limit_only():
    inverter = PROGRAMMES[1]
    young = labour_eligibility(inverter, date(2023, 1, 1), TODAY)
    assert young == LabourEligibility(eligible=True)
    old = labour_eligibility(inverter, date(2020, 6, 1), TODAY)
    assert not old.eligible
    assert old.age_limit_reached_on == date(2025, 6, 1)
    # exactly five years: the limit is reached
    assert not labour_eligibility(inverter, date(2021, 11, 23), TODAY).eligible
    # no install date known: the age limit cannot be applied
    assert labour_eligibility(inverter, None, TODAY).eligible


def test_labour_claim_deadline_counts_from_the_replacement():
    result = labour_eligibility(PROGRAMMES[0], date(2019, 1, 1), date(2026, 11, 20))
    assert result.eligible
    assert result.claim_deadline == date(2027, 2, 18)


def test_no_programme_no_labour():
    assert labour_eligibility(None, date(2025, 1, 1), TODAY) == LabourEligibility(
        eligible=False, no_programme=True
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2020, 6, 1), 60, date(2025, 6, 1)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 5, 15), 18, date(2026, 11, 15)),
    ],
)
def test_add_months_clamps_to_the_months_end(day, months, expected):
    assert add_months(day, months) == expected


def test_the_team_lead_takes_over_an_escalated_case():
    assert escalation_owner(7, 3) == 3
    assert escalation_owner(7, None) == 7
    assert escalation_owner(None, None) is None


# ------------------------------------------------------------ owners, call backs


def test_a_case_is_owned_by_its_type_owner_else_its_team_lead_never_a_customer():
    assert cases.case_owner(7, 3) == 7
    assert cases.case_owner(None, 3) == 3
    assert cases.case_owner(None, None) is None
    # a portal user named anywhere is passed over
    assert cases.case_owner(9, 3, portal_users={9}) == 3
    assert cases.case_owner(None, 9, portal_users={9}) is None


def test_a_call_back_counts_working_hours_in_the_customers_zone():
    phoenix = ZoneInfo("America/Phoenix")
    # Monday 10:00, four working hours: the same day at 14:00
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=phoenix)
    assert cases.call_back_by(monday, 4) == datetime(2026, 12, 7, 14, 0, tzinfo=phoenix)
    # Monday 16:00: two hours that day, two the next morning
    late = datetime(2026, 12, 7, 16, 0, tzinfo=phoenix)
    assert cases.call_back_by(late, 4) == datetime(2026, 12, 8, 10, 0, tzinfo=phoenix)
    # Friday evening: Monday morning
    friday = datetime(2026, 12, 11, 20, 30, tzinfo=phoenix)
    assert cases.call_back_by(friday, 4) == datetime(2026, 12, 14, 12, 0, tzinfo=phoenix)
    # a holiday Monday is skipped
    holiday = frozenset({date(2026, 12, 14)})
    assert cases.call_back_by(friday, 4, holidays=holiday) == datetime(
        2026, 12, 15, 12, 0, tzinfo=phoenix
    )
    with pytest.raises(ValueError, match="cannot be promised -1 hours"):
        cases.call_back_by(monday, -1)
    with pytest.raises(ValueError, match="aware time"):
        cases.call_back_by(monday.replace(tzinfo=None), 4)
