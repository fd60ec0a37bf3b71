from solar_om_engine.classify import FleetVerdict, Verdict
from solar_om_engine.faults import OpenFault, decide


def v(site, kind, ratio=None):
    return Verdict(site, kind, "why", "acc", {"ratio": ratio} if ratio is not None else {})


def test_new_fault_opens_once_and_the_same_fault_only_touches():
    first = decide([v("s1", "inverter_fault")], [], [])
    assert [x.site for x in first.to_open] == ["s1"]
    again = decide([v("s1", "inverter_fault")], [], [OpenFault(7, "s1", "inverter_fault")])
    assert again.to_open == []
    assert again.still_present == [7]


def test_recovery_needs_consecutive_normal_checks():
    fault = OpenFault(7, "s1", "inverter_fault")
    once = decide([v("s1", "ok", 1.0)], [], [fault], recovery_checks=2)
    assert once.recovering == {7: 1} and once.to_close == []
    twice = decide([v("s1", "ok", 1.0)], [], [OpenFault(7, "s1", "inverter_fault", 1)], 2)
    assert twice.to_close == [7]


def test_night_and_indeterminate_neither_close_nor_open():
    fault = OpenFault(7, "s1", "comms_loss", 1)
    for kind in ("night", "indeterminate", "vendor_outage"):
        actions = decide([v("s1", kind)], [], [fault])
        assert (actions.to_open, actions.to_close, actions.recovering) == ([], [], {})


def test_comms_loss_ends_when_heard_from_even_with_another_fault():
    actions = decide([v("s1", "inverter_fault")], [], [OpenFault(7, "s1", "comms_loss", 1)], 2)
    assert actions.to_close == [7]
    assert [x.kind for x in actions.to_open] == ["inverter_fault"]


def test_morning_ok_without_energy_comparison_does_not_clear_underperformance():
    fault = OpenFault(7, "s1", "underperformance")
    assert decide([v("s1", "ok")], [], [fault]).recovering == {}
    assert decide([v("s1", "ok", 0.98)], [], [fault]).recovering == {7: 1}


def test_suppressed_site_opens_nothing():
    actions = decide([v("s1", "inverter_fault")], [], [], suppressed_sites=frozenset({"s1"}))
    assert actions.to_open == [] and len(actions.suppressed) == 1


def test_vendor_outage_is_one_incident_that_closes_when_the_cloud_is_back():
    outage = FleetVerdict("acc", "vendor_outage", "why", ("s1", "s2", "s3"))
    opened = decide([v("s1", "vendor_outage")], [outage], [])
    assert len(opened.incidents_to_open) == 1 and opened.to_open == []
    incident = OpenFault(9, None, "vendor_outage", 0, "acc")
    assert decide([], [outage], [incident]).still_present == [9]
    back = decide([v("s1", "ok", 1.0)], [], [incident], 1, judged_accounts=frozenset({"acc"}))
    assert back.to_close == [9]


def test_a_new_kind_on_a_site_with_an_open_ticket_joins_that_ticket():
    under = OpenFault(7, "s1", "underperformance", ticket=70)
    zero = Verdict("s1", "inverter_fault", "Zero Production: reporting 0 W")
    actions = decide([zero], [], [under])
    # the database still gets a fault of the new kind ...
    assert [v.kind for v in actions.to_open] == ["inverter_fault"]
    # ... on the same ticket, whose case type moves to the more severe kind
    assert actions.attach == {"s1": 70}
    assert actions.escalate == {70: "inverter_fault"}


def test_a_milder_kind_joins_the_ticket_without_changing_its_case_type():
    zero = OpenFault(7, "s1", "inverter_fault", ticket=70)
    meter = Verdict("s1", "meter_fault", "meter says 0.0 kWh")
    actions = decide([meter], [], [zero])
    assert actions.attach == {"s1": 70}
    assert actions.escalate == {}


def test_without_an_open_ticket_a_new_kind_opens_its_own():
    closed_ticket = OpenFault(7, "s1", "underperformance", ticket=None)
    zero = Verdict("s1", "inverter_fault", "Zero Production")
    actions = decide([zero], [], [closed_ticket])
    assert actions.attach == {} and len(actions.to_open) == 1
