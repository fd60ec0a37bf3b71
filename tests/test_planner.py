import json
import math
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from solar_om_engine.daylight import sun_elevation
from solar_om_engine.planner import (
    COSTS,
    DETECT_SLACK,
    PASSING_ERRORS,
    STALE_AFTER_MIN,
    Blindness,
    PlanError,
    blindness,
    daylight_minutes,
    describe,
    discovery_plan,
    liveness_due,
    make_plan,
    next_check_at,
    next_judgment_at,
    poll_error_kind,
    production_slots,
)
from solar_om_engine.quota import TIERS, Tier, tier_for

JUNE = datetime(2026, 6, 1, tzinfo=timezone.utc)
PHOENIX = [(33.4, -112.0)]
SIZES = (1, 10, 100, 1_000, 10_000)


def test_enphase_watt_100_sites_watches_liveness_twice_an_hour_not_every_two_days():
    plan = make_plan("enphase", tier_for("enphase", "watt"), 100, JUNE, locations=PHOENIX)
    # one /systems call covers the 100 sites: 1,000 calls a month over ~12.5 h
    # of daylight a day is a pass every ~22 min, a comms loss seen within ~67
    assert plan.liveness_calls_per_pass == 1
    assert 20 <= plan.liveness_every_min <= 30
    assert 60 <= plan.bound_comms_detect_min <= 70
    assert plan.worst_case_comms_detect_min <= 1.1 * plan.bound_comms_detect_min
    assert plan.calls_per_month <= 1_000


@pytest.mark.parametrize(("vendor", "tier_name"), [(v, t) for v in TIERS for t in TIERS[v]])
def test_every_plan_stays_within_a_tenth_of_the_bound_and_the_month(vendor, tier_name):
    tier = tier_for(vendor, tier_name)
    for sites in SIZES:
        plan = make_plan(vendor, tier, sites, JUNE, locations=PHOENIX)
        assert plan.worst_case_comms_detect_min <= 1.1 * plan.bound_comms_detect_min, plan
        assert plan.calls_per_month <= tier.per_month, plan
        # a pass never outruns the per-minute limit
        assert plan.liveness_calls_per_pass / plan.liveness_every_min <= tier.per_minute


@pytest.mark.parametrize(("vendor", "tier_name"), [(v, t) for v in TIERS for t in TIERS[v]])
def test_daily_judgments_whenever_the_plan_can_pay_them(vendor, tier_name):
    """The planner's choice checked against the arithmetic done by hand:
    if one judgment per site per day (after the day judge's series and the
    daily device pass the plan pays, which come first) leaves liveness within
    the slack, every site gets at least one a day."""
    tier = tier_for(vendor, tier_name)
    costs = COSTS[vendor]
    for sites in SIZES:
        plan = make_plan(vendor, tier, sites, JUNE, locations=PHOENIX)
        daylight = plan.liveness_every_min * plan.liveness_passes_per_day  # minutes today
        days = plan.days_left
        pass_calls = costs.liveness_pass(sites)
        whole = tier.per_month
        bound = STALE_AFTER_MIN + daylight * days * pass_calls / whole
        # the day judge's series and the daily device pass, when the plan
        # pays them, come out first
        fixed = costs.daily_overhead + plan.day_series_calls_per_day + plan.device_calls_per_day
        daily = whole - days * (fixed + sites * costs.production_calls_per_site)
        slowed = STALE_AFTER_MIN + daylight * days * pass_calls / daily if daily > 0 else math.inf
        affordable = slowed <= 0.98 * 1.1 * bound
        if affordable:
            assert plan.production_judgments_per_site_per_day >= 1, plan
            assert plan.production_every_days == 1


def test_production_gets_at_most_the_slack_and_liveness_the_rest():
    tier = tier_for("enphase", "kilowatt")
    plan = make_plan("enphase", tier, 100, JUNE, locations=PHOENIX)
    assert plan.production_judgments_per_site_per_day == 2  # noon and mid-afternoon
    assert plan.production_calls_per_day == 202  # 100 summaries and a /systems page, twice
    big = make_plan("enphase", tier, 1_000, JUNE, locations=PHOENIX)
    # 1,000 summaries a day would slow liveness past the slack: every other day
    assert big.production_every_days == 2
    assert big.worst_case_comms_detect_min <= (1 + DETECT_SLACK) * big.bound_comms_detect_min


def test_spending_fast_slows_the_cadence_and_a_spent_month_is_said():
    tier = tier_for("enphase", "watt")
    mid = JUNE + timedelta(days=15)
    on_track = make_plan("enphase", tier, 100, mid, locations=PHOENIX, month_used=500)
    ahead = make_plan("enphase", tier, 100, mid, locations=PHOENIX, month_used=800)
    assert ahead.liveness_every_min > on_track.liveness_every_min
    assert ahead.calls_per_month <= 1_000
    spent = make_plan("enphase", tier, 100, mid, locations=PHOENIX, month_used=1_000)
    assert spent.liveness_every_min == -1
    assert spent.worst_case_comms_detect_min == -1
    assert "not watched" in spent.note


def test_paced_day_by_day_the_month_lasts_to_its_last_day():
    """Replanned every morning with what was spent, the plan spends its
    calls and still has a pass on the 30th."""
    tier = tier_for("enphase", "watt")
    used = 0
    for day in range(30):
        at = JUNE + timedelta(days=day)
        plan = make_plan("enphase", tier, 250, at, locations=PHOENIX, month_used=used)
        assert plan.liveness_every_min > 0, (day, plan)
        used += plan.calls_per_day
        assert used <= tier.per_month, (day, used)
    assert used >= 0.9 * tier.per_month  # and the quota was not left unused


def test_without_a_latitude_a_day_has_twelve_hours():
    plan = make_plan("solaredge", tier_for("solaredge", "free"), 1, JUNE)
    assert plan.daylight_hours == 12.0


def test_polar_night_and_midnight_sun_plan_without_errors():
    tier = tier_for("enphase", "kilowatt")
    winter = datetime(2026, 12, 1, tzinfo=timezone.utc)
    dark = make_plan("enphase", tier, 10, winter, locations=[(78.2, 15.6)], day=date(2026, 12, 21))
    assert dark.daylight_hours == 0 and dark.liveness_passes_per_day == 0
    summer = make_plan("enphase", tier, 10, JUNE, locations=[(69.65, 18.96)], day=date(2026, 6, 21))
    assert summer.daylight_hours > 16  # astral's sun() raises here; elevation does not
    assert production_slots(78.2, 15.6, date(2026, 12, 21), 2) == []


def test_a_fleet_on_two_continents_is_lit_longer_than_either_half():
    day = date(2026, 3, 20)
    munich, phoenix = (48.1, 11.6), (33.4, -112.0)
    both = daylight_minutes([munich, phoenix], day)
    assert both > daylight_minutes([munich], day) + 120
    assert both > daylight_minutes([phoenix], day) + 120


def test_production_slots_are_solar_noon_and_mid_afternoon():
    noon, afternoon = production_slots(33.4, -112.0, date(2026, 6, 21), 2)
    # Phoenix's solar noon is about 19:30 UTC; the sun is highest then
    assert abs((noon - datetime(2026, 6, 21, 19, 30, tzinfo=timezone.utc)).total_seconds()) < 1800
    assert sun_elevation(33.4, -112.0, noon) > 75
    assert timedelta(hours=2) < afternoon - noon < timedelta(hours=4)
    assert sun_elevation(33.4, -112.0, afternoon) > 30


def test_bad_questions_get_clear_errors():
    with pytest.raises(PlanError, match="unknown vendor 'sma'"):
        make_plan("sma", Tier(10, 100), 1, JUNE)
    with pytest.raises(PlanError, match="0 or more"):
        make_plan("enphase", Tier(10, 100), -5, JUNE)
    with pytest.raises(PlanError, match="aware"):
        make_plan("enphase", Tier(10, 100), 1, datetime(2026, 6, 1))


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "solar_om_engine", "plan", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_prints_the_plan_as_json():
    done = run_cli(
        "--vendor", "enphase", "--plan", "watt", "--sites", "100",
        "--latitude", "33.4", "--date", "2026-06-21",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    for key in (
        "liveness_every_min",
        "production_judgments_per_site_per_day",
        "worst_case_comms_detect_min",
        "bound_comms_detect_min",
        "calls_per_month",
    ):
        assert key in data
    assert data["worst_case_comms_detect_min"] <= 1.1 * data["bound_comms_detect_min"]
    assert math.isclose(data["daylight_hours"], 12.5, abs_tol=0.5)


def test_cli_names_what_was_wrong():
    done = run_cli("--vendor", "enphase", "--plan", "gigawatt", "--sites", "3")
    assert done.returncode == 2
    assert "unknown quota tier 'gigawatt' for enphase" in done.stderr
    done = run_cli("--vendor", "enphase", "--plan", "watt", "--sites", "3", "--date", "June")
    assert done.returncode == 2 and "--date must be YYYY-MM-DD" in done.stderr


def test_liveness_is_due_once_per_interval():
    plan = make_plan("enphase", tier_for("enphase", "watt"), 100, JUNE, locations=PHOENIX)
    noon = datetime(2026, 6, 1, 19, 30, tzinfo=timezone.utc)
    assert liveness_due(plan, None, noon)
    assert not liveness_due(plan, noon, noon + timedelta(minutes=plan.liveness_every_min - 2))
    assert liveness_due(plan, noon, noon + timedelta(minutes=plan.liveness_every_min))
    spent = make_plan("enphase", tier_for("enphase", "watt"), 100, JUNE, month_used=1_000)
    assert not liveness_due(spent, None, noon)


def test_judgments_rotate_over_the_days_at_noon_and_mid_afternoon():
    tier = tier_for("enphase", "kilowatt")
    twice = make_plan("enphase", tier, 100, JUNE, locations=PHOENIX)
    morning = datetime(2026, 6, 2, 14, 0, tzinfo=timezone.utc)
    first = next_judgment_at(twice, 33.4, -112.0, morning, rotation=7)
    second = next_judgment_at(twice, 33.4, -112.0, first, rotation=7)
    assert first.date() == second.date() == date(2026, 6, 2)
    assert timedelta(hours=2) < second - first < timedelta(hours=4)
    every_other = make_plan("enphase", tier, 1_000, JUNE, locations=PHOENIX)
    assert every_other.production_every_days == 2
    days = {
        next_judgment_at(every_other, 33.4, -112.0, morning, rotation=site).date()
        for site in range(10)
    }
    assert days == {date(2026, 6, 2), date(2026, 6, 3)}  # half the fleet each day
    none = make_plan("apsystems", tier_for("apsystems", "lv0"), 5_000, JUNE, locations=PHOENIX)
    assert next_judgment_at(none, 33.4, -112.0, morning, rotation=1) is None


def test_an_account_is_blind_when_nothing_can_be_read():
    plan = make_plan("enphase", tier_for("enphase", "watt"), 100, JUNE, locations=PHOENIX)
    at = datetime(2026, 6, 10, 18, 0, tzinfo=timezone.utc)
    assert blindness("quota_month", at, at, plan) is Blindness.QUOTA_SPENT
    assert blindness("auth", at, at, plan) is Blindness.CREDENTIALS_REFUSED
    assert blindness("gone", at, at, plan) is Blindness.API_RETIRED
    assert blindness("quota_minute", at, at, plan) is None  # the next minute comes
    window = timedelta(minutes=plan.worst_case_comms_detect_min)
    assert blindness("transient", at - window + timedelta(minutes=5), at, plan) is None
    assert blindness("transient", at - window - timedelta(minutes=5), at, plan) is (
        Blindness.UNREACHABLE
    )
    assert blindness("", None, at, plan) is None
    # a minute's quota that never comes back is the vendor unreachable too
    assert blindness("quota_minute", at - window - timedelta(minutes=5), at, plan) is (
        Blindness.UNREACHABLE
    )


def test_a_polls_error_kind():
    assert poll_error_kind("auth", True, 3, 0, 0) == "auth"
    assert poll_error_kind(None, True, 3, 0, 0) == "transient"  # a bad URL, a time-out
    assert poll_error_kind(None, False, 3, 0, 3) == "transient"  # every site failed alone
    assert poll_error_kind(None, False, 3, 1, 2) == ""  # the vendor answers
    assert poll_error_kind(None, False, 0, 0, 0) == ""  # nothing to ask
    assert PASSING_ERRORS == {"transient", "quota_minute"}


def test_a_liveness_pass_ends_a_comms_loss_but_not_a_production_fault():
    from solar_om_engine.classify import classify_liveness
    from solar_om_engine.faults import OpenFault, decide
    from solar_om_engine.readings import parse_reading

    noon = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)

    def seen(site, minutes_ago):
        return parse_reading(
            {
                "site": site,
                "account": "acc",
                "vendor": "enphase",
                "latitude": 48.137,
                "longitude": 11.575,
                "timezone": "Europe/Berlin",
                "capacity_w": 10000,
                "last_report_at": (noon - timedelta(minutes=minutes_ago)).isoformat(),
                "vendor_status": "normal",
            }
        )

    result = classify_liveness([seen("a", 10), seen("b", 120), seen("c", 5)], noon)
    kinds = {v.site: v.kind for v in result.verdicts}
    assert kinds == {"a": "reporting", "b": "comms_loss", "c": "reporting"}
    open_faults = [OpenFault(1, "a", "comms_loss", 1), OpenFault(2, "c", "underperformance", 1)]
    actions = decide(result.verdicts, [], open_faults, recovery_checks=2)
    assert actions.to_close == [1]  # heard from again: the comms loss is over
    assert [v.site for v in actions.to_open] == ["b"]  # and a new one opens


def test_the_plan_in_words():
    plan = make_plan("enphase", tier_for("enphase", "watt"), 100, JUNE, locations=PHOENIX)
    words = describe(plan)
    assert words["cadence"].startswith("Checks that all 100 sites are still reporting every")
    assert "(1 call each time)" in words["cadence"]
    assert "noticed within 74 minutes (the best this plan allows: 67 minutes)" in words["detect"]
    assert "every 21 days" in words["production"]
    assert words["usage"].startswith("0 of 1,000 calls used this month, 1,000 left")
    spent = make_plan("enphase", tier_for("enphase", "watt"), 100, JUNE, month_used=1_000)
    assert "calls are spent" in describe(spent)["cadence"]


@pytest.mark.parametrize("vendor", ["enphase", "apsystems", "solaredge"])
def test_an_unlimited_plan_judges_production_and_says_so_once(vendor):
    # the simulator's tier: a pass every cron minute leaves most of the
    # minute limit to the production slots, which must be judged
    plan = make_plan(vendor, tier_for(vendor, "unlimited"), 9, JUNE, locations=PHOENIX)
    words = describe(plan)
    assert plan.liveness_every_min == 1.0
    assert plan.production_judgments_per_site_per_day >= 2
    assert "Does not judge production" not in words["production"]
    assert "every 1 minute in daylight" in words["cadence"]
    # no limit is not a figure of a thousand billion calls
    assert words["usage"].startswith("0 calls used this month, with no monthly limit")
    assert "1,000,000,000,000" not in " ".join(words.values())


def test_the_next_check_is_the_next_slot_or_the_next_full_pass_in_daylight():
    at = datetime(2026, 6, 21, 19, 0, tzinfo=timezone.utc)  # Phoenix, noon local
    slots = make_plan("enphase", tier_for("enphase", "unlimited"), 3, at, locations=PHOENIX)
    assert next_check_at(slots, 33.4, -112.0, at, 1) == next_judgment_at(slots, 33.4, -112.0, at, 1)
    # SolarEdge: every reporting check reads production, every cron minute
    full = make_plan("solaredge", tier_for("solaredge", "unlimited"), 3, at, locations=PHOENIX)
    assert next_check_at(full, 33.4, -112.0, at, 1, last_pass_at=at) == at + timedelta(minutes=1)
    # at night, the first pass after sunrise (10° up: the check's daylight)
    night = datetime(2026, 6, 21, 8, 0, tzinfo=timezone.utc)  # 01:00 in Phoenix
    first = next_check_at(full, 33.4, -112.0, night, 1, last_pass_at=night)
    assert first.date() == night.date()
    assert sun_elevation(33.4, -112.0, first) >= 10
    assert sun_elevation(33.4, -112.0, first - timedelta(minutes=10)) < 10
    # a spent plan reads nothing more this month
    spent = make_plan("solaredge", tier_for("solaredge", "free"), 3, at, month_used=2_000)
    assert next_check_at(spent, 33.4, -112.0, at, 1) is None


def test_a_liveness_pass_without_a_time_is_judged_on_the_vendors_status():
    from solar_om_engine.classify import classify_liveness
    from solar_om_engine.readings import parse_reading

    noon = datetime(2026, 6, 21, 10, 0, tzinfo=timezone.utc)

    def light(site, status):
        return parse_reading(
            {
                "site": site,
                "account": "acc",
                "vendor": "apsystems",
                "latitude": 48.137,
                "longitude": 11.575,
                "timezone": "Europe/Berlin",
                "capacity_w": 3000,
                "last_report_at": None,
                "vendor_status": status,
            }
        )

    result = classify_liveness([light("green", "normal"), light("red", "comm")], noon)
    assert {v.site: v.kind for v in result.verdicts} == {
        "green": "reporting",
        "red": "comms_loss",
    }


# ---------------------------------------------------------------- the daily device pass


@pytest.mark.parametrize(("vendor", "tier_name"), [(v, t) for v in TIERS for t in TIERS[v]])
def test_the_daily_device_pass_is_paid_within_the_quota_and_the_slack(vendor, tier_name):
    """Once a site a day at its close (APsystems: the details and one batch
    call per ECU): when the plan pays it, the month still fits the quota and
    a comms loss is still seen within the slack of the bound."""
    tier = tier_for(vendor, tier_name)
    per_site = {"solaredge": 1, "enphase": 1, "apsystems": 2}[vendor]
    for sites in SIZES:
        plan = make_plan(vendor, tier, sites, JUNE, locations=PHOENIX)
        assert plan.device_calls_per_site_per_day == per_site
        if plan.devices_daily:
            assert plan.device_calls_per_day == sites * per_site, plan
            assert plan.calls_per_day >= plan.device_calls_per_day
        else:
            assert plan.device_calls_per_day == 0
        assert plan.calls_per_month <= tier.per_month, plan
        assert plan.worst_case_comms_detect_min <= (1 + DETECT_SLACK) * (
            plan.bound_comms_detect_min
        ), plan


def test_device_pass_figures_and_what_it_costs_liveness():
    kilowatt = tier_for("enphase", "kilowatt")
    plan = make_plan("enphase", kilowatt, 100, JUNE, locations=PHOENIX)
    # 100 inverters_summary calls a day, 3,000 a month, beside 2 judgments a day
    assert plan.devices_daily and plan.device_calls_per_day == 100
    assert plan.production_judgments_per_site_per_day == 2
    without = make_plan("enphase", kilowatt, 100, JUNE, locations=PHOENIX, device_sites=0)
    assert plan.calls_per_month - without.calls_per_month == 100 * plan.days_left
    # Watt: 100 sites' daily pass would be 3,000 calls of a 1,000-call month
    watt = make_plan("enphase", tier_for("enphase", "watt"), 100, JUNE, locations=PHOENIX)
    assert not watt.devices_daily and watt.device_calls_per_day == 0
    assert "not compared" in describe(watt)["production"]
    assert "once a day at the day's close" in describe(plan)["production"]
    # APsystems: 2 calls a site (details, one ECU's batch energy)
    aps = make_plan("apsystems", tier_for("apsystems", "lv1"), 100, JUNE, locations=PHOENIX)
    assert aps.devices_daily and aps.device_calls_per_day == 200
    # SolarEdge: only the sites with two inverters or more are asked
    few = make_plan(
        "solaredge", tier_for("solaredge", "free"), 10, JUNE, locations=PHOENIX, device_sites=1
    )
    assert few.devices_daily and few.device_calls_per_day == 1 and few.device_sites == 1


# ---------------------------------------------------------------- discovery beside the device pass


@pytest.mark.parametrize(("vendor", "tier_name"), [(v, t) for v in TIERS for t in TIERS[v]])
def test_the_daily_discovery_and_the_device_pass_share_the_month(vendor, tier_name):
    """An account that lists its systems every day (onboarding) and reads its
    devices at each close (issue 26): the health plan keeps the discovery's
    daily calls first, the discovery pass keeps the device pass's rest of the
    month, and the month of all three fits the quota."""
    tier = tier_for(vendor, tier_name)
    for sites in SIZES:
        plan = make_plan(vendor, tier, sites, JUNE, locations=PHOENIX, discovery_systems=sites)
        alone = make_plan(vendor, tier, sites, JUNE, locations=PHOENIX)
        assert plan.calls_per_month <= tier.per_month, plan
        if plan.liveness_every_min < 0:
            # listing 10,000 systems a day spends more than a 2,000-call month
            assert daily_listing(vendor, sites) * plan.days_left > tier.per_month, plan
            continue
        assert plan.worst_case_comms_detect_min <= (1 + DETECT_SLACK) * (
            plan.bound_comms_detect_min
        ), plan
        if plan.liveness_every_min > 0:
            assert plan.discovery_calls_per_day >= 1, plan  # the list's first page at least
            assert plan.calls_per_day >= plan.discovery_calls_per_day + plan.device_calls_per_day
            # what discovery keeps comes out of the health check's own calls
            assert plan.liveness_every_min >= alone.liveness_every_min, (plan, alone)
        # the daily job, leaving the device pass its calls, spends no more than kept
        reserve = plan.device_calls_per_day * plan.days_left
        daily = discovery_plan(
            vendor, tier, sites, 0, 0, days_left=plan.days_left, known=sites, reserved=reserve
        )
        assert daily.calls <= max(plan.discovery_calls_per_day, daily.list_calls), (daily, plan)
        # a creation pass of as many new systems leaves the device pass its month
        create = discovery_plan(vendor, tier, sites, sites, 0, reserved=reserve)
        assert create.calls - create.list_calls <= max(tier.per_month - reserve, 0), create


def daily_listing(vendor, systems):
    return discovery_plan(
        vendor, tier_for(vendor, next(iter(TIERS[vendor]))), systems, 0, 0
    ).list_calls


def test_discovery_keeps_the_device_pass_and_says_so():
    kilowatt = tier_for("enphase", "kilowatt")
    plan = make_plan("enphase", kilowatt, 100, JUNE, locations=PHOENIX, discovery_systems=100)
    assert plan.devices_daily and plan.device_calls_per_day == 100
    # one /systems page a day and a 20th of the month's rest for refreshes
    assert plan.discovery_calls_per_day == 1 + math.floor(
        (kilowatt.per_month - 1) * 0.05 / plan.days_left
    )
    assert "Listing the vendor's systems every day keeps" in describe(plan)["usage"]
    # late in the month (48,500 of 50,000 spent), ten days of the device pass
    # left: a creation pass takes a quarter of what those leave
    free = discovery_plan("enphase", kilowatt, 1000, 1000, 48_500)
    kept = discovery_plan("enphase", kilowatt, 1000, 1000, 48_500, reserved=1_000)
    assert (free.create_now, kept.create_now) == ((1_490 // 4) // 2, (490 // 4) // 2)
    assert kept.month_left_after >= 1_000
    # an account that does not list daily keeps nothing
    assert make_plan("enphase", kilowatt, 100, JUNE, locations=PHOENIX).discovery_calls_per_day == 0


def test_the_day_judges_series_are_paid_first_where_the_readings_do_not_carry_them():
    kilowatt = make_plan("enphase", tier_for("enphase", "kilowatt"), 100, JUNE, locations=PHOENIX)
    # one production_micro a site a day, after sunset
    assert kilowatt.day_series_per_site_per_day == 1
    assert kilowatt.day_series_calls_per_day == 100
    assert kilowatt.calls_per_month <= tier_for("enphase", "kilowatt").per_month
    # SolarEdge's /power readings carry the day: nothing to pay for
    solaredge = make_plan("solaredge", tier_for("solaredge", "free"), 1, JUNE, locations=PHOENIX)
    assert solaredge.day_series_calls_per_day == 0
    # APsystems: the details and one minutely call per ECU, a site a day
    apsystems = make_plan("apsystems", tier_for("apsystems", "lv1"), 100, JUNE, locations=PHOENIX)
    assert apsystems.day_series_calls_per_day == 200
    # a plan that cannot pay for them keeps its liveness within the slack
    for vendor, tier_name in (("enphase", "watt"), ("apsystems", "lv0")):
        tier = tier_for(vendor, tier_name)
        for sites in SIZES:
            plan = make_plan(vendor, tier, sites, JUNE, locations=PHOENIX)
            assert plan.worst_case_comms_detect_min <= 1.1 * plan.bound_comms_detect_min
            assert plan.calls_per_month <= tier.per_month
