# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta, timezone

from odoo.tests import tagged

from .common import NOON, STEP, MonitoringCommon


@tagged("post_install", "-at_install")
class TestPollingPlan(MonitoringCommon):
    def blind_tickets(self, account):
        return (
            self.env["solar.fault"]
            .search([("account_id", "=", account.id), ("kind", "=", "account_blind")])
            .ticket_id
        )

    def test_a_spent_month_blinds_the_account_until_the_month_rolls_over(self):
        sim_account = self.fleet.accounts[self.fleet.sites["EN0"].account]
        self.addCleanup(setattr, sim_account, "per_month", sim_account.per_month)
        self.en_account.manager_id = self.manager
        en_sites = self.sites.filtered(lambda s: s.vendor == "enphase")
        self.check(NOON)
        self.assertEqual(set(en_sites.mapped("health_state")), {"ok"})
        # the vendor's month runs out in the middle of the next check
        sim_account.per_month = sim_account.calls_month + 2
        self.check(NOON + STEP)
        ticket = self.blind_tickets(self.en_account)
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.user_id, self.manager)
        self.assertIn("3 sites are not being watched", ticket.name)
        self.assertIn("month's API quota is spent", ticket.description)
        self.assertEqual(set(en_sites.mapped("health_state")), {"not_watched"})
        self.assertEqual(self.en_account.blind_reason, "quota_spent")
        # SolarEdge's account is not concerned
        se_sites = self.sites - en_sites
        self.assertEqual(set(se_sites.mapped("health_state")), {"ok"})
        # still blind later that month: no call is made, no second ticket
        calls = self.sim.calls
        self.check(NOON + STEP * 2)
        self.assertEqual(self.sim.calls - calls, 6)  # SolarEdge's six sites only
        self.assertEqual(self.blind_tickets(self.en_account), ticket)
        self.assertEqual(set(en_sites.mapped("health_state")), {"not_watched"})
        # a new month: the quota is back, the account is watched, the ticket closes
        july = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)
        self.check(july)
        self.assertFalse(self.en_account.blind_reason)
        self.assertTrue(ticket.closed)
        self.assertIn("watched again", ticket.message_ids[0].body)
        self.assertEqual(set(en_sites.mapped("health_state")), {"ok"})

    def test_refused_credentials_blind_the_account_at_once(self):
        self.se_account.api_key = "wrong-key"
        self.check(NOON)
        ticket = self.blind_tickets(self.se_account)
        self.assertEqual(len(ticket), 1)
        self.assertIn("6 sites are not being watched", ticket.name)
        self.assertIn("refuses the account's credentials", ticket.description)
        self.assertNotIn("wrong-key", ticket.description)
        se_sites = self.sites.filtered(lambda s: s.vendor == "solaredge")
        self.assertEqual(set(se_sites.mapped("health_state")), {"not_watched"})
        # the manager sees why on the site, as a manager would read it
        site = se_sites[0].with_user(self.manager)
        self.assertIn("not watched", site.health_reason)

    def test_a_short_vendor_outage_is_not_blindness_but_a_long_one_is(self):
        self.sim.api_faults[("solaredge", "*")] = ["503", -1]
        self.check(NOON)
        self.assertFalse(self.blind_tickets(self.se_account))
        self.check(NOON + timedelta(hours=3))
        self.assertEqual(len(self.blind_tickets(self.se_account)), 1)
        self.assertEqual(self.se_account.blind_reason, "unreachable")
        self.sim.api_faults.clear()
        self.check(NOON + timedelta(hours=3, minutes=20))
        self.assertFalse(self.se_account.blind_reason)
        self.assertTrue(self.blind_tickets(self.se_account).closed)

    def test_the_account_form_tells_the_plan_in_words(self):
        watt = self.en_account.copy({"name": "Watt", "quota_tier": "watt"})
        self.sites.filtered(lambda s: s.vendor == "enphase").account_id = watt
        form = watt.with_user(self.manager)
        self.assertIn("Checks that all 3 sites are still reporting every", form.plan_cadence)
        self.assertIn("noticed within", form.plan_detect)
        self.assertIn("production", form.plan_production)
        self.assertTrue(form.plan_usage.startswith("0 of 1,000 calls used this month"))
