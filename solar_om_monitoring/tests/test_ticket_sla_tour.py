# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTicketSlaTour(HttpCase):
    """The agent reads a monitoring ticket's lost energy and SLA clocks in
    headless Chromium, then dispatches it."""

    def test_agent_reads_the_sla_clocks_and_dispatches(self):
        agent = new_test_user(
            self.env,
            login="tour_sla_agent",
            groups="solar_om.group_solar_om_user,helpdesk_mgmt.group_helpdesk_user",
            tz="Europe/Berlin",
        )
        customer = self.env["res.partner"].create({"name": "Tour customer"})
        site = self.env["solar.site"].create(
            {
                "name": "Tour roof",
                "partner_id": customer.id,
                "latitude": 48.14,
                "longitude": 11.58,
                "tz": "Europe/Berlin",
                "capacity_dc_kwp": 8.0,
                "contract_state": "active",
                "contract_level_id": self.env.ref("solar_om.contract_level_premium").id,
            }
        )
        now = fields.Datetime.now()
        ticket = self.env["helpdesk.ticket"].create(
            {
                "name": "Tour roof: Inverter Fault",
                "description": "<p>The monitoring saw zero production.</p>",
                "partner_id": customer.id,
                "solar_site_id": site.id,
                "solar_monitoring": True,
                "team_id": self.env.ref("solar_om_monitoring.helpdesk_team_solar_service").id,
            }
        )
        self.env["solar.fault"].create(
            {
                "site_id": site.id,
                "company_id": site.company_id.id,
                "kind": "inverter_fault",
                "ticket_id": ticket.id,
                "first_seen": now - timedelta(hours=38),
                "last_seen": now,
            }
        )
        self.env["solar.production.daily"].create(
            {
                "site_id": site.id,
                "company_id": site.company_id.id,
                "day": fields.Date.context_today(site),
                "energy_kwh": 0.0,
                "expected_kwh": 21.0,
            }
        )
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
            (now - timedelta(hours=36), ticket.id),
        )
        ticket.invalidate_recordset(["create_date"])
        ticket.modified(["create_date"])
        self.env.flush_all()
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "solar_om_monitoring_ticket_sla",
            login=agent.login,
        )
        self.assertEqual(len(ticket.fsm_order_ids), 1)
