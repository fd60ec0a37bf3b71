"""Days in a row: when short days add up to a ticket (`EvidencePolicy`),
when a fault closes, what a site's history keeps (`SiteHistory`) and how
its level is learned per kind of sky (`levels.py`).

The fleet is site "S" among four close healthy neighbours, replayed day by
day through `replay.Replay` (the `close_day` the addon's daily close
calls), with days made by the engine's own roof model (`daykit`).
"""

import json

import pytest
from daykit import DAY, SKY, days, neighbours, power, series, spec

from solar_om_engine.classify import Verdict
from solar_om_engine.dayhistory import (
    DEFAULT_POLICY,
    DayRecord,
    EvidencePolicy,
    SiteHistory,
)
from solar_om_engine.dayrules import Shortfall
from solar_om_engine.faults import OpenFault
from solar_om_engine.levels import (
    BRIGHT,
    DARK,
    MIXED,
    GoodDay,
    Level,
    LevelPolicy,
    is_good,
    learn,
)
from solar_om_engine.orientation import CANDIDATES, RoofEvidence
from solar_om_engine.readings import Array
from solar_om_engine.replay import Replay, close_day


def fleet(target=None, count=4, devices=None):
    specs = {"S": target or spec("S"), **neighbours(count)}
    return Replay(specs), specs


def live(replay, specs, factors, sky=SKY, start=DAY, devices=None):
    """Replay one day per factor of site S (its neighbours make their
    model); the lines of S."""
    lines = []
    for day, factor in zip(days(start, len(factors)), factors, strict=True):
        day_series = {
            name: series(
                name,
                power(sky, factor if name == "S" else 1.0, day=day),
                day,
                device_energy_wh=devices(day) if devices and name == "S" else None,
            )
            for name in specs
        }
        lines += [line for line in replay.day(day, day_series) if line.site == "S"]
    return lines


# --- EvidencePolicy: short days add up ------------------------------------------


def test_a_single_moderately_short_day_opens_no_ticket():
    replay, specs = fleet()
    (line,) = live(replay, specs, [0.7])
    assert line.kind == "underperformance"
    assert not line.ticket_open


def test_short_days_in_a_row_open_one_ticket_listing_the_days_before():
    replay, specs = fleet()
    good = [1.0] * 4  # the site's level is learned: bright, 100 %
    lines = live(replay, specs, good + [0.7, 0.7])
    assert [line.ticket_open for line in lines] == [False] * 5 + [True]
    assert lines[-1].reason.endswith("the days before: 100%, 100%, 100%, 70%")
    assert sum(f.site == "S" for f in replay.open_faults) == 1


def test_uncalibrated_short_days_count_half_and_need_a_day_more():
    # no good day yet: the shortfall may be the site's own level
    replay, specs = fleet()
    lines = live(replay, specs, [0.7, 0.7, 0.7])
    assert [line.ticket_open for line in lines] == [False, False, True]
    policy = EvidencePolicy()
    records = replay.histories["S"].records
    assert records[0].evidence == pytest.approx(policy.cap * policy.uncalibrated_share)


def test_a_deep_day_opens_a_ticket_the_same_day():
    replay, specs = fleet()
    (line,) = live(replay, specs, [Shortfall().deep_ratio - 0.1])
    assert line.kind == "underperformance" and line.ticket_open


def test_a_normal_day_between_two_short_ones_wipes_the_evidence():
    replay, specs = fleet()
    lines = live(replay, specs, [1.0] * 4 + [0.7, 1.0, 0.7])
    assert not any(line.ticket_open for line in lines)
    assert replay.histories["S"].records[-2].evidence == 0.0


def verdict(ratio, spread, upper=None, calibrated=True):
    evidence = {"ratio": ratio, "spread": spread, "calibrated": calibrated}
    if upper is not None:
        evidence["upper"] = upper
    return Verdict("S", "underperformance", "short", "acc", evidence)


def test_no_single_day_adds_more_than_the_cap_and_the_cap_is_below_a_ticket():
    policy = EvidencePolicy()
    assert policy.of_day(verdict(0.0, 0.01)) == policy.cap
    assert policy.cap < policy.open_at <= 2 * policy.cap


def test_a_day_near_its_level_subtracts_and_one_below_the_midpoint_adds():
    policy = EvidencePolicy()
    assert policy.of_day(verdict(policy.midpoint + 0.01, 0.1)) < 0
    assert policy.of_day(verdict(policy.midpoint - 0.01, 0.1)) > 0


def test_a_short_day_whose_better_hours_were_fine_adds_nothing():
    policy = EvidencePolicy()
    cloudy = verdict(0.6, 0.1, upper=policy.midpoint + policy.upper_margin + 0.01)
    assert policy.of_day(cloudy) == 0.0
    short = verdict(0.6, 0.1, upper=policy.midpoint + policy.upper_margin - 0.01)
    assert policy.of_day(short) > 0


@pytest.mark.parametrize("ratio", [0.8, 0.95], ids=["short", "above the midpoint"])
def test_an_uncalibrated_day_weighs_its_share_of_a_calibrated_one(ratio):
    # short or not: one day under a sky the site is not known under neither
    # opens a ticket nor wipes out the short days before it
    policy = EvidencePolicy()
    sure, unsure = verdict(ratio, 0.1), verdict(ratio, 0.1, calibrated=False)
    assert policy.of_day(sure) != 0.0
    assert policy.of_day(unsure) == pytest.approx(policy.uncalibrated_share * policy.of_day(sure))


def test_a_day_not_compared_adds_nothing():
    assert EvidencePolicy().of_day(Verdict("S", "ok", "reporting", "acc", {})) == 0.0


# --- recovery -----------------------------------------------------------------


def test_zero_production_opens_at_once_and_closes_after_two_normal_days():
    replay, specs = fleet()
    lines = live(replay, specs, [0.0, 1.0, 1.0])
    assert lines[0].kind == "inverter_fault" and lines[0].ticket_open
    assert lines[1].kind == "ok" and lines[1].ticket_open  # one normal day is not enough
    assert not lines[2].ticket_open
    assert replay.open_faults == []


def test_an_underperformance_closes_after_two_normal_days_compared_with_what_was_due():
    replay, specs = fleet()
    lines = live(replay, specs, [0.4, 1.0, 1.0])
    assert [line.ticket_open for line in lines] == [True, True, False]


def shade_until(hour, factor):
    """A site's own shadow (a local cloud, a passing obstruction) over
    the morning: `factor` of what was due until `hour`, then all of it."""
    return lambda h: factor if h < hour else 1.0


@pytest.mark.parametrize("morning, still_open", [(0.3, True), (0.8, False)])
def test_a_day_short_of_a_recovery_keeps_the_ticket_open(morning, still_open):
    """A day whose afternoon made what was due but whose morning did not is
    not a shortfall (its better hours were fine), and it is not a
    recovery either: the ticket of an open shortfall stays open through it.
    A lighter morning is a normal day and counts towards the closing."""
    replay, specs = fleet()
    lines = live(replay, specs, [1.0] * 4 + [0.4, 1.0, shade_until(13, morning), 1.0])
    assert lines[4].kind == "underperformance" and lines[4].ticket_open
    assert lines[6].kind == "ok"
    assert ("a little less than due" in lines[6].reason) is still_open
    assert lines[7].ticket_open is still_open


def test_a_site_still_short_keeps_its_ticket_open_and_never_learns_the_drop():
    replay, specs = fleet()
    lines = live(replay, specs, [1.0] * 4 + [0.7] * 8)
    assert all(line.ticket_open for line in lines[5:])
    assert all(line.kind == "underperformance" for line in lines[4:])
    level = replay.histories["S"].levels(None).at(SKY)
    assert level.level == pytest.approx(1.0, abs=0.01)


def test_a_dead_micro_is_named_once_its_usual_share_is_known():
    replay, specs = fleet()
    each = 6000.0

    def devices(day):
        return (each, each, each, each if day < days(DAY, 3)[-1] else 0.2 * each)

    lines = live(replay, specs, [1.0, 1.0, 0.8], devices=devices)
    assert lines[-1].kind == "string_mlpe_fault" and lines[-1].ticket_open
    assert "(#4)" in lines[-1].reason
    assert replay.histories["S"].usual_shares() == pytest.approx((0.25,) * 4)


# --- SiteHistory: what the addon stores ----------------------------------------


def test_a_sites_history_survives_json_unchanged():
    unknown = spec("S", arrays=())
    replay, specs = fleet(unknown)
    lines = live(replay, specs, [1.0, 0.9, 0.3], sky=1.0, devices=lambda day: (5.0e3, 5.1e3))
    assert [line.kind for line in lines] == ["ok", "ok", "underperformance"]
    history = replay.histories["S"]
    assert history.roof.clear_days and history.roof.chosen is not None
    assert history.device_shares and any(r.good for r in history.records)
    stored = json.loads(json.dumps(history.to_json()))
    assert SiteHistory.from_json(stored) == history


def test_an_empty_history_is_read_from_nothing():
    assert SiteHistory.from_json(None) == SiteHistory()
    assert SiteHistory.from_json({}) == SiteHistory()


def test_roof_evidence_of_other_candidates_starts_afresh_and_keeps_the_days():
    record = DayRecord(DAY, "ok", 0.8, 0.97, True, 0.97, 0.0, None)
    history = SiteHistory((record,), RoofEvidence(3, (0.1,) * len(CANDIDATES), (0.0,) * 151, 2))
    data = history.to_json()
    data["roof"]["residuals"] = [0.1, 0.2]  # an engine that had two candidates
    read = SiteHistory.from_json(data)
    assert read.records == (record,)
    assert read.roof == RoofEvidence()


# --- levels per kind of sky -----------------------------------------------------


def good(sky, ratio, n=1):
    return [GoodDay(DAY, sky, ratio)] * n


@pytest.mark.parametrize(
    ("sky", "kind"),
    [
        (LevelPolicy().bright_from, BRIGHT),
        (LevelPolicy().bright_from - 0.01, MIXED),
        (LevelPolicy().dark_below, MIXED),
        (LevelPolicy().dark_below - 0.01, DARK),
        (None, BRIGHT),
    ],
)
def test_a_days_sky_puts_it_in_one_kind(sky, kind):
    assert LevelPolicy().bin(sky) == kind


def test_each_kind_of_sky_learns_its_own_level_from_its_good_days():
    policy = LevelPolicy()
    levels = learn(good(0.9, 0.98, 5) + good(0.2, 0.72, 5))
    assert levels.at(0.9).level == pytest.approx(0.98) and levels.at(0.9).calibrated
    assert levels.at(0.2).level == pytest.approx(0.72) and levels.at(0.2).calibrated
    # mixed days borrow half the way from the model to the nearer kind
    mixed = levels.at(0.5)
    assert not mixed.calibrated
    assert mixed.level in (pytest.approx((1.0 + 0.98) / 2), pytest.approx((1.0 + 0.72) / 2))
    assert mixed.spread == policy.floor(MIXED, False)


def test_a_kind_is_learned_from_its_minimum_days_not_before():
    policy = LevelPolicy()
    assert not learn(good(0.9, 0.9, policy.min_days - 1)).at(0.9).calibrated
    learned = learn(good(0.9, 0.9, policy.min_days)).at(0.9)
    assert learned.calibrated
    # few days: the floor widened
    assert learned.spread == pytest.approx(
        policy.floor(BRIGHT, True) * (1 + policy.few_days / policy.min_days)
    )


def test_the_spread_is_the_scatter_of_the_good_days_once_there_are_enough():
    policy = LevelPolicy()
    ratios = [0.8, 0.9, 1.0, 1.1, 1.2, 0.9, 1.0, 1.1]
    level = learn([GoodDay(DAY, 0.9, r) for r in ratios]).at(0.9)
    assert level.level == pytest.approx(1.0)
    mad = 1.4826 * 0.1
    assert level.spread == pytest.approx(mad * (1 + policy.few_days / len(ratios)))


def test_an_inferred_roofs_fit_counts_as_a_good_day_while_the_days_are_few():
    # two bright days that disagree (one lifted by cloud edges): the fit's
    # scale, measured on the site's clear days, settles the level
    policy = LevelPolicy()
    two = [GoodDay(DAY, 0.9, 1.04), GoodDay(DAY, 0.9, 1.22)]
    assert learn(two).at(0.9).level == pytest.approx(1.13)
    assert learn(two, prior=1.04, prior_is_a_day=True).at(0.9).level == pytest.approx(1.04)
    # once the days are enough to measure, they alone teach it
    enough = two + [GoodDay(DAY, 0.9, 1.2)] * (policy.spread_days - 2)
    assert learn(enough, prior=1.04, prior_is_a_day=True).at(0.9).level == pytest.approx(1.2)


def test_an_inferred_roofs_fit_is_its_bright_level_before_its_first_bright_day():
    levels = learn((), prior=0.9, prior_is_a_day=True)
    bright = levels.at(0.9)
    assert bright.calibrated and bright.days == 0 and bright.level == pytest.approx(0.9)
    # other skies treat a roof otherwise: not learned, the fit's scale assumed
    assert not levels.at(0.1).calibrated and levels.at(0.1).level == pytest.approx(0.9)
    # a prior that is the model itself, not a measurement: nothing learned
    assert not learn((), prior=0.9).at(0.9).calibrated


def test_only_the_last_max_days_teach_a_lasting_rise():
    policy = LevelPolicy()
    before, after = good(0.9, 0.8, policy.max_days), good(0.9, 1.0, policy.max_days)
    assert learn(before + after).at(0.9).level == pytest.approx(1.0)


def test_a_level_never_exceeds_the_maximum():
    policy = LevelPolicy()
    assert learn(good(0.9, 3.0, 5)).at(0.9).level == policy.max_level


def test_a_day_well_below_a_learned_level_does_not_teach_it():
    policy = LevelPolicy()
    level = Level(1.0, 0.05, True, 10)
    edge = 1.0 - policy.good_sigmas * level.spread
    assert is_good(level, edge + 0.01)
    assert not is_good(level, edge - 0.01)
    assert is_good(Level(1.0, 0.05, False, 0), 0.5)  # not learned: any ok day teaches


def test_a_share_of_the_neighbours_yield_is_learned_over_its_days_not_held_short():
    # a roof not known (an unequal east/west split no candidate fits) made
    # one share of its neighbours' yield on two days, then less on the next
    # ones: a share swings with the weather, so it is learned over
    # `peer_days` days; the days after the first two teach it too
    split = (Array(3.6, 40.0, 90.0), Array(2.4, 40.0, 270.0))
    specs = {"S": spec("S", arrays=()), **neighbours()}
    replay = Replay(specs)
    lines = []
    for day, factor in zip(days(DAY, 8), [1.0, 1.0] + [0.78] * 6, strict=True):
        day_series = {
            name: series(
                name,
                power(factor=factor, day=day, arrays=split) if name == "S" else power(day=day),
                day,
            )
            for name in specs
        }
        lines += [line for line in replay.day(day, day_series) if line.site == "S"]
    history = replay.histories["S"]
    assert history.roof.chosen is None  # compared with its neighbours' yield all along
    assert [r.good for r in history.records] == [True] * 8
    assert all(line.kind == "ok" and not line.ticket_open for line in lines)
    assert lines[-1].reason.startswith("producing normally")
    assert "over 7 good days" in lines[-1].reason


def test_a_site_learns_its_level_from_good_days_and_says_so():
    replay, specs = fleet()
    lines = live(replay, specs, [0.9] * 5)
    assert all(line.kind == "ok" for line in lines)
    assert "± " in lines[-1].reason and "good days" in lines[-1].reason
    level = replay.histories["S"].levels(None, DEFAULT_POLICY).at(SKY)
    assert level.calibrated and level.level == pytest.approx(0.9, abs=0.01)
    # the dark kind has no day of its own: half way from the model
    dark = replay.histories["S"].levels(None).at(0.1)
    assert not dark.calibrated and dark.level == pytest.approx((1.0 + 0.9) / 2, abs=0.01)


# --- close_day: one local day of a fleet ----------------------------------------


def one_day(specs, factors, day=DAY):
    return {name: series(name, power(SKY, factors.get(name, 1.0), day=day), day) for name in specs}


def test_close_day_acts_only_on_what_is_confirmed_and_reports_what_it_opened():
    specs = {"S": spec("S"), "D": spec("D"), **neighbours(4)}
    closed = close_day(specs, one_day(specs, {"S": 0.7, "D": 0.3}), {}, [])
    # S is short once: judged, remembered, not acted on; D is deep: opened
    assert closed.verdicts["S"].kind == "underperformance"
    acted = {v.site: v.kind for v in closed.acted}
    assert "S" not in acted and acted["D"] == "underperformance"
    assert [v.site for v in closed.actions.to_open] == ["D"]
    assert closed.histories["S"].records[-1].evidence > 0


def test_a_site_with_an_open_fault_tells_its_neighbours_no_sky():
    # S's neighbours all have a fault open and make half: were they to tell
    # the sky, S's fine day would be judged under a darker one
    specs = {"S": spec("S"), **neighbours(4)}
    faults = [OpenFault(i, name, "underperformance", 0, "acc", i) for i, name in enumerate(specs)]
    faults = [f for f in faults if f.site != "S"]
    day = one_day(specs, {name: 0.5 for name in specs if name != "S"} | {"S": 1.0})
    closed = close_day(specs, day, {}, faults)
    assert closed.facts["S"].peers == 0
    assert closed.verdicts["S"].kind == "ok"
    healthy = close_day(specs, one_day(specs, {}), {}, [])
    assert healthy.facts["S"].peers == 4
