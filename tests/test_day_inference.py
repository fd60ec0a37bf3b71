"""What the day judge infers rather than is told: how sure a comparison is
before the site's level is learned (the neighbours' spread), and the roof
of a site nobody entered (`orientation.py`), whose choice is sticky.
"""

from dataclasses import replace

import pytest
from daykit import day_facts, neighbours, power, series, spec

from solar_om_engine.dayfacts import ROOF_INFERRED, SPREAD_PEERS
from solar_om_engine.dayhistory import SiteHistory, knowledge
from solar_om_engine.dayrules import COMPARISON, Shortfall, judge_day
from solar_om_engine.levels import BINS, BRIGHT, DEFAULT_LEVELS, Level, Levels
from solar_om_engine.orientation import (
    CANDIDATES,
    MIN_CLEAR_DAYS,
    SWITCH_MARGIN,
    Candidate,
    DayFit,
    RoofEvidence,
    fit_day,
)
from solar_om_engine.readings import Array

ASSUMED = DEFAULT_LEVELS.floor(BRIGHT, False)

# --- the neighbours' spread -------------------------------------------------------


def test_neighbours_who_agree_make_an_unlearned_level_as_sure_as_the_floor():
    facts = day_facts(power(), peers=neighbours(SPREAD_PEERS))
    assert facts.neighbour_spread == pytest.approx(0.0, abs=1e-6)
    assert COMPARISON(facts).level.spread == COMPARISON.spread_floor
    threshold = 1.0 - Shortfall().sigmas * COMPARISON.spread_floor
    short = judge_day(day_facts(power(factor=threshold - 0.01), peers=neighbours(SPREAD_PEERS)))
    assert short.kind == "underperformance"
    assert short.evidence["spread"] == COMPARISON.spread_floor


def test_too_few_neighbours_to_measure_a_spread_keep_the_assumed_one():
    few = neighbours(SPREAD_PEERS - 1)
    facts = day_facts(power(), peers=few)
    assert facts.neighbour_spread is None
    assert COMPARISON(facts).level.spread == ASSUMED
    # the same day that is short among agreeing neighbours is not short here
    threshold = 1.0 - Shortfall().sigmas * COMPARISON.spread_floor
    between = (threshold + Shortfall().threshold(COMPARISON(facts).level)) / 2
    assert judge_day(day_facts(power(factor=between), peers=few)).kind == "ok"
    agreeing = day_facts(power(factor=between), peers=neighbours(SPREAD_PEERS))
    assert judge_day(agreeing).kind == "underperformance"


def scattered(factors):
    peers = neighbours(len(factors))
    return peers, {name: power(factor=f) for name, f in zip(peers, factors, strict=True)}


@pytest.mark.parametrize("deviation", [0.03, 0.05])
def test_the_neighbours_spread_is_the_scatter_of_their_own_ratios(deviation):
    factors = [1.0 + k * deviation for k in (-2, -1, 0, 1, 2)]
    peers, made = scattered(factors)
    facts = day_facts(power(), peers=peers, peer_power=made)
    # the scaled median absolute deviation of their ratios
    assert facts.neighbour_spread == pytest.approx(1.4826 * deviation, rel=0.02)
    used = COMPARISON(facts).level.spread
    assert used == pytest.approx(max(facts.neighbour_spread, COMPARISON.spread_floor))


def test_neighbours_who_disagree_widely_leave_the_assumed_spread():
    peers, made = scattered([0.6, 0.8, 1.0, 1.2, 1.4])
    facts = day_facts(power(), peers=peers, peer_power=made)
    assert facts.neighbour_spread > ASSUMED
    assert COMPARISON(facts).level.spread == ASSUMED


# --- the roof of a site nobody entered ------------------------------------------


def clear_day_fit(arrays, sky=1.0, factor=1.0):
    kwp = sum(a.dc_kwp for a in arrays)
    site = spec("S", arrays=(), capacity_w=kwp * 1000.0)
    return fit_day(site, series("S", power(sky, factor, arrays=arrays)))


@pytest.mark.parametrize(
    "candidate",
    [Candidate(30.0, 135.0), Candidate(20.0, 90.0, True), Candidate(40.0, 180.0)],
    ids=lambda c: c.describe(),
)
def test_one_clear_day_shows_the_roof(candidate):
    fit = clear_day_fit(candidate.arrays(6.0))
    assert fit.clear
    evidence = RoofEvidence().add(fit)
    assert evidence.clear_days == MIN_CLEAR_DAYS
    assert evidence.best() == candidate
    assert evidence.scale() == pytest.approx(1.0, abs=0.05)


def test_a_broken_day_is_not_clear_and_teaches_no_roof():
    arrays = Candidate(30.0, 135.0).arrays(6.0)
    kwp = 6.0
    site = spec("S", arrays=(), capacity_w=kwp * 1000.0)
    broken = power(1.0, factor=lambda h: 1.0 if int(h * 4) % 2 else 0.5, arrays=arrays)
    fit = fit_day(site, series("S", broken))
    assert not fit.clear
    assert RoofEvidence().add(fit) == RoofEvidence()


def test_a_site_without_arrays_is_judged_on_its_inferred_roof_after_a_clear_day():
    arrays = (Array(6.0, 30.0, 135.0),)
    site = spec("S", arrays=())
    history = SiteHistory(roof=RoofEvidence().add(clear_day_fit(arrays)))
    known = knowledge(history, site)
    assert known.inferred_roof == arrays
    facts = day_facts(power(0.8, arrays=arrays), site, knowledge=known)
    assert facts.roof == ROOF_INFERRED
    assert judge_day(facts).evidence["roof"] == ROOF_INFERRED


A, B = 1, 2  # two single planes: no layout prior between them


def fit_with(scores):
    """A clear day's fit where candidates A and B have these residuals and
    every other candidate fits badly."""
    residuals = [1.0] * len(CANDIDATES)
    residuals[A], residuals[B] = scores
    return DayFit(True, tuple(residuals), (0.0,) * len(CANDIDATES))


def test_the_chosen_roof_stays_while_another_fits_only_a_little_better():
    evidence = RoofEvidence().add(fit_with((0.02, 0.03)))
    assert evidence.chosen == A
    # B's mean residual just short of SWITCH_MARGIN below A's
    a_day = 0.02
    b_day = 2 * (1.0 - SWITCH_MARGIN) * (0.02 + a_day) / 2 * 1.05 - 0.03
    stayed = evidence.add(fit_with((a_day, b_day)))
    scores = stayed.scores()
    assert scores[B] < scores[A]  # B fits better on the whole ...
    assert stayed.chosen == A  # ... but not clearly enough to switch


def test_another_roof_that_fits_clearly_better_replaces_the_chosen_one():
    evidence = RoofEvidence().add(fit_with((0.02, 0.03)))
    a_day = 0.02
    b_day = 2 * (1.0 - SWITCH_MARGIN) * (0.02 + a_day) / 2 * 0.95 - 0.03
    switched = evidence.add(fit_with((a_day, b_day)))
    assert switched.chosen == B
    assert switched.best() == CANDIDATES[B]


def on_inferred_roof(level, made, calibrated=True):
    """Site "S" without arrays on an inferred roof whose learned level is
    `level` (every kind of sky), making `made` of its model."""
    arrays = (Array(6.0, 30.0, 135.0),)
    site = spec("S", arrays=())
    known = knowledge(SiteHistory(roof=RoofEvidence().add(clear_day_fit(arrays))), site)
    levels = Levels({b: Level(level, 0.03, calibrated, 8 if calibrated else 0) for b in BINS})
    facts = day_facts(
        power(factor=made, arrays=arrays), site, knowledge=replace(known, levels=levels)
    )
    assert facts.roof == ROOF_INFERRED
    return facts


@pytest.mark.parametrize(
    "level, judged",
    [(0.65, False), (0.72, True), (1.25, True), (1.35, False)],
)
def test_an_inferred_roof_far_from_the_site_judges_no_moderate_shortfall(level, judged):
    """A moderate shortfall on an inferred roof counts only while the
    roof explains the site: its level within `inferred_levels` (0.7-1.3);
    a roof that needs much more or less than its model is not the site's,
    and its misfit swings with the sky."""
    low, high = Shortfall.inferred_levels
    assert (low, high) == (0.7, 1.3)
    verdict = Shortfall()(on_inferred_roof(level, made=0.7 * level))
    assert (verdict is not None and verdict.kind == "underperformance") is judged


def test_an_inferred_roof_not_learned_for_the_sky_judges_no_moderate_shortfall():
    """Only entered arrays let the model judge before the site's level is
    learned: an inferred roof fitted on clear days may treat other skies
    differently."""
    assert Shortfall()(on_inferred_roof(1.0, made=0.7, calibrated=True)) is not None
    assert Shortfall()(on_inferred_roof(1.0, made=0.7, calibrated=False)) is None
