"""Property tests: any JSON-ish input gives a reading or a ReadingError naming
a field, and any valid reading gives exactly one verdict of a known kind."""

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from solar_om_engine.classify import CASE_TYPES, classify_fleet
from solar_om_engine.readings import ReadingError, parse_reading

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=5,
)
FIELDS = [
    "site",
    "account",
    "vendor",
    "latitude",
    "longitude",
    "timezone",
    "capacity_w",
    "last_report_at",
    "power_w",
    "energy_today_wh",
    "devices_total",
    "devices_reporting",
    "meter_energy_today_wh",
    "vendor_status",
    "connection",
    "meter_expected",
]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values))
def test_parser_never_crashes(data):
    try:
        parse_reading(data)
    except ReadingError as err:
        assert err.field and err.site is not None


valid = st.fixed_dictionaries(
    {
        "site": st.text(min_size=1, max_size=8).filter(str.strip),
        "account": st.sampled_from(["a", "b"]),
        "vendor": st.sampled_from(["solaredge", "enphase", "apsystems"]),
        "latitude": st.floats(-90, 90),
        "longitude": st.floats(-180, 180),
        "timezone": st.sampled_from(["UTC", "Europe/Oslo", "Pacific/Apia", "America/Phoenix"]),
        "capacity_w": st.floats(1, 1e7),
        "last_report_at": st.none()
        | st.integers(0, 3 * 86400).map(
            lambda s: (
                datetime(2026, 3, 29, 12, tzinfo=timezone.utc) - timedelta(seconds=s)
            ).isoformat()
        ),
        "power_w": st.none() | st.floats(0, 1e7),
        "energy_today_wh": st.none() | st.floats(0, 1e8),
        "vendor_status": st.none()
        | st.sampled_from(["normal", "comm", "micro", "meter", "power", "unknown"]),
        "meter_expected": st.booleans(),
        "meter_energy_today_wh": st.none() | st.floats(0, 1e8),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(valid, min_size=1, max_size=6, unique_by=lambda d: d["site"]))
def test_every_valid_reading_gets_one_known_verdict(items):
    at = datetime(2026, 3, 29, 12, tzinfo=timezone.utc)
    readings = [parse_reading(d) for d in items]
    result = classify_fleet(readings, at)
    assert sorted(v.site for v in result.verdicts) == sorted(r.site for r in readings)
    assert all(v.kind in CASE_TYPES and v.reason for v in result.verdicts)
