# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from solar_om_engine import quota
from solar_om_engine.kinds import URGENCY

from .common import MIDNIGHT, NOON, STEP, MonitoringCommon


@tagged("post_install", "-at_install")
class TestHealthCheck(MonitoringCommon):
    def test_healthy_fleet_opens_nothing_and_records_production(self):
        stats = self.check()
        self.assertEqual(stats["sites_polled"], 9)
        self.assertFalse(self.tickets())
        # every healthy roof reads ok, the west one before its sun too: a
        # snapshot says what the site reports and leaves production to the
        # day's close
        self.assertEqual(set(self.sites.mapped("health_state")), {"ok"})
        for site in self.sites:
            self.assertIn("production is judged at the day's close", site.health_reason)
            self.assertNotIn("normal", site.health_reason)
        self.assertGreater(self.site.last_energy_today_kwh, 5)
        daily = self.site.production_ids
        self.assertEqual(len(daily), 1)
        self.assertEqual(str(daily.day), "2026-06-21")
        self.assertAlmostEqual(daily.energy_kwh, self.site.last_energy_today_kwh, places=1)

    def test_what_depends_on_health_follows_each_check(self):
        """The check writes a site's health with one SQL UPDATE per batch:
        what is computed from it (urgency, colour, ratio to expected) must
        follow in the same transaction, not keep what was read before."""
        site = self.site.with_user(self.agent)

        def shown():
            return site.health_state, site.health_rank, site.health_color

        shown()  # read before the check, as a form open in the same request would
        self.check(NOON)
        self.assertEqual(shown(), ("ok", URGENCY["ok"], 10))
        self.assertAlmostEqual(
            site.production_ratio, site.last_energy_today_kwh / site.expected_energy_today_kwh
        )
        self.fleet.inject("SE0", "zero_production", NOON)
        self.check(NOON + STEP)
        self.assertEqual(shown(), ("inverter_fault", URGENCY["inverter_fault"], 1))

    def test_one_fault_makes_one_ticket_across_many_checks(self):
        self.fleet.inject("SE0", "zero_production", NOON - STEP * 3)
        for n in range(4):
            self.check(NOON + STEP * n)
        faults = self.site.fault_ids
        self.assertEqual(len(faults), 1)
        self.assertEqual(faults.kind, "inverter_fault")
        self.assertEqual(faults.last_seen, (NOON + STEP * 3).replace(tzinfo=None))
        ticket = self.tickets(self.site)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket, faults.ticket_id)
        # linked to the site, the customer and the project, with its case type
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.project_id, self.project)
        self.assertEqual(ticket.category_id.name, "Inverter Fault")
        self.assertEqual(ticket.category_id.parent_id.name, "Production")
        self.assertEqual(ticket.team_id.name, "Solar Service")
        self.assertEqual(ticket.name, "Munich 0: Inverter Fault (Zero Production)")
        self.assertIn("Zero Production", ticket.description)
        self.assertIn("Last heard from", ticket.description)
        # the agent finds it among the open tickets
        open_for_agent = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .search([("closed", "=", False), ("solar_site_id", "=", self.site.id)])
        )
        self.assertEqual(open_for_agent, ticket)
        # the other sites stay clean
        self.assertEqual(len(self.tickets()), 1)

    def test_recovery_closes_fault_and_ticket_with_a_reason(self):
        self.fleet.inject("SE0", "zero_production", NOON - STEP)
        self.check(NOON)
        ticket = self.tickets(self.site)
        self.fleet.inject("SE0", None)
        self.check(NOON + STEP)
        self.assertEqual(self.site.fault_ids.state, "recovering")
        self.assertFalse(ticket.closed)
        self.check(NOON + STEP * 2)
        self.assertEqual(self.site.fault_ids.state, "closed")
        self.assertTrue(ticket.closed)
        self.assertIn(
            "report normally for 2 consecutive daylight checks", ticket.message_ids[0].body
        )
        open_for_agent = (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .search([("closed", "=", False), ("solar_monitoring", "=", True)])
        )
        self.assertFalse(open_for_agent)

    def test_a_ticket_in_a_persons_hands_gets_the_note_not_the_close(self):
        self.fleet.inject("SE0", "zero_production", NOON - STEP)
        self.check(NOON)
        ticket = self.tickets(self.site)
        ticket.with_user(self.agent).assign_to_me()
        self.fleet.inject("SE0", None)
        self.check(NOON + STEP)
        self.check(NOON + STEP * 2)
        self.assertEqual(self.site.fault_ids.state, "closed")
        self.assertFalse(ticket.closed)
        self.assertIn("has this ticket in hand", ticket.message_ids[0].body)

    def test_fault_back_after_recovery_is_a_new_ticket(self):
        self.fleet.inject("SE0", "zero_production", NOON - STEP)
        self.check(NOON)
        self.fleet.inject("SE0", None)
        self.check(NOON + STEP)
        self.check(NOON + STEP * 2)
        self.fleet.inject("SE0", "zero_production", NOON + STEP * 2)
        self.check(NOON + STEP * 3)
        self.assertEqual(len(self.tickets(self.site)), 2)
        self.assertEqual(len(self.site.fault_ids.filtered(lambda f: f.state != "closed")), 1)

    def test_comms_loss_is_told_from_zero_power_and_loses_no_production(self):
        self.fleet.inject("SE1", "comms_loss", NOON - STEP * 6)
        self.check(NOON)
        site = self.sites.filtered(lambda s: s.vendor_site_ref == "SE1")
        self.assertEqual(site.health_state, "comms_loss")
        self.assertEqual(site.fault_ids.kind, "comms_loss")
        self.assertEqual(self.tickets(site).category_id.name, "Comms Loss")
        # the stale energy is not recorded as the day's production
        self.assertFalse(site.production_ids)

    def test_no_alarm_at_night_and_no_call_spent(self):
        self.fleet.inject("SE0", "comms_loss", NOON)
        stats = self.check(MIDNIGHT)
        self.assertEqual(stats.get("api_calls", 0), 0)
        self.assertEqual(stats["sites_night"], 9)
        self.assertEqual(self.site.health_state, "night")
        self.assertFalse(self.tickets(self.site))

    def test_vendor_outage_is_one_incident(self):
        self.fleet.outage(self.fleet.sites["SE0"].account, True, NOON - STEP * 6)
        self.check(NOON)
        self.check(NOON + STEP)
        self.assertFalse(self.tickets().filtered("solar_site_id"))
        incident = self.tickets().filtered(lambda t: not t.solar_site_id)
        self.assertEqual(len(incident), 1)
        self.assertIn("SolarEdge cloud outage: 6 sites silent", incident.name)
        self.assertEqual(
            set(self.sites.filtered(lambda s: s.vendor == "solaredge").mapped("health_state")),
            {"vendor_outage"},
        )
        # the cloud comes back: the incident closes after the recovery checks
        self.fleet.outage(self.fleet.sites["SE0"].account, False)
        self.check(NOON + STEP * 2)
        self.check(NOON + STEP * 3)
        self.assertTrue(incident.closed)

    def test_one_bad_site_never_stops_the_others(self):
        self.sites.filtered(lambda s: s.vendor_site_ref == "SE2").vendor_site_ref = "SE-GONE"
        self.fleet.inject("SE3", "zero_production", NOON - STEP)
        self.sim.api_faults[("solaredge", "*")] = ["malformed", 1]
        stats = self.check()
        gone = self.sites.filtered(lambda s: s.vendor_site_ref == "SE-GONE")
        self.assertIn("404", gone.poll_error)
        self.assertEqual(gone.health_state, "unknown")
        self.assertFalse(self.tickets(gone))
        self.assertEqual(len(self.tickets()), 1)  # SE3's fault still opened
        self.assertGreaterEqual(stats["sites_polled"], 9)

    def test_a_quota_stop_mid_poll_blames_only_the_sites_left_unread(self):
        sim_account = self.fleet.accounts[self.fleet.sites["SE0"].account]
        self.addCleanup(setattr, sim_account, "per_minute", sim_account.per_minute)
        sim_account.per_minute = 3
        # The simulator counts minutes on its clock, frozen at noon: its minute
        # never rolls over, however slow the machine. The ledger's wait for the
        # next minute (the vendor said 0 calls remain) is recorded, not slept.
        waits = []
        with patch.object(quota.QuotaLedger, "sleep", staticmethod(waits.append)):
            self.check()
        self.assertEqual(len(waits), 1)
        self.assertGreater(waits[0], 50)  # it waited for the vendor's minute to end
        solaredge = self.sites.filtered(lambda s: s.vendor == "solaredge")
        # read: judged on production (healthy, or left indeterminate where
        # too few neighbours tell the sky); unread: no verdict, the 429 kept
        read = solaredge.filtered(lambda s: s.health_state in ("ok", "indeterminate"))
        unread = solaredge - read
        self.assertEqual((len(read), len(unread)), (3, 3))
        self.assertFalse(any(read.mapped("poll_error")))
        for site in unread:
            self.assertIn("429", site.poll_error)
        self.assertIn("429", self.se_account.last_error)
        self.assertFalse(self.tickets())

    def test_refused_credentials_are_an_account_error_not_site_faults(self):
        self.se_account.api_key = "wrong-key"
        self.check()
        self.assertIn("refused the credentials (401)", self.se_account.last_error)
        self.assertNotIn("wrong-key", self.se_account.last_error)
        # no site fault: one incident about the account (see test_polling_plan)
        self.assertFalse(self.tickets().filtered("solar_site_id"))
        self.assertEqual(len(self.tickets()), 1)

    def test_a_shortfall_waits_for_the_days_close_but_zero_production_does_not(self):
        # soiling (55 % of normal) and half the strings out with no device
        # counts (SolarEdge): a snapshot cannot tell them from a cloud, the
        # day's close judges them; the site shows what it made against what
        # its roof was due under the neighbours' sky
        self.fleet.inject("SE4", "underperformance", NOON.replace(hour=0))
        self.fleet.inject("SE5", "partial_outage", NOON.replace(hour=0))
        self.check()
        self.assertFalse(self.tickets())
        for ref, share in (("SE4", 0.55), ("SE5", 0.5)):
            site = self.sites.filtered(lambda s, ref=ref: s.vendor_site_ref == ref)
            self.assertEqual(site.health_state, "ok")
            self.assertIn("production is judged at the day's close", site.health_reason)
            self.assertAlmostEqual(site.with_user(self.agent).production_ratio, share, delta=0.1)
        # the same roof stopping is a snapshot's to catch, at once
        self.fleet.inject("SE4", "zero_production", NOON + STEP)
        self.check(NOON + STEP * 2)
        kinds = {t.solar_site_id.vendor_site_ref: t.category_id.name for t in self.tickets()}
        self.assertEqual(kinds, {"SE4": "Inverter Fault"})

    def test_without_roof_orientation_zero_production_is_still_caught(self):
        se4 = self.sites.filtered(lambda s: s.vendor_site_ref == "SE4")
        se4.array_ids.unlink()
        self.assertEqual(se4.roof_orientation, "unknown")
        self.fleet.inject("SE4", "underperformance", NOON.replace(hour=0))
        self.check()
        self.assertFalse(self.tickets(se4))
        self.assertEqual(se4.health_state, "ok")
        self.fleet.inject("SE4", "zero_production", NOON - STEP)
        self.check(NOON + STEP)
        self.assertEqual(self.tickets(se4).category_id.name, "Inverter Fault")

    def test_one_open_ticket_per_site_problem(self):
        site = self.sites.filtered(lambda s: s.vendor_site_ref == "SE4")
        self.fleet.inject("SE4", "comms_loss", NOON - 6 * STEP)
        self.check()
        ticket = self.tickets(site)
        self.assertEqual(ticket.category_id.name, "Comms Loss")
        # the site is heard from again, but it has stopped producing: one
        # problem, still one ticket
        self.fleet.inject("SE4", "zero_production", NOON + STEP)
        self.check(NOON + STEP * 2)
        self.assertEqual(self.tickets(site), ticket)
        self.assertEqual(ticket.category_id.name, "Inverter Fault")
        self.assertEqual(
            sorted(site.fault_ids.filtered(lambda f: f.state != "closed").mapped("kind")),
            ["comms_loss", "inverter_fault"],
        )
        self.assertEqual(ticket.solar_fault_ids, site.fault_ids)
        chatter = " ".join(ticket.message_ids.mapped("body"))
        self.assertIn("now also sees at this site: Inverter Fault (Zero Production)", chatter)
        self.assertIn("Case type moved from Comms Loss to Inverter Fault", chatter)
        # next day the site reports normally: two normal checks close it, once
        self.fleet.inject("SE4", None)
        tomorrow = NOON + timedelta(days=1)
        self.check(tomorrow)
        self.assertFalse(ticket.closed)
        self.check(tomorrow + STEP)
        self.assertTrue(ticket.closed)
        self.assertEqual(set(site.fault_ids.mapped("state")), {"closed"})
        closing = [m for m in ticket.message_ids if "consecutive" in (m.body or "")]
        self.assertEqual(len(closing), 1)

    def test_enphase_devices_not_reporting_and_token_refresh(self):
        self.en_account.access_token = "expired-token"
        self.fleet.inject("EN1", "partial_outage", NOON - STEP)
        self.check()
        en1 = self.sites.filtered(lambda s: s.vendor_site_ref == "EN1")
        self.assertEqual(en1.fault_ids.kind, "string_mlpe_fault")
        # the rotated tokens were saved, both of them
        account = self.en_account.with_user(self.manager)
        self.assertTrue(
            account.refresh_token.startswith("enphase-1-refresh-"), account.refresh_token
        )
        self.assertTrue(account.access_token.startswith("enphase-1-access-"))
        self.assertTrue(account.token_refreshed_at)

    def test_quota_is_counted_and_the_plan_shown(self):
        self.check()
        self.assertEqual(self.se_account.calls_this_month, 6)
        self.assertEqual(self.en_account.calls_this_month, 4)  # 1 list page + 3 summaries
        watt = self.en_account.copy({"name": "Watt", "quota_tier": "watt"})
        self.sites.filtered(lambda s: s.vendor == "enphase").account_id = watt
        self.assertIn("production", watt.plan_note)
        # the rest of today's month paced over its daylight, within the 1,000 calls
        self.assertGreater(watt.check_interval_minutes, 0)
        self.assertIn("of 1,000 calls used this month", watt.plan_usage)
        # a silent site is noticed a liveness interval after it goes stale
        self.assertGreater(watt.worst_case_detect_minutes, 45)
