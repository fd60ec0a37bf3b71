# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import MonitoringCommon


@tagged("post_install", "-at_install")
class TestFollowUpPlans(MonitoringCommon):
    """The customer follow-up around a visit comes from activity plans the
    back office edits, not from code."""

    def _dispatch(self, ticket):
        self.env["solar.device"].create(
            {
                "site_id": self.site.id,
                "device_type": "inverter",
                "brand": "SolarEdge",
                "serial_number": "7E-FU-0001",
            }
        )
        ticket.user_id = self.agent
        return ticket.with_user(self.agent)._solar_create_orders()

    def test_a_booked_visit_launches_the_plan_for_the_tickets_holder(self):
        ticket = self.faulty_ticket()
        self._dispatch(ticket)
        # the plan's days are the holder's (near midnight UTC, not the admin's)
        today = fields.Date.context_today(ticket.with_user(self.agent))
        planned = {(a.summary, a.date_deadline, a.user_id) for a in ticket.activity_ids}
        self.assertLessEqual(
            {
                ("Welcome call before the visit", today, self.agent),
                (
                    "Text the customer on the day of the visit",
                    today + timedelta(days=1),
                    self.agent,
                ),
            },
            planned,
        )

    def test_the_helpdesk_manager_edits_the_plan_and_its_edits_are_followed(self):
        plan = self.env.ref("solar_om_monitoring.activity_plan_visit_booked").with_user(
            self.manager
        )
        self.assertEqual(plan.res_model, "helpdesk.ticket")
        plan.template_ids.filtered(lambda t: t.sequence == 20).unlink()
        plan.template_ids.write({"summary": "Call the homeowner", "delay_count": 3})
        ticket = self.faulty_ticket()
        self._dispatch(ticket)
        follow_up = ticket.activity_ids.filtered(lambda a: a.summary == "Call the homeowner")
        self.assertEqual(len(follow_up), 1)
        self.assertEqual(
            follow_up.date_deadline,
            fields.Date.context_today(ticket.with_user(self.agent)) + timedelta(days=3),
        )
        self.assertNotIn(
            "Text the customer on the day of the visit", ticket.activity_ids.mapped("summary")
        )

    def test_an_archived_plan_schedules_nothing(self):
        self.env.ref("solar_om_monitoring.activity_plan_visit_booked").active = False
        ticket = self.faulty_ticket()
        self._dispatch(ticket)
        self.assertNotIn("Welcome call before the visit", ticket.activity_ids.mapped("summary"))

    def test_the_helpdesk_manager_keeps_only_the_ticket_plans(self):
        Plan = self.env["mail.activity.plan"].with_user(self.manager)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.mail_activity_plan_action_helpdesk_ticket"
        )
        shown = Plan.search(ast.literal_eval(action["domain"]))
        self.assertIn(self.env.ref("solar_om_monitoring.activity_plan_visit_done"), shown)
        Plan.create({"name": "Complaint call-back", "res_model": "helpdesk.ticket"})
        other = self.env["mail.activity.plan"].create(
            {"name": "Partner", "res_model": "res.partner"}
        )
        with self.assertRaises(AccessError):
            other.with_user(self.manager).name = "Renamed"
        with self.assertRaises(AccessError):
            self.env.ref("solar_om_monitoring.activity_plan_visit_done").with_user(
                self.agent
            ).name = "Renamed"
