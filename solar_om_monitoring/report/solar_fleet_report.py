# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.solar_om.models.solar_site import VENDORS

# faults that cost production; silence is not production lost
PRODUCTION_FAULTS = (
    "inverter_fault",
    "string_mlpe_fault",
    "underperformance",
    "meter_fault",
    "configuration_issue",
)

# a ratio field -> the (numerator, denominator) columns a group's ratio is
# computed from, as totals
RATIOS = {
    "performance_ratio": ("judged_energy_kwh", "expected_kwh"),
    "availability": ("available_days", "days"),
}


class SolarFleetReport(models.Model):
    """One row per site and month: energy made and expected, their ratio
    (a performance index against the same expectation the health check
    judges by) and availability, the share of the site's recorded days
    without a production fault open. Group by month, customer or vendor for
    the fleet: every ratio of a group is computed from the group's totals
    (its energy over its expected energy, its fault-free days over its
    days), never as an average of the rows' percentages."""

    _name = "solar.fleet.report"
    _inherit = "solar.sql.view"
    _description = "Monthly Fleet Performance"
    _auto = False
    _order = "month desc, site_id"
    _depends = {
        "solar.production.daily": ["site_id", "company_id", "day", "energy_kwh", "expected_kwh"],
        "solar.site": ["partner_id", "vendor", "capacity_dc_kwp"],
        "solar.fault": ["site_id", "kind", "first_seen", "closed_at"],
    }

    month = fields.Date(readonly=True)
    site_id = fields.Many2one("solar.site", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    vendor = fields.Selection(VENDORS, readonly=True)
    capacity_dc_kwp = fields.Float(string="kWp", readonly=True, aggregator="sum")
    days = fields.Integer(string="Days Recorded", readonly=True)
    energy_kwh = fields.Float(string="Energy (kWh)", digits=(16, 1), readonly=True)
    expected_kwh = fields.Float(string="Expected (kWh)", digits=(16, 1), readonly=True)
    performance_ratio = fields.Float(
        string="Of Expected (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="The energy of the judged days over the energy expected on them.",
    )
    availability = fields.Float(
        string="Availability (%)", digits=(16, 1), readonly=True, aggregator="avg"
    )
    # the totals the ratios of a group are computed from
    judged_energy_kwh = fields.Float(
        string="Of Which Judged (kWh)",
        digits=(16, 1),
        readonly=True,
        aggregator="sum",
        help="The energy of the days the health check had an expectation for: what Of "
        "Expected compares with the expected energy.",
    )
    available_days = fields.Integer(string="Days Without a Fault", readonly=True)

    def _read_group_select(self, aggregate_spec, query):
        """A ratio of a group (a month's total, a customer, a vendor) is its
        totals' ratio: 585.3 of 633.0 kWh is 92.5 %, whatever the sites'
        own percentages average to."""
        fname, _sep, _func = aggregate_spec.partition(":")
        if fname in RATIOS:
            numerator, denominator = RATIOS[fname]
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)

    def _select(self):
        return SQL(
            """
            MIN(p.id) AS id,
            date_trunc('month', p.day)::date AS month,
            p.site_id, site.partner_id, p.company_id, site.vendor,
            MAX(site.capacity_dc_kwp) AS capacity_dc_kwp,
            COUNT(*) AS days,
            SUM(p.energy_kwh) AS energy_kwh,
            SUM(p.expected_kwh) AS expected_kwh,
            100.0 * SUM(p.energy_kwh) FILTER (WHERE p.expected_kwh > 0)
                / NULLIF(SUM(p.expected_kwh) FILTER (WHERE p.expected_kwh > 0), 0)
                AS performance_ratio,
            100.0 * COUNT(*) FILTER (WHERE fault_day.site_id IS NULL) / COUNT(*) AS availability,
            COALESCE(SUM(p.energy_kwh) FILTER (WHERE p.expected_kwh > 0), 0)
                AS judged_energy_kwh,
            COUNT(*) FILTER (WHERE fault_day.site_id IS NULL) AS available_days
            """
        )

    def _from(self):
        # the days each site had a production fault open, joined once (a
        # hash join) rather than looked up per production day
        return SQL(
            """
            solar_production_daily p
            JOIN solar_site site ON site.id = p.site_id
            LEFT JOIN (
                SELECT DISTINCT f.site_id, d::date AS day
                  FROM solar_fault f,
                       generate_series(f.first_seen::date,
                                       COALESCE(f.closed_at, now() AT TIME ZONE 'UTC')::date,
                                       interval '1 day') AS d
                 WHERE f.kind IN %s AND f.site_id IS NOT NULL
            ) AS fault_day ON fault_day.site_id = p.site_id AND fault_day.day = p.day
            """,
            PRODUCTION_FAULTS,
        )

    def _group_by(self):
        return SQL(
            "date_trunc('month', p.day), p.site_id, site.partner_id, p.company_id, site.vendor"
        )
