# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from solar_om_engine.calibration import CalibrationPolicy, DayRatio, history_ratio
from solar_om_engine.dayrules import Shortfall
from solar_om_engine.geo import zone
from solar_om_engine.tickets import records_production

from .health_run import expected_kwh, naive_utc, sql_values


class SolarProductionDaily(models.Model):
    """Written in bulk by the health check (one upsert per batch of sites)."""

    _name = "solar.production.daily"
    _description = "Daily Production of a Solar Site"
    # the day judge's verdict on the day: solar_production_daily_day.py
    _inherit = ["solar.production.daily.verdict"]
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
    below_expected = fields.Boolean(
        compute="_compute_ratio",
        help="Made less than the share of expected the day judge calls a shortfall.",
    )
    # the site's own history (solar_om_engine.calibration): the day's last
    # ratio of energy to the roof's model under the neighbours' sky, before
    # any calibration, and the verdict of that check
    model_ratio = fields.Float(
        digits=(16, 3),
        aggregator="avg",
        help="Energy over what the roof's physical model gave under the neighbours' sky, "
        "at the day's last check that could judge it. Good days calibrate the site: "
        "permanent shading stops alarming, a drop from the usual level does not.",
    )
    model_verdict = fields.Char(
        help="The verdict of the check that recorded the model ratio (ok, underperformance, ...)."
    )

    def _compute_ratio(self):
        # below the least threshold the day judge uses, a day is short for any site
        floor = Shortfall.min_ratio
        for day in self:
            day.ratio = day.energy_kwh / day.expected_kwh if day.expected_kwh else 0.0
            day.below_expected = bool(day.expected_kwh) and day.ratio < floor

    _site_day_uniq = models.Constraint("unique(site_id, day)", "One record per site and day.")

    @api.depends("site_id", "day")
    def _compute_display_name(self):
        for day in self:
            day.display_name = f"{day.site_id.name or ''} · {day.day or ''}"

    @api.model
    def _health_upsert(self, batch, evidence, at):
        """Today's energy per site of the batch, on the site's local date, in
        one upsert that keeps the day's highest figure, with the day's power
        series where the reading came with it (the latest capture wins: the
        day judge reads it after sunset). A silent site records nothing:
        comms loss is not production lost."""
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
            model_ratio = verdict.evidence.get("model_ratio") if verdict else None
            capture = evidence.series.get(key)
            if capture is not None and capture.day != day:
                capture = None
            rows.append(
                (
                    row["id"],
                    row["company_id"],
                    day,
                    kwh,
                    kwh / row["capacity_dc_kwp"],
                    expected_kwh(verdict),
                    model_ratio,
                    verdict.kind if model_ratio is not None else None,
                    json.dumps(capture.to_json()) if capture else None,
                    naive_utc(capture.captured_at) if capture else None,
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
                     model_ratio, model_verdict, series_json, series_at,
                     create_uid, write_uid, create_date, write_date)
                SELECT v.site_id, v.company_id, v.day::date, v.kwh::float8, v.yield::float8,
                       v.expected::float8, v.model_ratio::float8, v.model_verdict::varchar,
                       v.series::jsonb, v.series_at::timestamp,
                       %s, %s, %s, %s
                FROM (VALUES %s)
                    AS v(site_id, company_id, day, kwh, yield, expected, model_ratio,
                         model_verdict, series, series_at)
                ON CONFLICT (site_id, day) DO UPDATE SET
                    energy_kwh = GREATEST(solar_production_daily.energy_kwh, EXCLUDED.energy_kwh),
                    specific_yield = GREATEST(
                        solar_production_daily.specific_yield, EXCLUDED.specific_yield),
                    -- what the latest judged check expected, beside the energy it
                    -- read (not the highest: a site calibrated since expects less)
                    expected_kwh = CASE WHEN EXCLUDED.expected_kwh IS NOT NULL
                        AND EXCLUDED.energy_kwh >= COALESCE(solar_production_daily.energy_kwh, 0)
                        THEN EXCLUDED.expected_kwh ELSE solar_production_daily.expected_kwh END,
                    -- the latest judged ratio of the day (the most energy behind it)
                    model_ratio = CASE WHEN EXCLUDED.model_ratio IS NOT NULL
                        AND EXCLUDED.energy_kwh >= COALESCE(solar_production_daily.energy_kwh, 0)
                        THEN EXCLUDED.model_ratio ELSE solar_production_daily.model_ratio END,
                    model_verdict = CASE WHEN EXCLUDED.model_ratio IS NOT NULL
                        AND EXCLUDED.energy_kwh >= COALESCE(solar_production_daily.energy_kwh, 0)
                        THEN EXCLUDED.model_verdict ELSE solar_production_daily.model_verdict END,
                    -- the day's latest series (a closed day keeps what it was judged on)
                    series_json = CASE WHEN EXCLUDED.series_at IS NOT NULL
                        AND solar_production_daily.day_closed_at IS NULL
                        AND EXCLUDED.series_at >= COALESCE(solar_production_daily.series_at,
                                                           EXCLUDED.series_at)
                        THEN EXCLUDED.series_json ELSE solar_production_daily.series_json END,
                    series_at = CASE WHEN EXCLUDED.series_at IS NOT NULL
                        AND solar_production_daily.day_closed_at IS NULL
                        AND EXCLUDED.series_at >= COALESCE(solar_production_daily.series_at,
                                                           EXCLUDED.series_at)
                        THEN EXCLUDED.series_at ELSE solar_production_daily.series_at END,
                    write_date = EXCLUDED.write_date
                """,
                uid,
                uid,
                now,
                now,
                sql_values(rows),
            )
        )
        # written in SQL: what the ORM holds of the rows, and what the sites
        # show of them, is read again
        self.invalidate_model(
            ["energy_kwh", "specific_yield", "expected_kwh", "model_ratio", "model_verdict"]
        )
        self.env["solar.site"].invalidate_model(
            ["production_day", "day_energy_kwh", "day_expected_kwh", "production_ratio"]
        )

    @api.model
    def _health_history_ratios(self, rows, at, policy=None):
        """Site id -> its history ratio (solar_om_engine.calibration) on the
        site's local date at `at` (or the row's own "at"), for the sites of
        `rows` that have one: one query for the whole chunk."""
        policy = policy or CalibrationPolicy()
        today = {row["id"]: row.get("at", at).astimezone(zone(row["tz"])).date() for row in rows}
        if not today:
            return {}
        since = min(today.values()) - timedelta(days=policy.window_days)
        days = defaultdict(list)
        for site_id, day, ratio, kind in self.env.execute_query(
            SQL(
                """
                SELECT site_id, day, model_ratio, model_verdict FROM solar_production_daily
                WHERE site_id = ANY(%s) AND day >= %s AND model_ratio IS NOT NULL
                """,
                list(today),
                since,
            )
        ):
            days[site_id].append(DayRatio(day, ratio, kind or ""))
        ratios = {}
        for site_id, history in days.items():
            ratio = history_ratio(history, today[site_id], policy)
            if ratio is not None:
                ratios[site_id] = ratio
        return ratios
