# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.solar_om_monitoring.tests.demo_fleet import DEMO_AT, DEMO_STEP, DemoFleetMixin


@tagged("post_install", "-at_install")
class TestAgentFirstHour(DemoFleetMixin, HttpCase):
    """The demo's back-office agent (agent/agent) in headless Chromium, after
    the demo fleet's first check: Madrid's zero production was dispatched by
    her, visited and signed off by the demo technician, and closed by the
    monitoring when the site recovered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setUpDemoFleet()
        cls.agent = cls.env.ref("solar_om_monitoring.demo_user_agent")
        cls.technician = cls.env.ref("solar_om_monitoring.demo_user_technician")
        madrid = cls.demo_site("garcia")
        cls.ticket = cls.env["helpdesk.ticket"].search(
            [("solar_site_id", "=", madrid.id), ("solar_monitoring", "=", True)]
        )
        action = cls.ticket.with_user(cls.agent).action_create_solar_order()
        # the demo technician schedules the visit, ticks his checklist, writes
        # what he did and signs off
        order = cls.env["fsm.order"].browse(action["res_id"]).with_user(cls.technician)
        order.write({"scheduled_date_start": datetime(2026, 6, 22, 13, 0)})
        if "solar_photo_ids" in order._fields:
            # where the checklist's photo items need a photo on the order
            photo = (
                cls.env["ir.attachment"]
                .with_user(cls.technician)
                .create(
                    {
                        "name": "array.jpg",
                        "raw": b"\xff\xd8\xff\xe0 a photo",
                        "mimetype": "image/jpeg",
                        "res_model": "fsm.order",
                        "res_id": order.id,
                    }
                )
            )
            order.solar_photo_ids = [Command.link(photo.id)]
        order.order_activity_ids.filtered("required").action_done()
        order.resolution = "<p>Inverter restarted after an insulation fault; producing.</p>"
        order.action_complete()
        # repaired; the day's energy still carries the outage and Madrid has no
        # neighbours in the demo to tell clouds from a fault: the next day's
        # checks see it normal, twice, and close the ticket
        cls.fleet.inject("1002", None)
        cls.demo_check(DEMO_AT + timedelta(days=1))
        cls.demo_check(DEMO_AT + timedelta(days=1) + DEMO_STEP)

    def test_agent_reads_the_list_by_priority_and_a_case_closed_whole(self):
        self.assertTrue(self.ticket.closed)
        self.assertEqual(self.ticket.fsm_order_ids.person_id.partner_id, self.technician.partner_id)
        self.start_tour("/odoo/helpdesk-tickets", "solar_om_agent_first_hour", login="agent")
        # what the tour saw, as the agent reads it
        ticket = self.ticket.with_user(self.agent)
        self.assertFalse(ticket.solar_job_step_ids.filtered(lambda s: s.state == "todo"))
        self.assertEqual(
            ticket.activity_ids.mapped("summary"), ["Satisfaction call after the visit"]
        )
