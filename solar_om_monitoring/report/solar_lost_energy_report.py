# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from ..models.solar_fault import FAULT_KINDS
from .solar_fleet_report import PRODUCTION_FAULTS


class SolarLostEnergyReport(models.Model):
    """Energy a fault cost, day by day: what the site should have made
    minus what it made, on the days the fault was open. Comms loss and
    vendor outages are left out: a silent site may well be producing. The
    value is the site's energy rate (tariff or PPA price) times the energy."""

    _name = "solar.lost.energy.report"
    _inherit = "solar.sql.view"
    _description = "Lost Energy per Fault"
    _auto = False
    _order = "day desc, fault_id"
    _depends = {
        "solar.fault": ["site_id", "kind", "first_seen", "closed_at", "ticket_id", "company_id"],
        "solar.production.daily": ["site_id", "day", "energy_kwh", "expected_kwh"],
        "solar.site": ["partner_id", "vendor", "solar_energy_rate"],
        "solar.device": ["site_id", "device_type", "state", "brand"],
    }

    fault_id = fields.Many2one("solar.fault", readonly=True)
    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    site_id = fields.Many2one("solar.site", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    kind = fields.Selection(FAULT_KINDS, string="Fault Kind", readonly=True)
    brand = fields.Char(readonly=True, help="The site's inverter brand, else its vendor.")
    day = fields.Date(readonly=True)
    energy_kwh = fields.Float(string="Made (kWh)", digits=(16, 2), readonly=True)
    expected_kwh = fields.Float(string="Expected (kWh)", digits=(16, 2), readonly=True)
    lost_kwh = fields.Float(string="Lost (kWh)", digits=(16, 2), readonly=True)
    lost_value = fields.Monetary(readonly=True)

    def _select(self):
        return SQL(
            """
            f.id * 100000 + (p.day - DATE '2000-01-01') AS id,
            f.id AS fault_id, f.ticket_id, f.site_id, site.partner_id, f.company_id,
            company.currency_id, f.kind,
            COALESCE(
                (SELECT MIN(d.brand) FROM solar_device d
                  WHERE d.site_id = f.site_id AND d.device_type = 'inverter'
                    AND d.state = 'in_service'),
                site.vendor
            ) AS brand,
            p.day, p.energy_kwh, p.expected_kwh,
            GREATEST(p.expected_kwh - p.energy_kwh, 0) AS lost_kwh,
            GREATEST(p.expected_kwh - p.energy_kwh, 0) * COALESCE(site.solar_energy_rate, 0)
                AS lost_value
            """
        )

    def _from(self):
        return SQL(
            """
            solar_fault f
            JOIN solar_site site ON site.id = f.site_id
            JOIN res_company company ON company.id = f.company_id
            JOIN solar_production_daily p ON p.site_id = f.site_id
             AND p.day >= f.first_seen::date
             AND p.day <= COALESCE(f.closed_at::date, p.day)
            """
        )

    def _where(self):
        return SQL("f.kind IN %s AND p.expected_kwh IS NOT NULL", PRODUCTION_FAULTS)
