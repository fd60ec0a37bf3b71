# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from .solar_fault import FAULT_KINDS

HEALTH = [
    ("unknown", "Not Checked"),
    ("night", "Night"),
    ("ok", "OK"),
    ("indeterminate", "Indeterminate"),
    *FAULT_KINDS,
]


class SolarSite(models.Model):
    _inherit = "solar.site"

    account_id = fields.Many2one(
        "solar.monitoring.account",
        string="Monitoring Account",
        index=True,
        check_company=True,
        tracking=True,
    )
    connection = fields.Selection(
        [("ethernet", "Ethernet"), ("wifi", "Wi-Fi"), ("cellular", "Cellular")],
        help="How the gateway reaches the vendor's cloud: cellular ones report "
        "every 6 hours, so they are called silent much later.",
    )
    meter_expected = fields.Boolean(
        string="Has Production Meter", help="Silence from the meter is then a Meter Fault."
    )
    # written in bulk by the health check
    health_state = fields.Selection(HEALTH, default="unknown", readonly=True, index=True)
    health_reason = fields.Char(readonly=True)
    last_checked_at = fields.Datetime(readonly=True)
    next_check_at = fields.Datetime(readonly=True, index=True)
    last_report_at = fields.Datetime(string="Last Heard From", readonly=True)
    last_power_w = fields.Float(string="Power (W)", readonly=True)
    last_energy_today_kwh = fields.Float(string="Energy Today (kWh)", readonly=True, digits=(16, 2))
    poll_error = fields.Char(readonly=True, help="Why the last check could not read this site.")
    fault_ids = fields.One2many("solar.fault", "site_id", string="Faults")
    open_fault_count = fields.Integer(compute="_compute_open_fault_count")
    production_ids = fields.One2many("solar.production.daily", "site_id", string="Production")
    ticket_ids = fields.One2many("helpdesk.ticket", "solar_site_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_open_fault_count")

    def _compute_open_fault_count(self):
        faults = dict(
            self.env["solar.fault"]._read_group(
                [("site_id", "in", self.ids), ("state", "!=", "closed")], ["site_id"], ["__count"]
            )
        )
        tickets = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("solar_site_id", "in", self.ids), ("closed", "=", False)],
                ["solar_site_id"],
                ["__count"],
            )
        )
        for site in self:
            site.open_fault_count = faults.get(site, 0)
            site.ticket_count = tickets.get(site, 0)

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("solar_site_id", "=", self.id)]
        action["context"] = {
            "default_solar_site_id": self.id,
            "default_partner_id": self.partner_id.id,
            "search_default_open": 1,
        }
        return action

    def action_view_faults(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_monitoring.solar_fault_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        return action
