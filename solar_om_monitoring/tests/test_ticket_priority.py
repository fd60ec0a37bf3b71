# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo.tests import tagged

from .common import NOON, STEP, MonitoringCommon

DAY = timedelta(days=1)


@tagged("post_install", "-at_install")
class TestTicketPriority(MonitoringCommon):
    """A monitoring ticket's priority follows what its fault has cost: the
    agent's ticket list, sorted by priority, shows the costliest first."""

    def _site(self, ref):
        return self.sites.filtered(lambda s: s.vendor_site_ref == ref)

    def _a_week_of_losses(self, site, lost_per_day):
        """The site's fault has been open a week, each day short of expected."""
        today = (NOON - DAY).date()
        self.tickets(site).solar_fault_ids.first_seen = (NOON - 7 * DAY).replace(tzinfo=None)
        self.env["solar.production.daily"].create(
            [
                {
                    "site_id": site.id,
                    "company_id": site.company_id.id,
                    "day": today - timedelta(days=i),
                    "energy_kwh": 10.0,
                    "expected_kwh": 10.0 + lost_per_day,
                }
                for i in range(6)
            ]
        )

    def test_the_ticket_list_shows_the_costliest_fault_first(self):
        self.fleet.inject("SE0", "zero_production", NOON - STEP)  # inverter: High by kind
        # microinverters out on two Enphase roofs: String/MLPE, Medium by kind
        self.fleet.inject("EN1", "partial_outage", NOON - STEP)
        self.fleet.inject("EN2", "partial_outage", NOON - STEP)
        self.check(NOON)
        costly, cheap, dead = self._site("EN1"), self._site("EN2"), self.site
        self.assertEqual(self.tickets(costly).priority, "1")
        self.assertEqual(self.tickets(cheap).priority, "1")
        # EN1's dead microinverters have been costing 40 kWh a day for a week
        self._a_week_of_losses(costly, lost_per_day=40)
        self.check(NOON + STEP)
        tickets = self.env["helpdesk.ticket"].with_user(self.agent)
        listed = tickets.search([("solar_monitoring", "=", True)], order="priority desc, id")
        self.assertEqual(
            listed.solar_site_id.mapped("vendor_site_ref"),
            ["EN1", "SE0", "EN2"],
            "the costliest first, then the dead inverter, then the cheap fault",
        )
        top = listed[0]
        self.assertEqual(top.priority, "3")
        self.assertGreater(top.solar_lost_energy_kwh, 200)
        self.assertIn("Priority raised to Very High", top.message_ids[0].body)
        self.assertEqual(self.tickets(dead).priority, "2")
        self.assertEqual(self.tickets(cheap).priority, "1")

    def test_the_thresholds_are_settings_and_value_counts_too(self):
        self.fleet.inject("EN1", "partial_outage", NOON - STEP)
        self.check(NOON)
        site = self._site("EN1")
        site.solar_energy_rate = 0.5  # a dear tariff
        self._a_week_of_losses(site, lost_per_day=5)  # 30 kWh: under 50 kWh
        self.env["res.config.settings"].create(
            {"solar_priority_high_kwh": 50, "solar_priority_high_value": 12}
        ).execute()
        self.check(NOON + STEP)
        ticket = self.tickets(site)
        self.assertEqual(ticket.priority, "2", "30 kWh at 0.50 is 15: over the value threshold")
        # a person raises it by hand: the loss never lowers it
        ticket.with_user(self.agent).priority = "3"
        self.check(NOON + 2 * STEP)
        self.assertEqual(ticket.priority, "3")
