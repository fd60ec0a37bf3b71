"""The day rules (`dayrules.DAY_RULES`), each on both sides of its thresholds.

Every day is a synthetic series made with the engine's own roof model
(`daykit`): the site and its neighbours make their model under one sky,
times a factor. Thresholds are read from the rules' fields, so these tests
follow the rules; what they assert is what a user sees: the day's kind, and
the figure its reason gives.
"""

from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from daykit import (
    CAPACITY_W,
    DAY,
    FAR,
    ROOF,
    SKY,
    day_facts,
    judge,
    lit_steps,
    model,
    neighbours,
    power,
    series,
    spec,
)

from solar_om_engine.dayfacts import ROOF_INFERRED, SiteKnowledge, fleet_day_facts
from solar_om_engine.dayrules import (
    COMPARISON,
    DeadDevices,
    NoSun,
    Shortfall,
    SilentAllDay,
    SilentSince,
    Unjudged,
    ZeroProduction,
    judge_day,
)
from solar_om_engine.levels import BINS, GoodDay, Level, Levels, learn
from solar_om_engine.readings import Array

# a high-latitude winter solstice: the sun's height and the lit hours of the
# day change fast with latitude (measured with daymodel: 55° N has 2.5 lit
# hours and a noon sun of 11.6°, 56° N 1.5 hours and 10.6°, 57° N 9.6°)
SOLSTICE = date(2025, 12, 21)


def north(lat):
    return (lat, 18.0, "Europe/Stockholm")


def calibrated(spread, level=1.0, days=14, measured=False):
    """A site whose good days taught it `level` with `spread` in every sky
    (`measured`: the spread is their scatter, not the floor)."""
    return SiteKnowledge(
        levels=Levels({b: Level(level, spread, True, days, measured) for b in BINS})
    )


# --- SilentAllDay -------------------------------------------------------------


def test_a_whole_lit_day_without_data_is_a_comms_loss_naming_the_daylight_hours():
    rule = SilentAllDay()
    place = north(55.0)
    facts = day_facts([None] * 240, spec("S", place=place), peers={}, day=SOLSTICE, step=6)
    assert facts.lit_hours >= rule.min_lit_hours
    verdict = judge_day(facts)
    assert verdict.kind == "comms_loss"
    assert f"no data all day ({facts.lit_hours:.1f} hours of daylight)" in verdict.reason


def test_a_silent_day_with_too_few_lit_hours_is_not_a_comms_loss():
    place = north(56.0)
    facts = day_facts([None] * 240, spec("S", place=place), peers={}, day=SOLSTICE, step=6)
    assert 0 < facts.lit_hours < SilentAllDay().min_lit_hours
    verdict = judge_day(facts)
    assert verdict.kind == "indeterminate"
    assert verdict.evidence["rule"] == "Unjudged"


# --- SilentSince ---------------------------------------------------------------


def silent_for(hours, step=6):
    """A normal day whose data stops `hours` of lit time before sunset."""
    values = power(step=step)
    lit = lit_steps(step=step)
    silent = round(hours * 60 / step)
    for i in range(lit[-silent], len(values)):
        values[i] = None
    return values


@pytest.mark.parametrize("margin", [0.1, 0.5])
def test_silent_until_sunset_for_the_rules_hours_is_a_comms_loss(margin):
    hours = SilentSince().min_silent_hours + margin
    verdict = judge(silent_for(hours), step=6)
    assert verdict.kind == "comms_loss"
    assert f"no data for the last {hours:.1f} hours of daylight" in verdict.reason


def test_a_silence_shorter_than_the_rules_hours_is_a_gap_and_the_day_is_judged():
    verdict = judge(silent_for(SilentSince().min_silent_hours - 0.1), step=6)
    assert verdict.kind == "ok"
    assert "producing normally" in verdict.reason


def test_a_long_gap_that_ends_before_sunset_is_not_a_comms_loss():
    values = power(step=6)
    lit = lit_steps(step=6)
    gap = round((SilentSince().min_silent_hours + 1) * 10)
    for i in lit[10 : 10 + gap]:
        values[i] = None
    assert judge(values, step=6).kind == "ok"


# --- NoSun ---------------------------------------------------------------------


def low_sun_day(lat):
    place = north(lat)
    target = spec("S", place=place)
    return day_facts(power(0.5, day=SOLSTICE, place=place), target, peers={}, day=SOLSTICE)


def test_a_day_whose_sun_stays_below_the_rules_height_is_not_judged():
    facts = low_sun_day(57.0)
    assert facts.max_elevation_deg < NoSun().min_elevation_deg
    verdict = judge_day(facts)
    assert verdict.kind == "indeterminate"
    assert verdict.evidence["abstained"] == "sun_low"
    assert f"the sun rose only {facts.max_elevation_deg:.0f}°" in verdict.reason


def test_a_day_whose_sun_clears_the_rules_height_is_judged_on_its_production():
    facts = low_sun_day(56.0)
    assert facts.max_elevation_deg >= NoSun().min_elevation_deg
    assert judge_day(facts).evidence.get("abstained") != "sun_low"


# --- ZeroProduction ------------------------------------------------------------


def test_about_nothing_all_day_is_zero_production_whatever_the_sky():
    rule = ZeroProduction()
    # a storm-dark neighbourhood: little is due, yet a working inverter
    # makes something in any daylight
    just_under = [None if p is None else rule.zero_fraction * CAPACITY_W * 0.9 for p in power()]
    verdict = judge(just_under, sky=0.05)
    assert verdict.kind == "inverter_fault"
    assert "about 0 W all day" in verdict.reason


def test_a_little_all_day_is_not_zero_production_but_a_deep_shortfall():
    rule = ZeroProduction()
    just_over = [None if p is None else rule.zero_fraction * CAPACITY_W * 1.2 for p in power()]
    verdict = judge(just_over)
    assert verdict.kind == "underperformance"
    assert "persist" not in verdict.evidence  # deep: opens the same day


def zero_in_hours(hours, sky=SKY):
    """Normal power but 0 W within the given local hours."""
    return power(sky, factor=lambda h: 0.0 if int(h) in hours else 1.0)


def test_zero_for_the_rules_hours_while_much_was_due_is_zero_production():
    rule = ZeroProduction()
    hours = list(range(11, 11 + int(rule.min_hours)))
    verdict = judge(zero_in_hours(hours))
    assert verdict.kind == "inverter_fault"
    assert f"about 0 W for {len(hours)} hours of daylight from 11:00" in verdict.reason
    assert verdict.evidence["zero_hours"] == hours


def test_zero_for_fewer_hours_than_the_rule_asks_is_not_zero_production():
    rule = ZeroProduction()
    hours = list(range(11, 11 + int(rule.min_hours) - 1))
    assert judge(zero_in_hours(hours)).kind != "inverter_fault"


def test_a_few_hours_of_zero_data_is_not_zero_production_all_day():
    rule = ZeroProduction()
    lit = lit_steps()
    hours = int(rule.whole_day_hours) - 1
    values = [None] * 96
    start = lit[len(lit) // 2]
    for i in range(start, start + 4 * hours):
        values[i] = 0.0
    assert judge(values, sky=0.05).kind != "inverter_fault"
    for i in range(start, start + 4 * (hours + 1)):
        values[i] = 0.0
    assert judge(values, sky=0.05).kind == "inverter_fault"


def sky_due(share, hours):
    """The sky under which the roof is due `share` of its capacity on
    average over each of `hours` at the least."""
    m = model()
    per_hour = 4

    def least(k):
        due = m.power_under(np.full(96, k))
        return min(due[h * per_hour : (h + 1) * per_hour].mean() for h in hours)

    low, high = 0.0, 1.0
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if least(mid) < share * CAPACITY_W else (low, mid)
    return high


def test_zero_production_needs_the_rules_share_of_capacity_due():
    rule = ZeroProduction()
    hours = [11, 12, 13]
    sky = sky_due(rule.due_fraction, hours)
    dark = judge(zero_in_hours(hours, sky * 0.9), sky=sky * 0.9)
    assert dark.kind != "inverter_fault"
    lit = judge(zero_in_hours(hours, sky * 1.1), sky=sky * 1.1)
    assert lit.kind == "inverter_fault"
    assert "while its roof was due" in lit.reason


# --- DeadDevices ---------------------------------------------------------------


def with_devices(energies, shares=None):
    alive = sum(e or 0.0 for e in energies) / (len(energies) * max(e or 0 for e in energies))
    knowledge = SiteKnowledge(device_shares=shares) if shares else None
    return judge(power(factor=alive), devices=tuple(energies), knowledge=knowledge)


def test_a_device_at_the_dead_share_of_its_siblings_median_is_named():
    rule = DeadDevices()
    each = 6000.0
    verdict = with_devices([each, each, each, rule.dead_share * each * 0.9])
    assert verdict.kind == "string_mlpe_fault"
    assert verdict.reason.startswith("1 of 4 devices down (#4)")
    assert verdict.evidence["devices_down"] == [3]


def test_a_device_just_above_the_dead_share_without_usual_shares_is_not_down():
    rule = DeadDevices()
    each = 6000.0
    verdict = with_devices([each, each, each, rule.dead_share * each * 1.1])
    assert verdict.kind != "string_mlpe_fault"


def test_a_device_not_reporting_while_its_siblings_produce_is_down():
    verdict = with_devices([6000.0, None, 6000.0, 6000.0])
    assert verdict.kind == "string_mlpe_fault"
    assert "(#2)" in verdict.reason


def drop_energy(share_of_usual, usual=0.25, each=6000.0, siblings=3):
    """The energy that gives the last device `share_of_usual` of its usual
    share of the day, its siblings making `each`."""
    target = share_of_usual * usual
    return siblings * each * target / (1.0 - target)


def test_a_device_at_the_drop_share_of_its_usual_share_is_down():
    rule = DeadDevices()
    low = drop_energy(rule.drop_share * 0.95)
    assert low > rule.dead_share * 6000.0  # the usual share decides, not the median
    verdict = with_devices([6000.0] * 3 + [low], shares=(0.25,) * 4)
    assert verdict.kind == "string_mlpe_fault"
    assert "#4" in verdict.reason


def test_a_device_above_the_drop_share_of_its_usual_share_is_not_down():
    rule = DeadDevices()
    verdict = with_devices([6000.0] * 3 + [drop_energy(rule.drop_share * 1.05)], shares=(0.25,) * 4)
    assert verdict.kind != "string_mlpe_fault"


def test_a_dark_day_whose_devices_all_make_little_says_nothing_of_a_dead_one():
    rule = DeadDevices()
    dim = rule.min_median_wh * 0.9
    facts = day_facts(power(0.05), devices=(dim, dim, dim, 0.0), sky=0.05)
    assert rule(facts) is None
    bright = rule.min_median_wh * 1.1
    facts = day_facts(power(0.05), devices=(bright, bright, bright, 0.0), sky=0.05)
    assert rule(facts).kind == "string_mlpe_fault"


def test_every_device_down_is_not_a_device_fault():
    facts = day_facts(power(factor=0.0), devices=(0.0, 0.0, None))
    assert DeadDevices()(facts) is None
    assert judge_day(facts).kind == "inverter_fault"


# --- Shortfall -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spread", "bound"),
    [(0.01, "max_ratio"), (0.07, None), (0.2, "min_ratio")],
)
def test_how_short_is_short_follows_the_spread_within_its_bounds(spread, bound):
    rule = Shortfall()
    level = Level(1.0, spread, True, 14)
    expected = getattr(rule, bound) if bound else 1.0 - rule.sigmas * spread
    assert rule.threshold(level) == pytest.approx(expected)


@pytest.mark.parametrize("spread", [0.02, 0.07, 0.12])
def test_a_calibrated_site_is_short_just_below_its_threshold_and_not_above(spread):
    rule = Shortfall()
    knowledge = calibrated(spread)
    threshold = rule.threshold(Level(1.0, spread, True, 14))
    short = judge(power(factor=threshold - 0.02), knowledge=knowledge)
    assert short.kind == "underperformance"
    assert short.evidence["threshold"] == pytest.approx(threshold, abs=1e-3)
    assert short.evidence["persist"] is True  # moderate: must persist
    assert f"{threshold - 0.02:.0%} of what its roof makes under its neighbours' sky" in (
        short.reason
    )
    fine = judge(power(factor=threshold + 0.02), knowledge=knowledge)
    assert fine.kind == "ok"


def split_day(better, worse, split_hour=12.5):
    return power(factor=lambda h: better if h < split_hour else worse)


def test_a_day_short_on_the_whole_but_with_better_hours_well_above_is_a_cloud():
    rule = Shortfall()
    knowledge = calibrated(0.05)
    threshold = rule.threshold(Level(1.0, 0.05, True, 14))
    better = threshold + rule.upper_margin + 0.03
    verdict = judge(split_day(better, 0.6), knowledge=knowledge)
    assert verdict.evidence["ratio"] <= threshold
    assert verdict.evidence["upper"] > threshold + rule.upper_margin
    assert verdict.kind == "ok"


def test_a_day_short_on_the_whole_with_better_hours_within_the_margin_is_short():
    rule = Shortfall()
    knowledge = calibrated(0.05)
    threshold = rule.threshold(Level(1.0, 0.05, True, 14))
    better = threshold + rule.upper_margin - 0.03
    verdict = judge(split_day(better, 0.7), knowledge=knowledge)
    assert verdict.kind == "underperformance"
    assert f"even its better hours made {verdict.evidence['upper']:.0%}" in verdict.reason


def test_a_deep_day_under_close_neighbours_opens_at_once():
    rule = Shortfall()
    verdict = judge(power(factor=rule.deep_ratio - 0.02))
    assert verdict.kind == "underperformance"
    assert "persist" not in verdict.evidence
    assert "hours at half or less" in verdict.reason


def test_a_day_just_above_the_deep_ratio_must_persist():
    rule = Shortfall()
    verdict = judge(power(factor=rule.deep_ratio + 0.02))
    assert verdict.kind == "underperformance"
    assert verdict.evidence["persist"] is True


def test_a_deep_day_needs_the_rules_hours_at_half_or_less():
    rule = Shortfall()
    noon = 12
    # most hours just over half, the rest (around noon) well under: the day
    # as a whole at half or less either way
    for count, deep in ((rule.deep_hours - 1, False), (rule.deep_hours, True)):
        low = set(range(noon, noon + count))
        verdict = judge(power(factor=lambda h, low=low: 0.3 if int(h) in low else 0.51))
        assert verdict.evidence["ratio"] <= rule.deep_ratio
        assert verdict.kind == "underperformance"
        assert ("persist" not in verdict.evidence) is deep, count


def test_a_deep_day_under_far_neighbours_sky_must_persist():
    rule = Shortfall()
    facts = day_facts(power(factor=rule.deep_ratio - 0.1), peers=neighbours(4, FAR))
    assert not facts.close_sky
    verdict = judge_day(facts)
    assert verdict.kind == "underperformance"
    assert verdict.evidence["persist"] is True
    assert verdict.evidence["due_from"] == "far neighbours"


def test_far_neighbours_widen_the_spread_by_the_far_factor():
    near = COMPARISON(day_facts(power(), knowledge=calibrated(0.03)))
    far = COMPARISON(day_facts(power(), knowledge=calibrated(0.03), peers=neighbours(4, FAR)))
    assert far.level.spread == pytest.approx(near.level.spread * COMPARISON.far_factor)


def test_a_spread_measured_over_the_sites_own_days_is_not_widened_by_far_neighbours():
    # a rural site's good days were all judged under far neighbours' sky:
    # their scatter holds it already
    sure = calibrated(0.05, measured=True)
    near = COMPARISON(day_facts(power(), knowledge=sure))
    far = COMPARISON(day_facts(power(), knowledge=sure, peers=neighbours(4, FAR)))
    assert far.source == "far neighbours"
    assert far.level.spread == pytest.approx(near.level.spread)


@pytest.mark.parametrize("margin, compared", [(-0.005, True), (0.005, False)])
def test_a_site_nobody_near_is_compared_on_a_day_within_the_clear_misfit(margin, compared):
    # the misfit of the day's power to its roof's clear-sky shape, over the
    # lit steps kept as clear
    facts = replace(
        day_facts(power(1.0), peers={}),
        clear_fit=(COMPARISON.clear_residual + margin, 0.7, COMPARISON.clear_kept + 0.1),
    )
    result = COMPARISON(facts)
    assert (result is not None and result.source == "clear sky") is compared


def test_a_roof_not_known_is_short_only_of_the_least_plausible_roof_and_deeply():
    rule = Shortfall()
    unknown = spec("S", arrays=())
    bound = day_facts(power(), unknown)
    least = sum(w for w in bound.bound_wh if w)
    made = sum(w for w in bound.made_wh if w)
    # the site makes a share of what the least favourable roof makes
    for share, short in ((rule.deep_ratio - 0.05, True), (rule.deep_ratio + 0.05, False)):
        verdict = judge(power(factor=share * least / made), target_spec=unknown)
        assert (verdict.kind == "underperformance") is short, share
    verdict = judge(power(factor=(rule.deep_ratio - 0.05) * least / made), target_spec=unknown)
    assert verdict.evidence["due_from"] == "least favourable roof"
    assert f"{rule.deep_ratio - 0.05:.0%} of the least any plausible roof" in verdict.reason


def test_a_roof_facing_away_from_the_sun_is_not_judged_before_its_level_is_learned():
    away = (Array(6.0, 45.0, 0.0),)
    facts = day_facts(power(factor=0.7, arrays=away), spec("S", arrays=away))
    assert facts.contrast < COMPARISON.min_contrast
    assert judge_day(facts).kind == "ok"
    # learned, the same day is short
    learned = day_facts(
        power(factor=0.7, arrays=away), spec("S", arrays=away), knowledge=calibrated(0.03)
    )
    assert judge_day(learned).kind == "underperformance"


@pytest.mark.parametrize("facing_the_sun", [True, False])
def test_an_inferred_roofs_fit_judges_a_bright_day_only_on_a_roof_facing_the_sun(facing_the_sun):
    # no good day yet on the inferred roof: its fit's scale, measured on the
    # site's clear days, is its bright level where the fit is surest
    roof = ROOF if facing_the_sun else (Array(6.0, 45.0, 0.0),)
    known = SiteKnowledge(levels=learn((), prior=1.0, prior_is_a_day=True), inferred_roof=roof)
    facts = day_facts(power(factor=0.7, arrays=roof), spec("S", arrays=()), knowledge=known)
    assert facts.roof == ROOF_INFERRED
    assert (facts.contrast >= COMPARISON.min_contrast) is facing_the_sun
    verdict = judge_day(facts)
    assert verdict.kind == ("underperformance" if facing_the_sun else "ok")
    assert verdict.evidence["calibrated"] is facing_the_sun
    if facing_the_sun:
        assert "at its usual level of 100% ± 9% (what its clear days showed)" in verdict.reason
    # without the fit's scale (a roof entered, or nothing inferred yet) the
    # same bright day is not judged on a moderate shortfall either
    unsure = SiteKnowledge(inferred_roof=roof)
    facts = day_facts(power(factor=0.7, arrays=roof), spec("S", arrays=()), knowledge=unsure)
    assert judge_day(facts).kind == "ok"


def test_a_neighbours_open_fault_does_not_move_what_an_unknown_roof_is_due():
    # neighbours facing every way (their yields per kWp differ); one of them
    # is short, first unconfirmed, then with its fault open: what the site
    # without a roof is due stays the same
    roofs = {
        "N0": ROOF,
        "N1": (Array(6.0, 30.0, 90.0),),
        "N2": (Array(6.0, 30.0, 270.0),),
        "N3": (Array(6.0, 5.0, 180.0),),
    }
    specs = {"S": spec("S", arrays=()), **{n: spec(n, arrays=r) for n, r in roofs.items()}}
    day = {"S": series("S", power())}
    for name, roof in roofs.items():
        day[name] = series(name, power(factor=0.6 if name == "N1" else 1.0, arrays=roof))

    def due(neighbour_faulty):
        known = {"N1": SiteKnowledge(faulty=neighbour_faulty)}
        return judge_day(fleet_day_facts(specs, day, known)["S"]).evidence["due_wh"]

    assert due(True) == due(False)


@pytest.mark.parametrize("factor, short", [(0.66, False), (0.62, True)])
def test_a_mixed_sky_level_from_two_days_is_only_as_sure_as_its_floor(factor, short):
    # two good days under a mixed sky (a repaired site's first two after its
    # repair): partial clouds scatter a site's days more than a clear sky
    two = SiteKnowledge(levels=learn([GoodDay(DAY, 0.5, 1.0)] * 2))
    facts = day_facts(power(0.5, factor), sky=0.5, knowledge=two)
    assert not facts.level.measured and facts.level.spread == pytest.approx(0.12)
    assert (judge_day(facts).kind == "underperformance") is short


# --- Unjudged ------------------------------------------------------------------


def reported_share(share, step=6):
    """The day's data starts late: only the last `share` of the lit day,
    up to sunset."""
    values = power(step=step)
    lit = lit_steps(step=step)
    keep = round(share * len(lit))
    for i in range(0, lit[-keep]):
        values[i] = None
    return values


def test_a_day_reported_below_the_rules_share_is_not_judged():
    rule = Unjudged()
    verdict = judge(reported_share(rule.min_reported_share - 0.02), step=6)
    assert verdict.kind == "indeterminate"
    assert verdict.evidence["abstained"] == "report_old"
    assert "daylight hours reported" in verdict.reason


def test_a_day_reported_above_the_rules_share_is_judged():
    rule = Unjudged()
    verdict = judge(reported_share(rule.min_reported_share + 0.02), step=6)
    assert verdict.kind == "ok"
    assert "ratio" in verdict.evidence


# --- Normal --------------------------------------------------------------------


def test_a_normal_day_says_what_it_made_against_what_was_due():
    verdict = judge(power())
    assert verdict.kind == "ok"
    assert verdict.evidence["ratio"] == pytest.approx(1.0, abs=0.01)
    assert "producing normally" in verdict.reason and "100% of what was due" in verdict.reason


def test_a_site_nobody_near_on_a_clear_day_is_compared_with_its_clear_sky_model():
    verdict = judge(power(1.0), peers={})
    assert verdict.kind == "ok"
    assert verdict.evidence["due_from"] == "clear sky"


def test_a_site_nobody_near_on_a_broken_day_is_ok_but_not_compared():
    broken = power(factor=lambda h: 1.0 if int(h * 2) % 2 else 0.3)
    verdict = judge(broken, peers={})
    assert verdict.kind == "ok"
    assert "ratio" not in verdict.evidence
    assert "no neighbours told today's sky" in verdict.reason


def test_a_storm_dark_day_is_not_compared():
    verdict = judge(power(0.03), sky=0.03)
    assert verdict.kind == "ok"
    assert "too little was due under today's dark sky" in verdict.reason


def test_mixed_step_lengths_among_neighbours_are_judged():
    """A 10-minute site among 15-minute neighbours (lengths neither divides)."""
    verdict = judge(power(step=10), step=10)
    assert verdict.kind == "ok"
    assert verdict.evidence["ratio"] == pytest.approx(1.0, abs=0.02)


def test_the_rules_are_asked_in_order_and_name_the_one_that_decided():
    facts = day_facts(power())
    assert judge_day(facts).evidence["rule"] == "Normal"
