import json
import subprocess
import sys


def run(tmp_path, readings, at="2026-06-21T10:00:00+00:00"):
    path = tmp_path / "readings.json"
    path.write_text(json.dumps(readings))
    return subprocess.run(
        [sys.executable, "-m", "solar_om_engine", "check", str(path), "--at", at],
        capture_output=True,
        text=True,
        timeout=60,
    )


def good(site, **over):
    data = {
        "site": site,
        "account": "a",
        "vendor": "solaredge",
        "latitude": 48.137,
        "longitude": 11.575,
        "timezone": "Europe/Berlin",
        "capacity_w": 8000,
        "last_report_at": "2026-06-21T11:55:00+02:00",
        "power_w": 0.0,
        "energy_today_wh": 900.0,
        "devices_total": None,
        "devices_reporting": None,
        "meter_energy_today_wh": None,
        "vendor_status": None,
    }
    data.update(over)
    return data


def test_prints_one_json_verdict_per_site(tmp_path):
    out = run(
        tmp_path, [good("roof-1"), good("roof-2", last_report_at="2026-06-21T08:00:00+02:00")]
    )
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(x["site"], x["kind"]) for x in lines] == [
        ("roof-1", "inverter_fault"),
        ("roof-2", "comms_loss"),
    ]
    assert lines[0]["case_type"] == "inverter_fault"
    assert lines[0]["reason"].startswith("Zero Production")


def test_malformed_site_is_named_and_the_others_still_judged(tmp_path):
    out = run(tmp_path, [good("roof-1"), good("roof-bad", timezone="Mars/Base"), good("roof-3")])
    assert out.returncode == 2
    assert "site 'roof-bad': field 'timezone'" in out.stderr
    assert [json.loads(line)["site"] for line in out.stdout.splitlines()] == ["roof-1", "roof-3"]


def test_naive_timestamp_is_read_in_the_sites_zone_and_noted(tmp_path):
    # SolarEdge-style local time, 5 minutes old in Munich (UTC+2): not stale
    out = run(tmp_path, [good("roof-1", last_report_at="2026-06-21 11:55:00", power_w=5000.0)])
    assert out.returncode == 0, out.stderr
    verdict = json.loads(out.stdout.splitlines()[0])
    assert verdict["kind"] != "comms_loss"
    assert "read in the site's zone Europe/Berlin" in verdict["evidence"]["reading_notes"][0]


def test_broken_timestamp_is_refused_with_its_field(tmp_path):
    out = run(tmp_path, [good("roof-1", last_report_at="yesterday-ish")])
    assert out.returncode == 2
    assert "field 'last_report_at' is not an ISO-8601 timestamp" in out.stderr


def test_not_json_is_a_clear_error(tmp_path):
    path = tmp_path / "r.json"
    path.write_text("{nope")
    out = subprocess.run(
        [sys.executable, "-m", "solar_om_engine", "check", str(path), "--at", "2026-06-21T10:00Z"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "is not JSON" in out.stderr
