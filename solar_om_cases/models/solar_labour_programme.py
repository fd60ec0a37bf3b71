# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.solar_om.models.solar_device import DEVICE_TYPES


class SolarLabourProgramme(models.Model):
    """A manufacturer's labour reimbursement rule for a replaced device: data,
    so the back office updates it when the manufacturer changes the programme."""

    _name = "solar.labour.programme"
    _description = "Manufacturer Labour Reimbursement Programme"
    _order = "brand, device_type"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    brand = fields.Char(required=True, help="As written on the devices, e.g. SolarEdge.")
    device_type = fields.Selection(DEVICE_TYPES, help="Empty: every device of the brand.")
    max_device_age_years = fields.Float(
        string="Device Younger Than (years)",
        help="Labour is paid only for devices installed less than this long ago. 0: no limit.",
    )
    claim_within_days = fields.Integer(
        string="Claim Within (days)",
        help="Days after the replacement to file the claim. 0: no deadline.",
    )
    amount_per_visit = fields.Monetary(currency_field="currency_id")
    amount_per_unit = fields.Monetary(currency_field="currency_id")
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    note = fields.Text()

    def _for_device(self, device):
        candidates = self.search([("brand", "=ilike", device.brand or "")])
        exact = candidates.filtered(lambda p: p.device_type == device.device_type)
        return exact[:1] or candidates.filtered(lambda p: not p.device_type)[:1]
