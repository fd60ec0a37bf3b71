from datetime import date

import pytest

from solar_om_engine.cases import business_days_between, reactivation_advice


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
