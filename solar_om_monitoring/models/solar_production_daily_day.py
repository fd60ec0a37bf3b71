# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A site's day as the day judge closed it: the series it was judged on
(stored by the checks' production upsert, or asked once after sunset) and
the day's verdict with the figures behind it, written by the daily close
(`solar.day.close`) in one statement per part of the fleet."""

import base64
import json

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from solar_om_engine.kinds import FAULT_KIND_VALUES

from .health_run import naive_utc, sql_values
from .solar_site_health import HEALTH

# the chart of a day's hours: made against due, bars this many pixels high
CHART_HEIGHT = 90


class SolarProductionDailyVerdict(models.AbstractModel):
    _name = "solar.production.daily.verdict"
    _description = "Daily Production: Day Verdicts"

    series_json = fields.Json(
        string="Day Series",
        readonly=True,
        prefetch=False,
        help="The day's power from local midnight as the vendor gave it: "
        "{step_minutes, power_w}, whole watts, null where it had nothing.",
    )
    series_at = fields.Datetime(
        string="Series Captured At",
        readonly=True,
        help="Until when the stored series holds what the vendor had.",
    )
    day_closed_at = fields.Datetime(readonly=True, index=True, help="When the day judge closed it.")
    day_kind = fields.Selection(HEALTH, string="Day Verdict", readonly=True)
    day_reason = fields.Char(string="Why", readonly=True)
    day_rule = fields.Char(readonly=True)
    day_made_kwh = fields.Float(
        string="Made (kWh)",
        digits=(16, 1),
        readonly=True,
        aggregator="sum",
        help="What the day made over the daylight hours the day judge compared "
        "(the whole day's energy where it compared none).",
    )
    day_due_kwh = fields.Float(
        string="Due (kWh)",
        digits=(16, 1),
        readonly=True,
        aggregator="sum",
        help="What the roof makes over the same hours under the sky the site's "
        "neighbours saw, at the site's usual level (docs/day-judging.md).",
    )
    day_share = fields.Float(
        string="Share",
        digits=(16, 3),
        readonly=True,
        aggregator="avg",
        help="Made over due: the figure the day judge decided on.",
    )
    day_model_ratio = fields.Float(
        string="Of the Roof's Model",
        digits=(16, 3),
        readonly=True,
        help="Made over the roof's model under the neighbours' sky, before the site's level.",
    )
    day_level = fields.Float(
        string="Usual Level",
        digits=(16, 3),
        readonly=True,
        help="What the site usually makes of its roof's model under such a sky, "
        "learned from its own good days.",
    )
    day_hourly = fields.Json(
        string="Hours",
        readonly=True,
        prefetch=False,
        help="Per local hour: made and due (Wh), as the day judge compared them.",
    )
    day_problem = fields.Boolean(compute="_compute_day_display")
    day_chart = fields.Binary(
        string="Made and Due by the Hour",
        compute="_compute_day_display",
        attachment=False,
        help="Due as a grey bar, made over it, red where it made less than 80 % of due.",
    )

    @api.depends("day_kind", "day_hourly")
    def _compute_day_display(self):
        for day in self:
            day.day_problem = day.day_kind in FAULT_KIND_VALUES
            chart = _chart(day.day_hourly)
            day.day_chart = base64.b64encode(chart.encode()) if chart else False

    @api.model
    def _day_write(self, rows, at):
        """Close site-days in one statement. `rows`: dicts with site_id,
        company_id, day, and the verdict's figures (kind, reason, rule,
        made_kwh, due_kwh, share, model_ratio, level, hourly) and, where the
        series was asked at the close, series and series_at. A day closed
        already is left as it was: never closed twice."""
        if not rows:
            return 0
        uid, now = self.env.uid, naive_utc(at)
        values = [
            (
                r["site_id"],
                r["company_id"],
                r["day"],
                json.dumps(r["series"]) if r.get("series") else None,
                naive_utc(r["series_at"]) if r.get("series_at") else None,
                r.get("kind"),
                (r.get("reason") or "")[:500] or None,
                r.get("rule"),
                r.get("made_kwh"),
                r.get("due_kwh"),
                r.get("share"),
                r.get("model_ratio"),
                r.get("level"),
                json.dumps(r["hourly"]) if r.get("hourly") else None,
            )
            for r in rows
        ]
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO solar_production_daily AS d
                    (site_id, company_id, day, series_json, series_at, day_kind, day_reason,
                     day_rule, day_made_kwh, day_due_kwh, day_share, day_model_ratio,
                     day_level, day_hourly, day_closed_at,
                     create_uid, write_uid, create_date, write_date)
                SELECT v.site_id::int, v.company_id::int, v.day::date, v.series::jsonb,
                       v.series_at::timestamp, v.kind, v.reason, v.rule, v.made::float8,
                       v.due::float8, v.share::float8, v.model_ratio::float8, v.level::float8,
                       v.hourly::jsonb, %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                FROM (VALUES %(values)s)
                    AS v(site_id, company_id, day, series, series_at, kind, reason, rule,
                         made, due, share, model_ratio, level, hourly)
                ON CONFLICT (site_id, day) DO UPDATE SET
                    series_json = COALESCE(EXCLUDED.series_json, d.series_json),
                    series_at = COALESCE(EXCLUDED.series_at, d.series_at),
                    day_kind = EXCLUDED.day_kind,
                    day_reason = EXCLUDED.day_reason,
                    day_rule = EXCLUDED.day_rule,
                    day_made_kwh = EXCLUDED.day_made_kwh,
                    day_due_kwh = EXCLUDED.day_due_kwh,
                    day_share = EXCLUDED.day_share,
                    day_model_ratio = EXCLUDED.day_model_ratio,
                    day_level = EXCLUDED.day_level,
                    day_hourly = EXCLUDED.day_hourly,
                    day_closed_at = EXCLUDED.day_closed_at,
                    write_date = EXCLUDED.write_date
                WHERE d.day_closed_at IS NULL
                RETURNING d.id
                """,
                now=now,
                uid=uid,
                values=sql_values(values),
            )
        )
        closed = self.browse([r[0] for r in self.env.cr.fetchall()])
        closed.invalidate_recordset()
        return len(closed)


def _chart(hourly):
    """A small bar chart of a day's hours, an SVG image (shown as an image,
    never as HTML): due as a grey bar, made over it (red where it made less
    than 80 % of due), the hours with energy due only."""
    if not hourly:
        return False
    made, due = hourly.get("made") or [], hourly.get("due") or []
    hours = [h for h in range(min(len(made), len(due), 24)) if (due[h] or 0) > 0]
    if not hours:
        return False
    top = max(max((due[h] or 0) for h in hours), max((made[h] or 0) for h in hours), 1)
    width = 22
    bars = []
    for n, h in enumerate(hours):
        x = n * width
        d, m = (due[h] or 0) / top * CHART_HEIGHT, (made[h] or 0) / top * CHART_HEIGHT
        colour = "#28a745" if (made[h] or 0) >= 0.8 * (due[h] or 0) else "#dc3545"
        bars.append(
            Markup(
                '<rect x="%s" y="%s" width="18" height="%s" fill="#ced4da">'
                "<title>%s:00 due %s Wh</title></rect>"
                '<rect x="%s" y="%s" width="12" height="%s" fill="%s">'
                "<title>%s:00 made %s Wh</title></rect>"
                '<text x="%s" y="%s" font-size="9" fill="#6c757d">%s</text>'
            )
            % (
                x,
                CHART_HEIGHT - d,
                d,
                h,
                round(due[h] or 0),
                x + 3,
                CHART_HEIGHT - m,
                m,
                colour,
                h,
                round(made[h] or 0),
                x + 3,
                CHART_HEIGHT + 11,
                h,
            )
        )
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="%s" height="%s" '
        'aria-label="made and due by the hour">%s</svg>'
    ) % (len(hours) * width, CHART_HEIGHT + 12, Markup("").join(bars))
