# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SolarAppraisalRate(models.Model):
    """What one kW of a system costs to replace, per component: the insurance
    appraisal multiplies each by the system size."""

    _name = "solar.appraisal.rate"
    _description = "Replacement Rate per kW"
    _order = "sequence, id"

    name = fields.Char(string="Component", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda s: s.env.company)
    currency_id = fields.Many2one(
        "res.currency", default=lambda s: s.env.company.currency_id, required=True
    )
    rate_per_kw = fields.Monetary(string="Rate per kW", required=True)
