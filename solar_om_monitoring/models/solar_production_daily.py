# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from solar_om_engine.geo import zone
from solar_om_engine.tickets import records_production

from .health_run import expected_kwh, naive_utc, sql_values


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

    @api.model
    def _health_upsert(self, batch, evidence, at):
        """Today's energy per site of the batch, on the site's local date, in
        one upsert that keeps the day's highest figure. A silent site records
        nothing: comms loss is not production lost."""
        rows = []
        for row in batch:
            key = str(row["id"])
            reading, verdict = evidence.readings.get(key), evidence.verdicts.get(key)
            if reading is None or reading.energy_today_wh is None or reading.last_report_at is None:
                continue
            if verdict and not records_production(verdict.kind):
                continue
            day = reading.last_report_at.astimezone(zone(row["tz"])).date()
            kwh = reading.energy_today_wh / 1000
            rows.append(
                (
                    row["id"],
                    row["company_id"],
                    day,
                    kwh,
                    kwh / row["capacity_dc_kwp"],
                    expected_kwh(verdict),
                )
            )
        if not rows:
            return
        uid, now = self.env.uid, naive_utc(at)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO solar_production_daily
                    (site_id, company_id, day, energy_kwh, specific_yield, expected_kwh,
                     create_uid, write_uid, create_date, write_date)
                SELECT v.site_id, v.company_id, v.day::date, v.kwh::float8, v.yield::float8,
                       v.expected::float8, %s, %s, %s, %s
                FROM (VALUES %s) AS v(site_id, company_id, day, kwh, yield, expected)
                ON CONFLICT (site_id, day) DO UPDATE SET
                    energy_kwh = GREATEST(solar_production_daily.energy_kwh, EXCLUDED.energy_kwh),
                    specific_yield = GREATEST(
                        solar_production_daily.specific_yield, EXCLUDED.specific_yield),
                    expected_kwh = GREATEST(
                        solar_production_daily.expected_kwh, EXCLUDED.expected_kwh),
                    write_date = EXCLUDED.write_date
                """,
                uid,
                uid,
                now,
                now,
                sql_values(rows),
            )
        )
