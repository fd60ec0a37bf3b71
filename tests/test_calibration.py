"""A site's own history calibrates the model: permanent shading stops
alarming, a drop from the site's usual level still does."""

from datetime import date, datetime, timedelta, timezone

import pytest

from solar_om_engine.calibration import (
    CalibrationPolicy,
    DayRatio,
    good_days,
    history_ratio,
)
from solar_om_engine.classify import classify_fleet
from solar_om_engine.errors import EngineError
from solar_om_engine.expected import site_model
from solar_om_engine.readings import parse_reading

TODAY = date(2026, 6, 21)


def days(*ratios, kind="ok", end=TODAY):
    """One day per ratio, the last one yesterday."""
    n = len(ratios)
    return [DayRatio(end - timedelta(days=n - i), r, kind) for i, r in enumerate(ratios)]


def test_no_history_until_enough_good_days():
    assert history_ratio([], TODAY) is None
    assert history_ratio(days(0.7, 0.72, 0.69, 0.71), TODAY) is None
    assert history_ratio(days(0.7, 0.72, 0.69, 0.71, 0.7), TODAY) == pytest.approx(0.7)


def test_shaded_site_underperforming_from_day_one_is_its_baseline():
    # a tree: Underperformance verdicts on its first days, the same every day
    history = days(0.58, 0.6, 0.57, 0.61, 0.59, 0.6, kind="underperformance")
    assert history_ratio(history, TODAY) == pytest.approx(0.595)


def test_days_with_other_faults_or_absurd_ratios_do_not_count():
    history = days(0.8, 0.81, 0.79, 0.8, 0.82)
    history += [
        DayRatio(TODAY - timedelta(days=7), 0.05, "inverter_fault"),
        DayRatio(TODAY - timedelta(days=8), 0.5, "string_mlpe_fault"),
        DayRatio(TODAY - timedelta(days=9), 0.1, "ok"),  # below min_ratio: misconfigured
        DayRatio(TODAY - timedelta(days=10), 3.0, "ok"),  # above max_ratio: wrong capacity
        DayRatio(TODAY, 0.2, "ok"),  # today is being judged, not history
        DayRatio(TODAY - timedelta(days=200), 0.3, "ok"),  # out of the window
    ]
    assert history_ratio(history, TODAY) == pytest.approx(0.8)
    assert len(good_days(history, TODAY)) == 5


def test_a_drop_is_never_learned():
    # a site at 0.9 for two weeks, then half its strings' worth lower for ten days
    history = days(*([0.9] * 14 + [0.45] * 10), kind="ok")
    history[-10:] = [DayRatio(d.day, d.model_ratio, "underperformance") for d in history[-10:]]
    assert history_ratio(history, TODAY) == pytest.approx(0.9)


def test_a_lasting_rise_is_the_new_level():
    # shaded until the tree was cut: 0.6 for ten days, then 0.95
    history = days(*([0.6] * 10 + [0.95, 0.96, 0.94, 0.95, 0.95]))
    assert history_ratio(history, TODAY) == pytest.approx(0.95)
    # a brief rise (a bright, cool day) is not
    assert history_ratio(days(*([0.6] * 10 + [0.95, 0.6])), TODAY) == pytest.approx(0.6)


def test_slow_seasonal_drift_is_followed():
    ratios = [round(0.8 - 0.005 * i, 3) for i in range(40)]  # 0.8 down to 0.605
    assert history_ratio(days(*ratios), TODAY) == pytest.approx(0.64, abs=0.02)


def test_policy_is_checked():
    with pytest.raises(EngineError, match="min_days"):
        CalibrationPolicy(min_days=0)
    with pytest.raises(EngineError, match="min_ratio"):
        CalibrationPolicy(min_ratio=1.0, max_ratio=0.5)


MUNICH_NOON = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)
# 14:15 on 21 December: a dull winter afternoon, the sun 13° up
WINTER = datetime(2026, 12, 21, 13, 15, tzinfo=timezone.utc)
SOUTH = [{"dc_kwp": 8.0, "tilt": 30.0, "azimuth": 180.0}]


def _reading(site, offset, share, at, sky, history=None):
    data = {
        "site": site,
        "account": "acc",
        "vendor": "enphase",
        "latitude": 48.137 + offset,
        "longitude": 11.575 + offset,
        "timezone": "Europe/Berlin",
        "capacity_w": 8000.0,
        "last_report_at": at.isoformat(),
        "arrays": SOUTH,
    }
    model = site_model(parse_reading(data), at)
    data["energy_today_wh"] = round(model.energy(sky) * share)
    data["power_w"] = round(model.power(sky) * share)
    if history is not None:
        data["history_ratio"] = history
    return data


@pytest.mark.parametrize(
    ("history", "kind"),
    [
        (None, "inverter_fault"),
        # a roof that has always made a third of its model (a deep shade) is
        # due a third of the power: in this dim light, too little to tell
        (history_ratio(days(0.34, 0.33, 0.35, 0.33, 0.34), TODAY), "indeterminate"),
    ],
)
def test_the_sites_own_level_scales_the_power_zero_production_expects(history, kind):
    # neighbours at 28 % of a clear sky: 3.5 % of capacity due on this roof
    # (Zero Production even under the darkest of its nearest neighbours'),
    # a third of it, 1.2 %, on the shaded one
    peers = [_reading(f"P{i}", 0.01 * (i + 1), 1.0, WINTER, 0.28) for i in range(4)]
    site = _reading("SHADED", 0.0, 0.34, WINTER, 0.28, history)
    site["power_w"] = 0.0
    result = classify_fleet([parse_reading(d) for d in [*peers, site]], WINTER)
    verdict = result.by_site()["SHADED"]
    assert verdict.kind == kind, verdict.reason


def test_a_snapshot_records_no_ratio_for_tomorrows_history():
    # the model ratios that calibrate a site come from the days it was
    # judged (the day's close), never from a snapshot
    peers = [_reading(f"P{i}", 0.01 * (i + 1), 1.0, MUNICH_NOON, 0.9) for i in range(4)]
    site = _reading("SHADED", 0.0, 0.58, MUNICH_NOON, 0.9)
    result = classify_fleet([parse_reading(d) for d in [*peers, site]], MUNICH_NOON)
    verdict = result.by_site()["SHADED"]
    assert verdict.kind == "ok"
    assert not {"ratio", "model_ratio"} & set(verdict.evidence)
