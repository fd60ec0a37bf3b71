# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from odoo.addons.solar_om.models.solar_device import DEVICE_TYPES

from solar_om_engine import cases


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

    def _engine_programme(self):
        self.ensure_one()
        return cases.LabourProgramme(
            ref=self.id,
            brand=self.brand,
            device_type=self.device_type or None,
            max_device_age_years=self.max_device_age_years,
            claim_within_days=self.claim_within_days,
        )

    def _for_device(self, device):
        """The programme that pays the labour of replacing `device` (the
        engine's choice among the brand's active programmes)."""
        candidates = self.search([("brand", "=ilike", device.brand or "")])
        chosen = cases.pick_programme(
            [p._engine_programme() for p in candidates], device.brand, device.device_type
        )
        return self.browse(chosen.ref if chosen else [])
