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
        self.assertTrue(
            any("watched again" in (m.body or "") for m in ticket.message_ids),
            ticket.message_ids.mapped("body"),
        )
        # read again and judged on production (three sites alone in their
        # city may be left indeterminate on a dull hour), none blind
        self.assertLessEqual(set(en_sites.mapped("health_state")), {"ok", "indeterminate"})
        self.assertFalse(any(en_sites.mapped("poll_error")))

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

    def test_the_cron_makes_the_calls_the_plan_says_over_a_simulated_day(self):
        """Enphase on the Watt plan (10 calls a minute, 1,000 a month), its
        three Vienna sites, the cron every two minutes from 02:00 to 20:00
        UTC: liveness passes at the plan's cadence, each site judged at
        noon and mid-afternoon, every call counted at the simulator."""
        sim_account = self.fleet.accounts[self.fleet.sites["EN0"].account]
        self.addCleanup(setattr, sim_account, "per_minute", sim_account.per_minute)
        self.addCleanup(setattr, sim_account, "per_month", sim_account.per_month)
        sim_account.per_minute, sim_account.per_month = 10, sim_account.calls_month + 1_000
        self.en_account.quota_tier = "watt"
        start = datetime(2026, 6, 21, 2, 0, tzinfo=timezone.utc)
        plan = self.en_account._health_plans(start)[self.en_account.id]
        self.assertEqual(plan.production_judgments_per_site_per_day, 2)
        health = self.env["solar.health.check"]
        at, passes, judged, made_total, told_total = start, 0, 0, 0, 0
        while at < start + timedelta(hours=18):
            self.fleet.set_clock(at)
            before = self.sim.calls
            stats = health.run(accounts=self.en_account, at=at)
            made = self.sim.calls - before
            told = stats.get("api_calls", 0) + stats.get("liveness_calls", 0)
            self.assertEqual(made, told, at)  # every call the run says it made, and no other
            self.assertLessEqual(made, 10, at)  # one run, one minute: within its limit
            made_total, told_total = made_total + made, told_total + told
            passes += stats.get("liveness_passes", 0)
            judged += stats.get("sites_polled", 0)
            at += timedelta(minutes=2)
        # each site judged twice (noon and mid-afternoon), no more
        self.assertEqual(judged, 3 * 2)
        # the liveness cadence the plan set, within the cron's 2-minute steps
        expected = plan.liveness_passes_per_day
        self.assertGreaterEqual(passes, 0.85 * expected)
        self.assertLessEqual(passes, expected + 1)
        # calls: one /systems call a pass, and per judgment slot a page and 3 summaries
        self.assertEqual(made_total, passes * plan.liveness_calls_per_pass + 2 * (1 + 3))
        self.assertLessEqual(made_total, plan.calls_per_day + plan.liveness_calls_per_pass)
        self.assertLessEqual(self.en_account.calls_this_month, 1_000)
