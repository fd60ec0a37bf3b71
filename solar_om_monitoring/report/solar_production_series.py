# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.solar_om.models.solar_site import VENDORS


class SolarProductionSeries(models.Model):
    """A site's daily energy as two series, actual and expected, so that one
    line chart (or pivot) puts them side by side: the drop a fault makes is
    the gap between the lines."""

    _name = "solar.production.series"
    _inherit = "solar.sql.view"
    _description = "Production Against Expected"
    _auto = False
    _order = "day desc, site_id, series"
    _depends = {
        "solar.production.daily": ["site_id", "company_id", "day", "energy_kwh", "expected_kwh"],
        "solar.site": ["partner_id", "vendor"],
    }

    site_id = fields.Many2one("solar.site", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    vendor = fields.Selection(VENDORS, readonly=True)
    day = fields.Date(readonly=True)
    series = fields.Selection([("actual", "Actual"), ("expected", "Expected")], readonly=True)
    energy_kwh = fields.Float(string="Energy (kWh)", digits=(16, 2), readonly=True)

    def _select(self):
        return SQL(
            """
            p.id * 2 + (s.series = 'expected')::int AS id,
            p.site_id, site.partner_id, p.company_id, site.vendor, p.day, s.series,
            CASE s.series WHEN 'actual' THEN p.energy_kwh ELSE p.expected_kwh END AS energy_kwh
            """
        )

    def _from(self):
        return SQL(
            """
            solar_production_daily p
            JOIN solar_site site ON site.id = p.site_id
            CROSS JOIN (VALUES ('actual'), ('expected')) AS s(series)
            """
        )

    def _where(self):
        return SQL("s.series = 'actual' OR p.expected_kwh IS NOT NULL")
