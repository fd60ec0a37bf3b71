# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SolarProductionDaily(models.Model):
    """Written in bulk by the health check (one upsert per batch of sites)."""

    _name = "solar.production.daily"
    _description = "Daily Production of a Solar Site"
    _order = "day desc, site_id"

    site_id = fields.Many2one("solar.site", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="site_id.company_id", store=True)
    day = fields.Date(required=True, help="The site's local date.")
    energy_kwh = fields.Float(string="Energy (kWh)", digits=(16, 3), aggregator="sum")
    specific_yield = fields.Float(string="Yield (kWh/kWp)", digits=(16, 3), aggregator="avg")
    expected_kwh = fields.Float(
        string="Expected (kWh)",
        digits=(16, 3),
        aggregator="sum",
        help="What the site should have made, as the health check judged it "
        "(nearby sites, else clear sky).",
    )
    ratio = fields.Float(string="Of Expected", compute="_compute_ratio")

    def _compute_ratio(self):
        for day in self:
            day.ratio = day.energy_kwh / day.expected_kwh if day.expected_kwh else 0.0

    _site_day_uniq = models.Constraint("unique(site_id, day)", "One record per site and day.")
