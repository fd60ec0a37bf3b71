"""The detection ceiling's count (`bench/detection_ceiling.py`): a faulty
check is catchable only if no healthy check is at least as damning on every
measure, and a check whose roof model is not trusted meets only untrusted
healthy checks."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
ceiling = pytest.importorskip("detection_ceiling")  # needs the fleet's pandas

INF = float("inf")


def row(label, dark, now=INF, trusted=True, caught=False, clear=0.5):
    measures = dict.fromkeys(ceiling.FEATURES, INF)
    measures.update(clear=clear, dark=dark, now_median=now)
    return ceiling.Row(label, caught, trusted, tuple(measures[f] for f in ceiling.FEATURES))


def test_a_fault_is_catchable_only_where_no_healthy_check_is_as_damning():
    # a healthy roof under a cloud all morning (short so far, normal now)
    # and one under a passing shadow now (normal so far, short now)
    healthy = [row("healthy", dark=0.45, now=0.9), row("healthy", dark=0.9, now=0.3)]
    deep = row("underperformance", dark=0.4, now=0.4)
    mild = row("underperformance", dark=0.5, now=0.5)
    energy = ("clear", "dark")
    with_power = (*energy, "now_median")
    # on the energy alone the clouded roof (0.45) is as short as the mild fault
    assert ceiling.catchable([deep, mild], healthy, energy) == 1
    # the power now tells them apart: no healthy check is short on both
    assert ceiling.catchable([deep, mild], healthy, with_power) == 2


def test_untrusted_checks_are_bounded_by_untrusted_healthy_ones_only():
    table = [
        row("healthy", dark=0.3, trusted=False),
        row("healthy", dark=0.7),
        row("underperformance", dark=0.5, caught=True),
        row("underperformance", dark=0.2, trusted=False),
        row("underperformance", dark=0.4, trusted=False),
    ]
    healthy = [r for r in table if r.label == "healthy"]
    engine, *ceilings = ceiling.bounds(table, healthy)
    assert engine == (pytest.approx(1 / 3), 1.0)
    # trusted: 0.5 under 0.7; untrusted: 0.2 under 0.3, 0.4 not
    assert ceilings[0] == (pytest.approx(2 / 3), 1.0)


def test_an_isolated_site_meets_only_isolated_healthy_ones():
    # a healthy roof with neighbours under an overcast: 30 % of clear
    clouded = row("healthy", dark=0.9, clear=0.3)
    # no neighbours: only the clear-sky ratio exists
    alone = row("underperformance", dark=INF, clear=0.5)
    assert ceiling.catchable([alone], [clouded], ("clear", "dark")) == 1
    lone_healthy = row("healthy", dark=INF, clear=0.4)
    assert ceiling.catchable([alone], [clouded, lone_healthy], ("clear", "dark")) == 0
