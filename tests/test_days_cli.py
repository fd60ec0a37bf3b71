"""`python -m solar_om_engine days`: the contract an outside scorer relies on."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "days-example.json"


def run(tmp_path, data):
    path = tmp_path / "fleet.json"
    path.write_text(json.dumps(data))
    return subprocess.run(
        [sys.executable, "-m", "solar_om_engine", "days", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def site(name, lat=33.45, lon=-112.07, **over):
    data = {
        "site": name,
        "account": "acc",
        "vendor": "solaredge",
        "latitude": lat,
        "longitude": lon,
        "timezone": "America/Phoenix",
        "capacity_w": 6000.0,
        "arrays": [{"dc_kwp": 6.0, "tilt": 25.0, "azimuth": 180.0}],
        "connection": "ethernet",
    }
    data.update(over)
    return data


def clear_day(peak=4500.0):
    """A smooth clear-day curve from 06:30 to 17:30, null at night."""
    values = []
    for i in range(96):
        hour = (i + 0.5) / 4
        if 6.5 <= hour <= 17.5:
            x = (hour - 12.0) / 5.5
            values.append(round(peak * max(0.0, 1 - x * x) ** 1.5, 1))
        else:
            values.append(None)
    return values


def fleet(days=("2025-03-01", "2025-03-02")):
    sites = [site(f"S{i}", 33.45 + 0.01 * i, -112.07 + 0.01 * i) for i in range(5)]
    return {
        "sites": sites,
        "days": [
            {
                "date": day,
                "series": {s["site"]: {"step_minutes": 15, "power_w": clear_day()} for s in sites},
            }
            for day in days
        ],
    }


def lines(out):
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_one_line_per_site_per_day_in_the_contract_shape(tmp_path):
    out = run(tmp_path, fleet())
    assert out.returncode == 0, out.stderr
    got = lines(out)
    assert len(got) == 10
    assert {tuple(sorted(x)) for x in got} == {("date", "kind", "reason", "site", "ticket_open")}
    assert [x["date"] for x in got[:5]] == ["2025-03-01"] * 5
    assert all(isinstance(x["ticket_open"], bool) for x in got)


def test_days_are_replayed_in_date_order_whatever_the_file_order(tmp_path):
    data = fleet(("2025-03-02", "2025-03-01"))
    got = lines(run(tmp_path, data))
    assert [x["date"] for x in got[::5]] == ["2025-03-01", "2025-03-02"]


def test_bad_site_days_are_named_on_stderr_and_the_others_still_judged(tmp_path):
    data = fleet()
    day = data["days"][0]["series"]
    day["S1"]["power_w"] = day["S1"]["power_w"][:95]
    day["S2"]["power_w"][50] = "lots"
    day["GHOST"] = {"step_minutes": 15, "power_w": clear_day()}
    out = run(tmp_path, data)
    assert out.returncode == 2
    assert "site 'S1' on 2025-03-01: field 'power_w' must hold 96 values" in out.stderr
    assert "site 'S2' on 2025-03-01: field 'power_w[50]' must be a number" in out.stderr
    assert "site 'GHOST' on 2025-03-01" in out.stderr and "not among the sites" in out.stderr
    got = lines(out)
    assert len(got) == 10
    bad = {x["site"]: x for x in got if x["date"] == "2025-03-01" and x["site"] in ("S1", "S2")}
    assert bad["S1"]["kind"] == "indeterminate" and "bad input" in bad["S1"]["reason"]
    others = [x for x in got if x["site"] not in ("S1", "S2") or x["date"] == "2025-03-02"]
    assert all("bad input" not in x["reason"] for x in others)


def test_a_bad_site_is_named_and_left_out_the_others_judged(tmp_path):
    data = fleet()
    data["sites"][3]["timezone"] = "Mars/Base"
    out = run(tmp_path, data)
    assert out.returncode == 2
    assert "site 'S3'" in out.stderr and "timezone" in out.stderr
    assert {x["site"] for x in lines(out)} == {"S0", "S1", "S2", "S4"}


def test_a_standby_draw_is_zero_not_bad_input(tmp_path):
    data = fleet()
    night = data["days"][0]["series"]["S0"]["power_w"]
    night[2] = -3.0
    out = run(tmp_path, data)
    assert out.returncode == 0, out.stderr


@pytest.mark.skipif(not EXAMPLE.exists(), reason="the shared reference example is not here")
def test_the_reference_example_is_read_whole(tmp_path):
    data = json.loads(EXAMPLE.read_text())
    out = run(tmp_path, copy.deepcopy(data))
    assert out.returncode == 0, out.stderr
    assert len(lines(out)) == len(data["sites"]) * len(data["days"])


def test_not_json_is_one_clear_error(tmp_path):
    path = tmp_path / "fleet.json"
    path.write_text("{nope")
    out = subprocess.run(
        [sys.executable, "-m", "solar_om_engine", "days", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "is not JSON" in out.stderr


def test_a_day_when_the_clocks_change_may_hold_its_real_steps(tmp_path):
    """Denver's 2025-03-09 has 23 hours and 2025-11-02 has 25: a series of
    its real 92 or 100 quarter hours is judged like the wall-clock 96."""
    days = ("2025-03-08", "2025-03-09", "2025-11-01", "2025-11-02")
    wall = fleet(days)
    for s in wall["sites"]:
        s.update(timezone="America/Denver", latitude=39.74, longitude=-104.99)
    real = copy.deepcopy(wall)
    spring, autumn = real["days"][1]["series"], real["days"][3]["series"]
    for name in spring:
        # 02:00-03:00 does not exist on the 9th of March; 01:00-02:00 comes twice in November
        spring[name]["power_w"] = spring[name]["power_w"][:8] + spring[name]["power_w"][12:]
        values = autumn[name]["power_w"]
        autumn[name]["power_w"] = values[:8] + values[4:8] + values[8:]
    assert len(spring["S0"]["power_w"]) == 92 and len(autumn["S0"]["power_w"]) == 100
    got_wall, out = lines(run(tmp_path, wall)), run(tmp_path, real)
    assert out.returncode == 0, out.stderr
    got_real = lines(out)
    assert all("bad input" not in x["reason"] for x in got_real)
    assert [(x["site"], x["date"], x["kind"]) for x in got_real] == [
        (x["site"], x["date"], x["kind"]) for x in got_wall
    ]
    # any other length is still refused, naming the site and the day
    real["days"][1]["series"]["S0"]["power_w"].pop()
    out = run(tmp_path, real)
    assert out.returncode == 2
    assert "site 'S0' on 2025-03-09: field 'power_w' must hold 96 values" in out.stderr
