# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestHomeownerPortal(HttpCase):
    """A homeowner on the portal, in headless Chromium: sees their own
    system only, its health in plain words and production against expected,
    and reports a problem, which opens a ticket on the site."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = cls.env["res.partner"].create(
            {"name": "Portal owner", "email": "o@example.com"}
        )
        cls.neighbour = cls.env["res.partner"].create({"name": "Neighbour"})
        cls.portal_user = new_test_user(
            cls.env, login="solar_portal", groups="base.group_portal", partner_id=cls.owner.id
        )
        Site = cls.env["solar.site"]
        values = {"latitude": 33.4, "longitude": -112.0, "tz": "America/Phoenix"}
        cls.site = Site.create(
            {"name": "Owner roof", "partner_id": cls.owner.id, "capacity_dc_kwp": 8.0, **values}
        )
        cls.other = Site.create(
            {
                "name": "Neighbour roof",
                "partner_id": cls.neighbour.id,
                "capacity_dc_kwp": 6.0,
                **values,
            }
        )
        # heard from at noon in Phoenix today: the day's row is what the portal shows
        heard = cls.env.cr.now().replace(hour=19, minute=0, second=0, microsecond=0)
        cls.site.write(
            {
                "health_state": "inverter_fault",
                "health_reason": "Zero Production: reporting 0 W",
                "last_report_at": heard,
            }
        )
        cls.env["solar.production.daily"].create(
            {
                "site_id": cls.site.id,
                "day": heard.date(),
                "energy_kwh": 4.0,
                "expected_kwh": 21.0,
            }
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Owner roof: Inverter Fault",
                "description": "<p>zero</p>",
                "partner_id": cls.owner.id,
                "solar_site_id": cls.site.id,
            }
        )

    def test_owner_sees_only_their_system(self):
        self.authenticate("solar_portal", "solar_portal")
        page = self.url_open("/my/solar").text
        self.assertIn("Owner roof", page)
        self.assertNotIn("Neighbour roof", page)
        self.assertIn("Your system is not producing", page)
        self.assertIn("of 21.0 kWh expected so far", page)
        self.assertIn("4.0 kWh", page)
        # someone else's system: back to the list, nothing shown
        response = self.url_open(f"/my/solar/{self.other.id}")
        self.assertTrue(response.url.endswith("/my/solar"))
        self.assertNotIn("Neighbour roof", response.text)
        detail = self.url_open(f"/my/solar/{self.site.id}").text
        self.assertIn(self.ticket.name, detail)
        self.assertIn("none planned", detail)

    def test_owner_reports_a_problem_in_the_browser(self):
        self.start_tour("/my/solar", "solar_om_portal_report", login="solar_portal")
        ticket = self.env["helpdesk.ticket"].search(
            [("solar_site_id", "=", self.site.id), ("id", "!=", self.ticket.id)]
        )
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.partner_id, self.owner)
        self.assertIn("red light on the inverter", str(ticket.description))
        self.assertEqual(
            ticket.team_id, self.env.ref("solar_om_monitoring.helpdesk_team_solar_service")
        )
