# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from solar_om_engine import planner

from .demo_fleet import DEMO_AT, DemoFleetMixin

# a screen shows kWh to the hundredth: a figure rounded there (9.715 shown
# 9.72) is the same figure
HUNDREDTH = 0.005 + 1e-9


@tagged("post_install", "-at_install")
class TestFirstHour(DemoFleetMixin, HttpCase):
    """The first hour on the demo database (the demo fleet's first check),
    as the O&M manager (admin) and the homeowner (miller) live it, in
    headless Chromium; and the figures each screen shows, compared."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpDemoFleet()
        cls.madrid = cls.demo_site("garcia")
        cls.agent = cls.env.ref("solar_om_monitoring.demo_user_agent")

    def test_the_demos_first_check_shows_its_faults_at_once(self):
        tickets = self.env["helpdesk.ticket"].search([("solar_monitoring", "=", True)])
        self.assertEqual(
            sorted(tickets.mapped("category_id.name")), ["Comms Loss", "Inverter Fault"]
        )
        for ticket in tickets:
            site = ticket.solar_site_id
            # linked to the site, its customer, its project and its service location
            self.assertEqual(ticket.partner_id, site.partner_id)
            self.assertTrue(site.project_id)
            self.assertEqual(ticket.project_id, site.project_id)
            self.assertEqual(ticket.fsm_location_id, site.fsm_location_id)
            self.assertTrue(ticket.fsm_location_id)
            self.assertEqual(ticket.team_id, ticket.category_id.solar_team_id)
            # the project shows its sites' tickets
            self.assertIn(ticket, site.project_id.ticket_ids)

    def test_the_manager_finds_screens_that_agree(self):
        self.start_tour(
            "/odoo/action-solar_om_monitoring.solar_fleet_overview_action",
            "solar_om_manager_first_hour",
            login="admin",
        )

    def test_the_site_form_the_kanban_card_and_the_report_agree_for_one_day(self):
        site = self.madrid.with_user(self.env.ref("base.user_admin"))
        day = DEMO_AT.date()
        # the form, as the web client loads it
        form = site.web_read(
            {f: {} for f in ("production_day", "day_energy_kwh", "day_expected_kwh")}
        )[0]
        # the kanban card: the fields its view shows, read as the kanban does
        arch = site.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        for fname in ("production_day", "day_energy_kwh", "day_expected_kwh"):
            self.assertIn(f'name="{fname}"', arch)
        card = site.web_search_read(
            [("id", "=", site.id)],
            {f: {} for f in ("production_day", "day_energy_kwh", "day_expected_kwh")},
        )["records"][0]
        # the reports: production against expected for that site and day, and the month
        series = {
            s: kwh
            for s, kwh in site.env["solar.production.series"]._read_group(
                [("site_id", "=", site.id), ("day", "=", day)], ["series"], ["energy_kwh:sum"]
            )
        }
        month = site.env["solar.fleet.report"].search(
            [("site_id", "=", site.id), ("month", "=", day.replace(day=1))]
        )
        self.assertEqual(form["production_day"], day)
        # Madrid has no neighbour to tell its sky: no expected figure on any
        # screen rather than a guess (the same nothing everywhere)
        self.assertEqual(form["day_expected_kwh"], 0)
        # to the hundredth of a kWh every screen shows
        for screen in (form, card):
            self.assertEqual(screen["production_day"], day)
            self.assertAlmostEqual(screen["day_energy_kwh"], series["actual"], delta=HUNDREDTH)
            self.assertAlmostEqual(
                screen["day_expected_kwh"], series.get("expected", 0.0), delta=HUNDREDTH
            )
        # one recorded day that month: the month's row is that day (to the
        # tenth the report shows)
        self.assertAlmostEqual(month.energy_kwh, form["day_energy_kwh"], places=1)
        self.assertAlmostEqual(month.expected_kwh, form["day_expected_kwh"], places=1)
        self.assertAlmostEqual(month.performance_ratio, 100 * site.production_ratio, places=1)
        # and the health check judged by that expectation
        self.assertAlmostEqual(
            site.sudo().expected_energy_today_kwh, form["day_expected_kwh"], delta=HUNDREDTH
        )

    def test_the_next_check_is_the_planners_next_pass(self):
        for site in self.demo_accounts.site_ids:
            if not site.next_reading_at:
                # none in sight in a polar night (Tromsø from December to February)
                self.assertGreater(abs(site.latitude), 66, site.name)
                continue
            self.assertNotEqual(
                site.next_reading_at, planner.month_end(DEMO_AT).replace(tzinfo=None), site.name
            )

    def test_the_homeowner_reports_a_problem_thanked_and_owned_by_staff(self):
        portal = self.env["res.users"].search([("login", "=", "miller")])
        self.start_tour("/my/solar", "solar_om_homeowner_first_hour", login="miller")
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", portal.partner_id.id), ("solar_monitoring", "=", False)],
            order="id desc",
            limit=1,
        )
        self.assertIn("inverter display is dark", str(ticket.description))
        # routed like any other case: its case type's team, owned by its leader
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(ticket.team_id.user_id, self.agent)
        self.assertEqual(ticket.project_id, self.demo_site("miller").project_id)
        self.assertFalse(ticket.user_id.share)


@tagged("post_install", "-at_install")
class TestPortalNeverOwns(HttpCase):
    """A homeowner (portal user) can never be a case's assignee: not by
    helpdesk_mgmt's auto-assign, not by hand, not by a routing that names one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.helpdesk_mgmt_ticket_auto_assign = True
        cls.owner = cls.env["res.partner"].create({"name": "Ines Owner", "email": "i@example.com"})
        cls.portal = cls.env["res.users"].create(
            {
                "name": "Ines Owner",
                "login": "ines_portal",
                "partner_id": cls.owner.id,
                "group_ids": [(6, 0, [cls.env.ref("base.group_portal").id])],
            }
        )
        cls.lead = cls.env["res.users"].create(
            {
                "name": "Lea Lead",
                "login": "lea_lead",
                "group_ids": [
                    (
                        6,
                        0,
                        [
                            cls.env.ref("solar_om.group_solar_om_user").id,
                            cls.env.ref("helpdesk_mgmt.group_helpdesk_user").id,
                        ],
                    )
                ],
            }
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Front Desk", "user_id": cls.lead.id, "user_ids": [(6, 0, cls.lead.ids)]}
        )
        cls.site = cls.env["solar.site"].create(
            {
                "name": "Owner roof",
                "partner_id": cls.owner.id,
                "capacity_dc_kwp": 5.0,
                "latitude": 33.4,
                "longitude": -112.0,
                "tz": "America/Phoenix",
            }
        )

    def test_the_portal_user_creating_a_ticket_is_not_its_assignee(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.portal)
        self.assertFalse(Ticket.default_get(["user_id"]).get("user_id"))
        # as the portal's routes create it (sudo keeps the portal user's uid)
        ticket = Ticket.sudo().create(
            {
                "name": "Red light",
                "description": "<p>red</p>",
                "partner_id": self.owner.id,
                "team_id": self.team.id,
            }
        )
        self.assertEqual(ticket.user_id, self.lead)
        self.assertEqual(ticket.partner_name, "Ines Owner")

    def test_nobody_can_assign_a_case_to_a_portal_user(self):
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.lead)
            .create({"name": "Call", "description": "<p>c</p>", "team_id": self.team.id})
        )
        with self.assertRaisesRegex(ValidationError, "a customer \\(portal user\\) never owns"):
            ticket.write({"user_id": self.portal.id})
        with self.assertRaisesRegex(ValidationError, "never owns"):
            self.env["helpdesk.ticket"].create(
                {"name": "Call", "description": "<p>c</p>", "user_id": self.portal.id}
            )

    def test_a_team_led_by_a_portal_user_leaves_the_case_to_the_team(self):
        self.team.sudo().user_id = self.portal
        ticket = self.env["helpdesk.ticket"].create(
            {"name": "Call", "description": "<p>c</p>", "team_id": self.team.id}
        )
        self.assertFalse(ticket.user_id)
