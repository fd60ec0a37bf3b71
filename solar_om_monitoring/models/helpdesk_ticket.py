# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    solar_site_id = fields.Many2one(
        "solar.site", string="Solar Site", index=True, tracking=True, check_company=True
    )
    solar_fault_ids = fields.One2many("solar.fault", "ticket_id", string="Monitoring Faults")
    solar_monitoring = fields.Boolean(
        string="Opened by Monitoring", readonly=True, help="Opened by the health check."
    )

    @api.onchange("solar_site_id")
    def _onchange_solar_site_id(self):
        site = self.solar_site_id
        if site:
            self.partner_id = site.partner_id
            if site.project_id:
                self.project_id = site.project_id
