"""Reasons are read by people in many time zones: the engine's words carry
no clock time, the time itself travels as structured evidence for the addon
to show in the reader's zone (issue 11)."""

import re
from datetime import datetime, timedelta, timezone

from solar_om_engine.classify import classify_fleet, classify_liveness
from solar_om_engine.readings import parse_reading

NOON = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)
CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")


def reading(site="s1", last=NOON - timedelta(minutes=10), **over):
    data = {
        "site": site,
        "account": "acc",
        "vendor": "solaredge",
        "latitude": 48.137 + len(site) * 0.001,
        "longitude": 11.575,
        "timezone": "Europe/Berlin",
        "capacity_w": 10000,
        "last_report_at": last.isoformat(),
        "power_w": 0.0,
        "energy_today_wh": 3000.0,
        "devices_total": 20,
        "devices_reporting": 20,
    }
    data.update(over)
    return parse_reading(data)


def test_comms_loss_reason_has_no_clock_time_and_evidence_has_the_last_report():
    last = datetime(2026, 6, 21, 7, 28, 0, 808731, tzinfo=timezone.utc)
    verdict = classify_fleet([reading(last=last)], NOON).by_site()["s1"]
    assert verdict.kind == "comms_loss"
    assert "no report for 2.5 h" in verdict.reason
    assert not CLOCK.search(verdict.reason), verdict.reason
    assert datetime.fromisoformat(verdict.evidence["last_report_at"]) == last


def test_liveness_reason_has_no_clock_time_and_evidence_has_the_last_report():
    last = NOON - timedelta(minutes=5)
    verdict = classify_liveness([reading(last=last)], NOON).by_site()["s1"]
    assert verdict.kind == "reporting"
    assert not CLOCK.search(verdict.reason), verdict.reason
    assert datetime.fromisoformat(verdict.evidence["last_report_at"]) == last
