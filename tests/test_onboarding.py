"""Onboarding rules: sorting an account's systems, matching a new system to
a customer (and saying why), what changed in a site's devices, the new
site's values, territory, team and project, and the discovery budget."""

from collections import Counter
from datetime import date

import pytest

from solar_om_engine.onboarding import (
    Candidate,
    KnownDevice,
    MatchRule,
    OnboardingError,
    ProjectCandidate,
    Territory,
    VendorDevice,
    VendorSystem,
    device_changes,
    enphase_system,
    match_customers,
    name_tokens,
    normalise_systems,
    pick_project,
    pick_team,
    pick_territory,
    site_plan,
    solaredge_system,
    sort_systems,
)
from solar_om_engine.planner import ONBOARDING_SHARE, discovery_plan
from solar_om_engine.quota import tier_for


def system(ref, name="Becker home", **kw):
    return VendorSystem(vendor="solaredge", vendor_ref=ref, name=name, **kw)


CUSTOMERS = [
    Candidate(1, "Maria Garcia", ref="C-001", email="maria@example.com", zip="85004"),
    Candidate(2, "Pedro Garcia", zip="28013", city="Madrid"),
    Candidate(3, "Anna Huber", email="huber@example.com", street="Lindenstraße 4", zip="80331"),
    Candidate(4, "Jürgen Krüger"),
    Candidate(5, "Lee & Partners Ltd"),
]


def test_reference_beats_everything_and_the_reason_says_which():
    matches = match_customers([system("1", "Krüger roof", reference="C-001")], CUSTOMERS)
    match = matches["1"]
    assert (match.partner_id, match.rule) == (1, MatchRule.REFERENCE)
    assert "C-001" in match.reason and "Maria Garcia" in match.reason


def test_an_email_in_the_name_or_note_finds_its_customer():
    (match,) = match_customers(
        [system("1", "huber@example.com", email="huber@example.com")], CUSTOMERS
    ).values()
    assert (match.partner_id, match.rule) == (3, MatchRule.EMAIL)


def test_a_name_naming_two_customers_is_settled_by_the_address_else_no_match():
    systems = [
        system("1", "Garcia home", zip="85004", city="Phoenix"),
        system("2", "Garcia home", city="Madrid"),
        system("3", "Garcia home", city="Lyon"),
    ]
    matches = match_customers(systems, CUSTOMERS)
    assert (matches["1"].partner_id, matches["1"].rule) == (1, MatchRule.NAME_ADDRESS)
    assert "85004" in matches["1"].reason
    assert (matches["2"].partner_id, matches["2"].rule) == (2, MatchRule.NAME_ADDRESS)
    assert matches["3"].partner_id is None
    assert "2 customers" in matches["3"].reason


def test_accents_and_the_words_every_system_carries_do_not_get_in_the_way():
    assert name_tokens("Krüger Family Residence PV") == {"kruger"}
    (match,) = match_customers([system("1", "Kruger residence")], CUSTOMERS).values()
    assert (match.partner_id, match.rule) == (4, MatchRule.NAME)


def test_a_customer_named_exactly_as_the_system_wins_over_a_namesake():
    customers = [*CUSTOMERS, Candidate(9, "Huber home")]
    (match,) = match_customers([system("1", "Huber home")], customers).values()
    assert (match.partner_id, match.rule) == (9, MatchRule.NAME)


def test_a_customers_whole_name_inside_the_system_name_matches():
    (match,) = match_customers([system("1", "Anna Huber - garage")], CUSTOMERS).values()
    assert match.partner_id == 3


def test_street_and_postcode_match_when_the_name_says_nothing():
    (match,) = match_customers(
        [system("1", "SE 4711", street="Lindenstr. 4", zip="80331")], CUSTOMERS
    ).values()
    assert (match.partner_id, match.rule) == (3, MatchRule.ADDRESS)


def test_no_match_says_so():
    (match,) = match_customers([system("1", "Becker home")], CUSTOMERS).values()
    assert match.partner_id is None and match.rule == MatchRule.NONE
    assert "no customer" in match.reason


def test_sorting_new_known_deactivated_and_gone():
    systems = [
        system("1"),
        system("2"),
        system("3", deactivated=True, status="DISABLED"),
        system("4", deactivated=True),
        system("5"),
    ]
    known = {"2": False, "3": False, "5": True, "6": False}
    found = sort_systems(systems, known)
    assert [s.vendor_ref for s in found.new] == ["1"]
    assert [s.vendor_ref for s in found.known] == ["2", "5"]
    assert [s.vendor_ref for s in found.deactivated] == ["3", "4"]
    # 3 is deactivated and still watched, 6 is no longer listed: both stop
    assert found.to_stop == ("3", "6") and found.gone == ("6",)
    assert found.to_resume == ("5",)
    # a partial list (quota spent mid-way) proves nothing about what is missing
    assert sort_systems(systems, known, complete=False).gone == ()


def test_one_bad_item_is_named_and_the_others_are_read():
    items = [
        {"siteId": 1, "name": "A", "peakPower": 5},
        {"name": "no id"},
        {"siteId": 3, "name": "C", "peakPower": "lots"},
        {"siteId": 1, "name": "A again"},
    ]
    systems, problems = normalise_systems("solaredge", items)
    assert [s.vendor_ref for s in systems] == ["1"]
    assert set(problems) == {"item 2", "3"}
    assert "peakPower is not a number" in problems["3"]


def test_vendor_words_for_deactivated():
    assert solaredge_system({"siteId": 1, "activationStatus": "DISABLED"}).deactivated
    assert not solaredge_system({"siteId": 1, "activationStatus": "PENDING"}).deactivated
    assert enphase_system({"system_id": 2, "status": "retired"}).deactivated
    assert not enphase_system({"system_id": 2, "status": "comm"}).deactivated


def test_a_changed_micro_serial_is_a_replacement_under_the_same_gateway():
    ours = [
        KnownDevice("G1", "gateway"),
        KnownDevice("M1", "microinverter", "G1"),
        KnownDevice("M2", "microinverter", "G1"),
    ]
    theirs = [
        VendorDevice("gateway", "G1", "Enphase"),
        VendorDevice("microinverter", "M1", "Enphase", parent_serial="G1"),
        VendorDevice("microinverter", "M9", "Enphase", "IQ8+", parent_serial="G1"),
        VendorDevice("meter", "E1", "Enphase"),
    ]
    changes = device_changes(ours, theirs)
    assert [(old, new.serial) for old, new in changes.replaced] == [("M2", "M9")]
    assert [d.serial for d in changes.added] == ["E1"]
    assert changes.removed == ()
    assert not device_changes(ours[:1], theirs[:1])


def test_a_device_gone_without_successor_is_removed():
    changes = device_changes([KnownDevice("I1", "inverter")], [])
    assert changes.removed == ("I1",) and not changes.replaced


def test_site_plan_needs_a_capacity_and_a_zone():
    plan = site_plan(system("1", capacity_kwp=6.44444, timezone="Europe/Berlin"), "UTC")
    assert (plan.capacity_kwp, plan.timezone, plan.latitude) == (6.444, "Europe/Berlin", None)
    assert site_plan(system("1"), "Europe/Madrid", capacity_kwp=5).timezone == "Europe/Madrid"
    with pytest.raises(OnboardingError, match="no capacity"):
        site_plan(system("1"), "UTC")
    with pytest.raises(OnboardingError, match="latitude"):
        site_plan(system("1", capacity_kwp=5, latitude=95.0, longitude=1.0), "UTC")


def test_territory_by_postcode_then_state_then_country_and_team_by_majority():
    territories = [
        Territory(1, zips=frozenset({"80331"})),
        Territory(2, state_ids=frozenset({7})),
        Territory(3, country_ids=frozenset({50})),
        Territory(4, country_ids=frozenset({60})),
        Territory(5, country_ids=frozenset({60})),
    ]
    assert pick_territory("80 331", 7, 50, territories) == 1
    assert pick_territory("99999", 7, 50, territories) == 2
    assert pick_territory("", None, 50, territories) == 3
    assert pick_territory("", None, 60, territories) is None  # two at one level
    assert pick_team(3, {3: Counter({10: 4, 11: 1})}) == 10
    assert pick_team(3, {3: Counter({10: 2, 11: 2})}) is None
    assert pick_team(None, {}) is None


def test_project_naming_the_system_or_the_customers_only_one():
    projects = [
        ProjectCandidate(1, "Garcia install 5550201", 7),
        ProjectCandidate(2, "Garcia battery", 7),
        ProjectCandidate(3, "Huber", 8),
    ]
    assert pick_project(system("5550201", "Garcia home"), 7, projects) == 1
    assert pick_project(system("1", "Garcia home"), 7, projects) is None
    assert pick_project(system("1", "Huber roof"), 8, projects) == 3
    assert pick_project(system("1"), None, projects) is None


def test_discovery_plan_for_a_thousand_systems_on_each_plan():
    big = discovery_plan("enphase", tier_for("enphase", "partner"), 1000, 1000, month_used=0)
    # 10 pages, then devices and summary for every new site
    assert (big.list_calls, big.create_now, big.create_later, big.calls) == (10, 1000, 0, 2010)
    watt = discovery_plan("enphase", tier_for("enphase", "watt"), 1000, 1000, month_used=0)
    # a quarter of the 990 calls left after the pages, and 100 a pass at 10/min
    assert watt.create_now == min(int(990 * ONBOARDING_SHARE), 100 - 10) // 2 == 45
    assert watt.create_later == 1000 - watt.create_now
    assert watt.calls <= 100 and "wait for the daily pass" in watt.note
    free = discovery_plan("solaredge", tier_for("solaredge", "free"), 40, 40, month_used=0)
    assert (free.list_calls, free.create_now) == (1, 40)
    spent = discovery_plan("solaredge", tier_for("solaredge", "free"), 40, 40, month_used=2000)
    assert spent.create_now == 0 and "next month" in spent.note
    pasted = discovery_plan("apsystems", tier_for("apsystems", "lv1"), 12, 12, 0, listable=False)
    assert pasted.list_calls == 12


def test_dates_the_vendor_redacted_are_left_empty_not_fatal():
    s = solaredge_system({"siteId": 9, "installationDate": "REDACTED", "location": "REDACTED"})
    assert s.installation_date is None and s.street == "REDACTED"
    assert enphase_system({"system_id": 1, "operational_at": 0}).installation_date is None
    assert solaredge_system(
        {"siteId": 9, "installationDate": "2024-01-02"}
    ).installation_date == date(2024, 1, 2)
