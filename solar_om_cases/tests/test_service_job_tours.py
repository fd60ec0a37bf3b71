# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

import pytz

from odoo.tests import HttpCase, new_test_user, tagged

DESKTOP, PHONE = "1366x768", "375x667"


@tagged("post_install", "-at_install")
class TestServiceJobTours(HttpCase):
    """Each path's job walked in headless Chromium by the roles who do it:
    the agent confirms the visit (desktop), the technician accepts and
    schedules it with the customer, ticks the checklist and signs off on a
    phone, the back office reviews and attaches the regulatory documents
    (desktop); a roof leak is taken in and ends with sales; a complaint of no
    news is escalated. Python only prepares the data and checks the records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="job_agent",
            groups="solar_om.group_solar_om_user,helpdesk_mgmt.group_helpdesk_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="job_manager",
            groups="solar_om.group_solar_om_manager,helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.technician = new_test_user(
            cls.env, login="job_tech", groups="solar_om.group_solar_om_technician"
        )
        cls.sales_rep = new_test_user(
            cls.env, login="job_sales", groups="sales_team.group_sale_salesman"
        )
        cls.crew = cls.env["fsm.team"].create({"name": "Installation Crew South"})
        cls.worker = cls.env["fsm.person"].create(
            {"partner_id": cls.technician.partner_id.id, "team_id": cls.crew.id}
        )
        territory = cls.env["res.territory"].create({"name": "Tour", "person_id": cls.worker.id})
        cls.customer = cls.env["res.partner"].create({"name": "Tour homeowner"})
        project = cls.env["project.project"].create(
            {"name": "Tour install", "solar_install_team_id": cls.crew.id}
        )
        cls.site = cls.env["solar.site"].create(
            {
                "name": "Tour roof",
                "partner_id": cls.customer.id,
                "project_id": project.id,
                "latitude": 48.14,
                "longitude": 11.58,
                "tz": "Europe/Berlin",
                "capacity_dc_kwp": 8.2,
                "handover_approved": True,
                "territory_id": territory.id,
                "sales_user_id": cls.sales_rep.id,
            }
        )
        cls.inverter = cls.env["solar.device"].create(
            {
                "site_id": cls.site.id,
                "brand": "SolarEdge",
                "serial_number": "7E-TOUR-OLD",
                "install_date": date(2021, 3, 1),
            }
        )

    def _ticket(self, name, **values):
        return (
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .create(
                dict(
                    {
                        "name": name,
                        "description": "<p>Customer called.</p>",
                        "partner_id": self.customer.id,
                        "solar_site_id": self.site.id,
                    },
                    **values,
                )
            )
        )

    def _tour(self, size, url, tour, login):
        self.browser_size = size
        self.start_tour(url, tour, login=login)

    def _ticket_url(self, ticket):
        return f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}"

    def _order_url(self, order):
        return f"/odoo/action-fieldservice.action_fsm_operation_order/{order.id}"

    def _accept_and_schedule(self, order, ticket):
        """The installer accepts the job and agrees a date with the customer,
        on the phone; the job moves on to the checklist by itself."""
        self.assertEqual(ticket.solar_job_next_step, "schedule")
        self._tour(PHONE, self._order_url(order), "solar_om_technician_schedules_visit", "job_tech")
        local = pytz.timezone(self.technician.tz or "UTC").localize(datetime(2026, 12, 2, 8))
        self.assertEqual(
            order.scheduled_date_start, local.astimezone(pytz.utc).replace(tzinfo=None)
        )
        self.assertIn("Visit scheduled", ticket.message_ids.mapped("body")[0])

    def test_audit(self):
        ticket = self._ticket("Production dropped by half")
        self._tour(DESKTOP, self._ticket_url(ticket), "solar_om_agent_confirms_audit", "job_agent")
        order = ticket.fsm_order_ids
        self.assertIn("dog in the garden", order.description)
        self._accept_and_schedule(order, ticket)
        self.assertEqual(ticket.solar_job_next_step, "audit_checklist")
        self._tour(PHONE, self._order_url(order), "solar_om_technician_audit_checklist", "job_tech")
        self.assertTrue(order.is_closed)
        self.assertEqual(ticket.solar_job_next_step, "review_artefacts")
        self._tour(
            DESKTOP, self._ticket_url(ticket), "solar_om_back_office_reviews_audit", "job_agent"
        )
        self.assertEqual(ticket.resolution_outcome, "resolved")
        self.assertEqual(ticket.solar_service_phase, "completed")

    def test_replacement_with_serials_and_regulatory_documents(self):
        ticket = self._ticket("Inverter dead: replace under RMA")
        self._tour(
            DESKTOP, self._ticket_url(ticket), "solar_om_agent_confirms_replacement", "job_agent"
        )
        order = ticket.fsm_order_ids
        self._accept_and_schedule(order, ticket)
        self._tour(PHONE, self._order_url(order), "solar_om_technician_replacement", "job_tech")
        self.assertEqual(self.inverter.replaced_by_id.serial_number, "7E-TOUR-NEW")
        self.assertEqual(ticket.solar_job_next_step, "review_artefacts")
        # the back office reviews, records the serials' update and attaches the
        # utility's grid-connection form in the browser
        self._tour(
            DESKTOP,
            self._ticket_url(ticket),
            "solar_om_back_office_reviews_replacement",
            "job_agent",
        )
        self.assertEqual(ticket.solar_regulatory_doc_ids.mapped("name"), ["grid-form.pdf"])
        steps = {step.code: step for step in ticket.solar_job_step_ids}
        self.assertEqual(steps["regulatory_documents"].done_by_id, self.agent)
        self.assertEqual(
            set(ticket.solar_job_step_ids.mapped("state")), {"done"}, "every step done"
        )
        self.assertEqual(ticket.solar_service_phase, "completed")

    def test_roof_leak_ends_in_a_sales_opportunity(self):
        # the agent takes the call in a new case; the intake blocks the visit
        # until the photos and the leak start date are there
        self._tour(
            DESKTOP,
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/new",
            "solar_om_agent_roof_leak_intake",
            "job_agent",
        )
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Water stain on the ceiling")])
        self.assertEqual(ticket.category_id, self.env.ref("solar_om_cases.case_type_roof_leak"))
        self.assertEqual(ticket.solar_leak_started_on, date(2026, 11, 10))
        self.assertEqual(ticket.solar_leak_media_ids.mapped("name"), ["ceiling.jpg"])
        order = ticket.fsm_order_ids
        self.assertEqual(order.team_id, self.crew, "the crew that installed the system")
        self._accept_and_schedule(order, ticket)
        self._tour(PHONE, self._order_url(order), "solar_om_crew_roof_leak_not_ours", "job_tech")
        lead = ticket.sudo().lead_ids
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.user_id, self.sales_rep)
        self.assertEqual(lead.solar_site_id, self.site)
        self.assertIn("Chimney flashing cracked", lead.description)
        self._tour(
            DESKTOP,
            f"/odoo/action-crm.crm_lead_action_pipeline/{lead.id}",
            "solar_om_sales_sees_the_roof_leak_opportunity",
            "job_sales",
        )

    def test_agent_escalates_an_unanswered_case_after_finding_it(self):
        lead = new_test_user(
            self.env, login="care_lead", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        open_case = self._ticket("Inverter error 18xD", priority="1", solar_concern="service")
        open_case.team_id.sudo().user_id = lead
        self._ticket("Billing question")
        complaint = self._ticket(
            "Nobody called back about my inverter",
            category_id=self.env.ref("solar_om_cases.case_type_formal_complaint").id,
        )
        self._tour(
            DESKTOP,
            self._ticket_url(complaint),
            "solar_om_agent_escalates_unanswered_case",
            "job_agent",
        )
        self.assertEqual(complaint.escalated_case_id, open_case)
        self.assertEqual(open_case.priority, "2")
        self.assertEqual(open_case.user_id, lead)
