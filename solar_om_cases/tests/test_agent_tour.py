# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAgentTour(HttpCase):
    """An agent takes a service request through its flow in the web client,
    in headless Chromium."""

    def test_agent_resolves_a_request_internally(self):
        new_test_user(
            self.env,
            login="tour_agent",
            groups="solar_om.group_solar_om_user,helpdesk_mgmt.group_helpdesk_user",
        )
        customer = self.env["res.partner"].create({"name": "Tour customer"})
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Inverter display shows an error",
                "description": "<p>Customer called.</p>",
                "partner_id": customer.id,
            }
        )
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "solar_om_agent_service_flow",
            login="tour_agent",
        )
        self.assertEqual(ticket.resolution_path, "internal")
        self.assertEqual(ticket.resolution_outcome, "resolved")
        self.assertTrue(ticket.closed)
