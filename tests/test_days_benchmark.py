"""The days benchmark (`bench/days_benchmark.py`) counts what it says it
counts, and its multi-day physics fleet (`bench/physics_days.py`) makes
what pvlib's clear sky says, the labelled share of its healthy twin, the
vendors' series lengths and nights."""

import json
import math
import random
import sys
from datetime import date
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
pytest.importorskip("pvlib")
pytest.importorskip("pandas")
import days_benchmark as bench  # noqa: E402
import numpy as np  # noqa: E402
import physics_days as fleet  # noqa: E402

DATES = [f"2026-06-{d:02d}" for d in range(1, 11)]


def _day(state="healthy", **extra):
    return {"state": state, "daylight": True, **extra}


def _labels(**sites):
    """Labels for sites given as {ref: fault or None}."""
    out = {"dates": DATES, "sites": {}}
    for ref, fault in sites.items():
        days = {}
        for i, d in enumerate(DATES):
            state = "healthy"
            if fault:
                onset = DATES.index(fault["onset_date"])
                repair = DATES.index(fault["repair_date"]) if fault.get("repair_date") else None
                if repair is not None and i > repair:
                    state = "repaired"
                elif repair is not None and i == repair:
                    state = "repair_day"
                elif i >= onset:
                    state = "fault"
            days[d] = _day(state)
        out["sites"][ref] = {"fault": fault, "days": days}
    return out


def _fault(kind="underperformance", onset=4, repair=None, cause="step"):
    return {
        "kind": kind,
        "cause": cause,
        "onset_date": DATES[onset],
        "repair_date": DATES[repair] if repair is not None else None,
        "accept": [kind],
    }


def _verdicts(labels, opened: dict, kind="underperformance"):
    """A line per site-day; `opened`: {ref: set of day indexes with a ticket open}."""
    out = {}
    for ref in labels["sites"]:
        for i, d in enumerate(DATES):
            is_open = i in opened.get(ref, set())
            out[(ref, d)] = {
                "site": ref,
                "date": d,
                "kind": kind if is_open else "ok",
                "ticket_open": is_open,
                "reason": "",
            }
    return out


def test_a_ticket_on_a_healthy_site_is_a_false_ticket():
    labels = _labels(A=None, B=None)
    quiet = bench.score(labels, _verdicts(labels, {}))
    assert quiet.false_sites == [] and quiet.false_openings == 0
    s = bench.score(labels, _verdicts(labels, {"B": {3, 4, 8}}))
    assert s.false_sites == ["B"]
    # opened on day 3 and again on day 8: two openings over 20 healthy site-days
    assert s.false_openings == 2 and s.healthy_site_days == 20
    assert s.healthy_sites == 2


def test_a_ticket_before_the_onset_is_false_and_apart():
    labels = _labels(F=_fault(onset=5))
    s = bench.score(labels, _verdicts(labels, {"F": {4, 5, 6}}))
    assert s.before_onset == ["F"]
    assert s.false_sites == []  # reported apart from healthy sites
    on_time = bench.score(labels, _verdicts(labels, {"F": {5, 6}}))
    assert on_time.before_onset == []


def test_a_fault_caught_on_onset_plus_2_counts_for_2_and_3_days_not_1():
    labels = _labels(F=_fault(onset=3))
    s = bench.score(labels, _verdicts(labels, {"F": {5, 6, 7, 8, 9}}))
    windows = s.detection[("underperformance", "step")]
    assert windows[0] == [1, 0]
    assert windows[1] == [1, 0]
    assert windows[2] == [1, 1]
    assert windows[3] == [1, 1]
    assert s.named["underperformance"] == {"underperformance": 1}


def test_a_site_counts_for_n_days_only_while_its_fault_still_acts():
    # repaired on onset+2: onset+2 is not a fault day any more
    labels = _labels(F=_fault(onset=3, repair=5))
    s = bench.score(labels, _verdicts(labels, {}))
    windows = s.detection[("underperformance", "step")]
    assert [windows[w][0] for w in (0, 1, 2, 3)] == [1, 1, 0, 0]
    # the period's end bounds it too
    late = _labels(F=_fault(onset=8))
    windows = bench.score(late, _verdicts(late, {})).detection[("underperformance", "step")]
    assert [windows[w][0] for w in (0, 1, 2, 3)] == [1, 1, 0, 0]


def test_a_repaired_fault_closed_on_repair_plus_3_is_not_within_2_days():
    labels = _labels(F=_fault("inverter_fault", onset=2, repair=5, cause="zero_production"))
    late = bench.score(labels, _verdicts(labels, {"F": {2, 3, 4, 5, 6, 7}}, "inverter_fault"))
    assert late.closed == [0, 1]
    in_time = bench.score(labels, _verdicts(labels, {"F": {2, 3, 4, 5, 6}}, "inverter_fault"))
    assert in_time.closed == [1, 1]
    # never ticketed before the repair: not a closing to measure
    unseen = bench.score(labels, _verdicts(labels, {}))
    assert unseen.closed == [0, 0]


def test_a_fault_missed_for_3_days_says_what_those_days_could_tell():
    labels = _labels(A=_fault(onset=3), B=_fault(onset=3), C=_fault(onset=0), D=_fault(onset=3))
    verdicts = _verdicts(labels, {"D": {6}})
    for i in range(4, 7):
        # A: compared and found within its spread; B: nothing due to compare
        verdicts[("A", DATES[i])]["reason"] = "producing normally: 95% of what was due"
        verdicts[("B", DATES[i])]["reason"] = "reporting: 0.3 kWh today; not compared: dark"
    s = bench.score(labels, verdicts)
    assert s.missed_why == {
        (bench.WITHIN_SPREAD, "cluster"): 1,
        (bench.NOT_COMPARED, "cluster"): 1,
        (bench.FROM_THE_START, "cluster"): 1,
    }
    # D, ticketed on onset+3, is not a miss; the report counts them by setting
    text = bench.report([bench.Run("with arrays", "jun", 40, 1.0, 1.0, 0, [], s)], "with arrays")
    assert f"| {bench.NOT_COMPARED} | 1 | 0 | 0 |" in text


def test_a_ticket_opened_again_after_the_repair_is_false():
    labels = _labels(F=_fault(onset=2, repair=5))
    s = bench.score(labels, _verdicts(labels, {"F": {2, 3, 4, 8}}))
    assert s.after_repair == ["F"] and s.closed == [1, 1]


def test_indeterminate_healthy_daylight_days_are_unjudged():
    labels = _labels(A=None)
    labels["sites"]["A"]["days"][DATES[0]]["daylight"] = False
    verdicts = _verdicts(labels, {})
    for d in DATES[:3]:
        verdicts[("A", d)]["kind"] = "indeterminate"
    labels["sites"]["A"]["setting"] = "isolated"
    s = bench.score(labels, verdicts)
    # the night-only day does not count: 2 of 9 daylight days
    assert s.unjudged == [2, 9]
    assert s.by_setting[("isolated", "indeterminate")] == 2
    assert s.by_setting[("cluster", "days")] == 0


def test_malformed_lines_and_missing_site_days_are_errors():
    good = json.dumps(
        {"site": "A", "date": DATES[0], "kind": "ok", "ticket_open": False, "reason": ""}
    )
    text = "\n".join(
        [
            good,
            good,  # a duplicate
            "not json",
            json.dumps({"site": "A", "date": DATES[1], "kind": "ok", "reason": ""}),
            json.dumps(
                {"site": "Z", "date": DATES[1], "kind": "ok", "ticket_open": False, "reason": ""}
            ),
            json.dumps(
                {"site": "A", "date": DATES[2], "kind": "ok", "ticket_open": "yes", "reason": ""}
            ),
        ]
    )
    verdicts, errors = bench.parse_output(text, ["A"], DATES[:3])
    assert list(verdicts) == [("A", DATES[0])]
    joined = "\n".join(errors)
    for needle in (
        "second line",
        "not JSON",
        "missing ticket_open",
        "unknown site 'Z'",
        "true/false",
    ):
        assert needle in joined
    assert "2 site-days without a line" in joined


def test_write_docs_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "benchmarks.md"
    bench.write_docs("## Days benchmark\n\nfirst\n", path)
    assert path.read_text() == "# Benchmarks\n\n## Days benchmark\n\nfirst\n"
    path.write_text(
        "# Benchmarks\n\n## Other\n\nkept\n\n## Days benchmark\n\nold\n\n## Last\n\nkept too\n"
    )
    bench.write_docs("## Days benchmark\n\nnew\n", path)
    text = path.read_text()
    assert "old" not in text and "new" in text
    assert text.index("## Other") < text.index("## Days benchmark") < text.index("## Last")
    assert "kept too" in text


# ---------------------------------------------------------------- the fleet

SHORT = fleet.Period("jun", date(2026, 6, 1), days=4)


@pytest.fixture(scope="module")
def tiny():
    """Phoenix and Munich, about 3 sites each, 4 June days."""
    doc, labels = fleet.generate_period(11, SHORT, 30, regions=("Phoenix", "Munich"))
    return doc, labels


def test_series_lengths_follow_the_vendor_step_and_nights_its_convention(tiny):
    doc, labels = tiny
    vendors = {s["site"]: s["vendor"] for s in doc["sites"]}
    assert len(doc["days"]) == 4
    seen = set()
    for day in doc["days"]:
        assert set(day["series"]) == set(vendors)
        for ref, s in day["series"].items():
            values = s["power_w"]
            assert len(values) == 1440 // s["step_minutes"]
            assert s["step_minutes"] == {"enphase": 5}.get(vendors[ref], 15)
            comms = (labels["sites"][ref]["fault"] or {}).get("kind") == "comms_loss"
            if comms:
                continue
            # local midnight is night everywhere in the fleet
            night = values[0]
            expected = {"null": None, "zero": 0.0}.get(labels["sites"][ref]["night"])
            if labels["sites"][ref]["night"] == "standby":
                assert night is not None and -4.0 <= night < 0
            else:
                assert night == expected
            seen.add(labels["sites"][ref]["night"])
            assert max(v for v in values if v is not None) > 0
    assert {"null", "zero"} <= seen


def test_a_clear_noon_makes_what_pvlib_clear_sky_says():
    import pandas as pd
    from pvlib import irradiance, location, temperature

    site = fleet.build_sites(11, 30, regions=("Phoenix",))[0]
    site.vendor, site.devices, site.obstacles = "solaredge", [], []
    site.arrays = [fleet.Array(6.0, 25.0, 180.0)]
    site.ac_w, site.losses, site.gamma, site.eta_inv = 10000.0, 0.1, -0.0035, 0.97
    period = fleet.Period("jun", date(2026, 6, 1), days=1)
    rng = random.Random(1)
    clear = [fleet.Sky(rng, "clear", 5)]
    clear[0].kind = "clear"  # never a cirrus veil here
    ph = fleet.physics(site, period, clear, rng)
    _, ac = fleet._ac(site, ph, fleet.STEPS_PER_DAY, 1.0, None, 1.0)
    # the same hour from pvlib's own clear sky (its Linke climatology,
    # isotropic sky), cell temperature at the region's afternoon high
    loc = location.Location(site.latitude, site.longitude, tz=site.timezone, altitude=340)
    times = ph.times
    sp = loc.get_solarposition(times)
    cs = loc.get_clearsky(times, solar_position=sp)
    poa = irradiance.get_total_irradiance(
        25.0, 180.0, sp["apparent_zenith"], sp["azimuth"], cs["dni"], cs["ghi"], cs["dhi"]
    )["poa_global"].to_numpy()
    noon = int(np.argmax(poa))
    cell = temperature.sapm_cell(poa[noon], 41.0, 2.5, -3.56, -0.075, 3)
    expected = 6000 * poa[noon] / 1000 * 0.9 * 0.97 * (1 - 0.0035 * (cell - 25))
    assert isinstance(times, pd.DatetimeIndex)
    assert ac[noon] == pytest.approx(expected, rel=0.12)
    # and nothing at night
    assert ac[:12].max() == 0.0 and ph.elevation[:12].max() < 0


def test_a_fault_makes_its_labelled_share_of_its_healthy_twin(tiny):
    doc, labels = tiny
    site = fleet.build_sites(11, 30, regions=("Munich",))[0]
    site.vendor, site.devices, site.obstacles, site.strings = "solaredge", [], [], 3
    site.ac_w = site.dc_w  # no clipping
    rng = random.Random(2)
    skies = [
        fleet.Sky(rng, kind, i) for i, kind in enumerate(("clear", "overcast", "fair", "front"))
    ]
    ph = fleet.physics(site, SHORT, skies, rng)
    step = fleet.Fault("underperformance", "step", onset=1, onset_h=0.0, factor=0.6)
    sim = fleet.simulate(site, ph, step, 4)
    real = fleet._day_sum(sim["ac"], 4)
    twin = fleet._day_sum(sim["twin"], 4)
    assert real[0] == pytest.approx(twin[0])
    for d in (1, 2, 3):
        assert real[d] / twin[d] == pytest.approx(0.6, abs=0.03)
    dead = fleet.Fault("string_mlpe_fault", "string", onset=2, onset_h=0.0, strings_dead=1)
    sim = fleet.simulate(site, ph, dead, 4)
    real, twin = fleet._day_sum(sim["ac"], 4), fleet._day_sum(sim["twin"], 4)
    assert real[1] == pytest.approx(twin[1])
    assert real[3] / twin[3] == pytest.approx(2 / 3, abs=0.03)
    # and the generated labels agree with their own energies
    for lab in labels["sites"].values():
        for day in lab["days"].values():
            if day["fraction"] is not None:
                assert day["fraction"] == pytest.approx(
                    day["energy_wh"] / day["twin_energy_wh"], abs=1e-3
                )


def test_device_energies_sum_to_the_day_and_a_dead_micro_makes_nothing():
    site = next(s for s in fleet.build_sites(11, 60, regions=("Phoenix", "Munich")) if s.devices)
    rng = random.Random(3)
    skies = [fleet.Sky(rng, "fair", i) for i in range(4)]
    ph = fleet.physics(site, SHORT, skies, rng)
    fault = fleet.Fault("string_mlpe_fault", "devices", onset=2, onset_h=0.0, dead=[0])
    sim = fleet.simulate(site, ph, fault, 4)
    per_device = fleet._day_sum(sim["dev"], 4)
    day_energy = fleet._day_sum(sim["ac"], 4)
    assert per_device.sum(axis=0) == pytest.approx(day_energy)
    assert per_device[0, 1] > 0.5 * per_device[:, 1].mean()
    assert per_device[0, 2] == 0.0 and per_device[0, 3] == 0.0
    assert per_device[1:, 2].min() > 0
    # the series of a day without gaps integrates to the same energy
    n = fleet.STEPS_PER_DAY
    night = sim["twin"][:n] <= 0
    values = fleet._series(site, sim["ac"][:n], np.zeros(n, bool), night)
    step_h = site.step_minutes / 60
    assert sum(v for v in values if v and v > 0) * step_h == pytest.approx(day_energy[0], rel=1e-3)
    assert math.isclose(sum(per_device[:, 0]), day_energy[0], rel_tol=1e-9)
