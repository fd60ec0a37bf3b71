# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTechnicianProductionTour(HttpCase):
    """The technician, on a phone (375 px), sees on the work order how much
    the site made against expected and, one press later, the days of the
    drop, in headless Chromium."""

    browser_size = "375x667"
    touch_enabled = True

    def test_technician_sees_the_drop_from_the_order(self):
        technician = new_test_user(
            self.env, login="tour_drop_tech", groups="solar_om.group_solar_om_technician"
        )
        customer = self.env["res.partner"].create({"name": "Drop customer"})
        site = self.env["solar.site"].create(
            {
                "name": "Drop roof",
                "partner_id": customer.id,
                "latitude": 48.14,
                "longitude": 11.58,
                "tz": "Europe/Berlin",
                "capacity_dc_kwp": 8.2,
            }
        )
        # production days are the site's local dates
        today = datetime.now(ZoneInfo("Europe/Berlin")).date()
        # eight days normal, then two at a tenth: 188 of 240 kWh in the week
        self.env["solar.production.daily"].create(
            [
                {
                    "site_id": site.id,
                    "day": today - timedelta(days=back),
                    "energy_kwh": 4.0 if back < 2 else 30.0,
                    "expected_kwh": 30.0,
                }
                for back in range(10)
            ]
        )
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Drop roof: Underperformance",
                "description": "<p>Underperformance</p>",
                "partner_id": customer.id,
                "solar_site_id": site.id,
            }
        )
        order = ticket._solar_create_orders()
        order.person_id = self.env["fsm.person"].create({"partner_id": technician.partner_id.id})
        self.assertAlmostEqual(order.with_user(technician).solar_production_ratio, 188 / 240)
        self.start_tour(
            f"/odoo/action-fieldservice.action_fsm_operation_order/{order.id}",
            "solar_om_technician_production",
            login="tour_drop_tech",
        )
