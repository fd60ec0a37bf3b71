# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A site's health as people see it: the state the health check wrote, its
urgency (the engine's order: problems first) and its colour, sortable in SQL."""

from datetime import datetime, timezone

from odoo import api, fields, models

from solar_om_engine import planner
from solar_om_engine.geo import has_coordinates, zone
from solar_om_engine.kinds import PROBLEM_STATES, UNRANKED, URGENCY, health_state_choices

# the engine's closed set: a test fails if the selection drifts from it
HEALTH = health_state_choices()

# the kanban palette: 1 red, 2 orange, 3 yellow, 4 light blue, 10 green, 0 none
HEALTH_COLOR = {
    "inverter_fault": 1,
    "string_mlpe_fault": 1,
    "meter_fault": 1,
    "underperformance": 1,
    "configuration_issue": 1,
    "vendor_outage": 2,
    "comms_loss": 2,
    "not_watched": 3,
    "indeterminate": 4,
    "unknown": 0,
    "reporting": 4,
    "ok": 10,
    "night": 0,
}


class SolarSiteHealth(models.AbstractModel):
    _name = "solar.site.health"
    _description = "Solar Site: Health"

    # written in bulk by the health check
    health_state = fields.Selection(HEALTH, default="unknown", readonly=True, index=True)
    health_reason = fields.Char(readonly=True)
    last_checked_at = fields.Datetime(readonly=True)
    # when the check may claim the site again (its production slot; the
    # month's end where every reporting check reads it anyway)
    next_check_at = fields.Datetime(string="Due for a Production Pass", readonly=True, index=True)
    next_reading_at = fields.Datetime(
        string="Next Check At",
        compute="_compute_next_reading_at",
        help="When the health check next reads this site's production, as its account's "
        "polling plan says: its next production slot, or where every reporting check reads "
        "production (SolarEdge), the next one that finds it in daylight.",
    )
    last_report_at = fields.Datetime(string="Last Heard From", readonly=True)
    last_power_w = fields.Float(string="Power (W)", readonly=True)
    last_energy_today_kwh = fields.Float(
        string="Energy at Last Check (kWh)",
        readonly=True,
        digits=(16, 2),
        help="The day's energy the last check read (the work order quotes it).",
    )
    poll_error = fields.Char(readonly=True, help="Why the last check could not read this site.")
    expected_energy_today_kwh = fields.Float(
        string="Expected at Last Check (kWh)",
        readonly=True,
        digits=(16, 2),
        help="What the last check expected so far today, when it judged production.",
    )
    # what every screen shows of a site's production: the day's row the
    # health check recorded (solar.production.daily) for the day it last
    # heard from the site (its local date), the row the reports and the
    # site's 30-day table read
    production_day = fields.Date(
        string="Day",
        compute="_compute_day_figures",
        help="The site's local date when it last reported: the day the figures are of.",
    )
    day_energy_kwh = fields.Float(
        string="Energy (kWh)",
        compute="_compute_day_figures",
        digits=(16, 2),
        help="What the site made that day, as the health check recorded it.",
    )
    day_expected_kwh = fields.Float(
        string="Expected (kWh)",
        compute="_compute_day_figures",
        digits=(16, 2),
        help="What the site should have made by its last report that day, as the health "
        "check judged it (nearby sites, else clear sky): the day's production row.",
    )
    production_ratio = fields.Float(
        string="Of Expected",
        compute="_compute_day_figures",
        help="The day's energy over the energy expected by its last report.",
    )
    health_rank = fields.Integer(
        string="Urgency",
        compute="_compute_health_display",
        help="Faults first, then comms loss, then sites nobody can judge, then healthy ones.",
    )
    health_color = fields.Integer(compute="_compute_health_display")
    needs_attention = fields.Boolean(
        compute="_compute_health_display",
        search="_search_needs_attention",
        help="A fault or a silent site: what the engine ranks as a problem.",
    )

    @api.depends("health_state")
    def _compute_health_display(self):
        for site in self:
            site.health_rank = URGENCY.get(site.health_state, UNRANKED)
            site.health_color = HEALTH_COLOR.get(site.health_state, 0)
            site.needs_attention = site.health_state in PROBLEM_STATES

    @api.depends("account_id", "latitude", "longitude", "last_checked_at")
    def _compute_next_reading_at(self):
        now = datetime.now(timezone.utc)
        accounts = self.account_id
        plans = accounts.sudo()._health_plans(now) if accounts else {}
        for site in self:
            plan = plans.get(site.account_id.id)
            at = None
            if plan and site.active and has_coordinates(site.latitude, site.longitude):
                last = site.account_id.sudo().last_liveness_at
                at = planner.next_check_at(
                    plan,
                    site.latitude,
                    site.longitude,
                    now,
                    site.id,
                    last_pass_at=last.replace(tzinfo=timezone.utc) if last else None,
                )
            site.next_reading_at = at.astimezone(timezone.utc).replace(tzinfo=None) if at else False

    @api.depends("tz", "last_report_at")
    def _compute_day_figures(self):
        """Each site's recorded energy and expected energy on the day it last
        reported (its local date), in one read for all the sites."""
        days = {
            site.id: site.last_report_at.replace(tzinfo=timezone.utc)
            .astimezone(zone(site.tz or "UTC"))
            .date()
            for site in self
            if site.last_report_at
        }
        rows = {}
        if days:
            for row in (
                self.env["solar.production.daily"]
                .sudo()
                .search_read(
                    [("site_id", "in", list(days)), ("day", "in", list(set(days.values())))],
                    ["site_id", "day", "energy_kwh", "expected_kwh"],
                )
            ):
                rows[row["site_id"][0], row["day"]] = (row["energy_kwh"], row["expected_kwh"])
        for site in self:
            day = days.get(site.id)
            energy, expected = rows.get((site.id, day), (0.0, 0.0))
            site.production_day = day if (site.id, day) in rows else False
            site.day_energy_kwh = energy
            site.day_expected_kwh = expected
            site.production_ratio = energy / expected if expected else 0.0

    def _search_needs_attention(self, operator, value):
        # the "Needs Attention" filter asks the engine which states are problems
        if operator in ("=", "!="):
            wanted = bool(value) == (operator == "=")
        elif operator in ("in", "not in"):
            wanted = (True in value) == (operator == "in")
        else:
            return NotImplemented
        return [("health_state", "in" if wanted else "not in", sorted(PROBLEM_STATES))]
