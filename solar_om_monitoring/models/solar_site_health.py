# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A site's health as people see it: the state the health check wrote, its
urgency (the engine's order: problems first) and its colour, sortable in SQL."""

from odoo import api, fields, models
from odoo.tools import SQL

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


class SolarSite(models.Model):
    # one concern of solar.site per file (see solar_site.py)
    _inherit = "solar.site"  # pylint: disable=consider-merging-classes-inherited

    # written in bulk by the health check
    health_state = fields.Selection(HEALTH, default="unknown", readonly=True, index=True)
    health_reason = fields.Char(readonly=True)
    last_checked_at = fields.Datetime(readonly=True)
    next_check_at = fields.Datetime(readonly=True, index=True)
    last_report_at = fields.Datetime(string="Last Heard From", readonly=True)
    last_power_w = fields.Float(string="Power (W)", readonly=True)
    last_energy_today_kwh = fields.Float(string="Energy Today (kWh)", readonly=True, digits=(16, 2))
    poll_error = fields.Char(readonly=True, help="Why the last check could not read this site.")
    expected_energy_today_kwh = fields.Float(
        string="Expected Today (kWh)",
        readonly=True,
        digits=(16, 2),
        help="What the site should have made so far today, as the last check judged it "
        "(nearby sites, else clear sky).",
    )
    production_ratio = fields.Float(
        string="Of Expected",
        compute="_compute_health_display",
        help="Energy today over the energy expected so far today.",
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

    @api.depends("health_state", "last_energy_today_kwh", "expected_energy_today_kwh")
    def _compute_health_display(self):
        for site in self:
            site.health_rank = URGENCY.get(site.health_state, UNRANKED)
            site.health_color = HEALTH_COLOR.get(site.health_state, 0)
            site.needs_attention = site.health_state in PROBLEM_STATES
            expected = site.expected_energy_today_kwh
            site.production_ratio = site.last_energy_today_kwh / expected if expected else 0.0

    def _search_needs_attention(self, operator, value):
        # the "Needs Attention" filter asks the engine which states are problems
        if operator in ("=", "!="):
            wanted = bool(value) == (operator == "=")
        elif operator in ("in", "not in"):
            wanted = (True in value) == (operator == "in")
        else:
            return NotImplemented
        return [("health_state", "in" if wanted else "not in", sorted(PROBLEM_STATES))]

    def _field_to_sql(self, alias, field_expr, query=None):
        # the urgency is a CASE over the stored health: sortable and
        # groupable in SQL, so "problems first" costs no query per site
        if field_expr == "health_rank":
            health = super()._field_to_sql(alias, "health_state", query)
            cases = SQL(" ").join(
                SQL("WHEN %s THEN %s", state, rank) for state, rank in URGENCY.items()
            )
            return SQL("(CASE %s %s ELSE %s END)", health, cases, UNRANKED)
        return super()._field_to_sql(alias, field_expr, query)
