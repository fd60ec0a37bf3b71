# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.helpdesk_ticket import OUTCOMES, RESOLUTION_PATHS, SERVICE_PHASES


class SolarServiceReport(models.Model):
    """One row per service case (a ticket with a resolution path). The
    first-time-fix column is empty for cases it does not apply to, so its
    average is the true rate in any grouping."""

    _name = "solar.service.report"
    _description = "Service Outcomes"
    _auto = False
    _order = "create_date desc"

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", string="Case Type", readonly=True)
    site_id = fields.Many2one("solar.site", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned To", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    resolution_path = fields.Selection(RESOLUTION_PATHS, readonly=True)
    resolution_outcome = fields.Selection(OUTCOMES, string="Outcome", readonly=True)
    phase = fields.Selection(SERVICE_PHASES, string="Service Progress", readonly=True)
    create_date = fields.Datetime(string="Requested On", readonly=True)
    closed_date = fields.Datetime(string="Closed On", readonly=True)
    visit_count = fields.Integer(string="Visits", readonly=True)
    return_visit_count = fields.Integer(string="Return Visits", readonly=True)
    first_time_fix_rate = fields.Float(
        string="First-Time Fix (%)", readonly=True, aggregator="avg", digits=(5, 1)
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT t.id,
                           t.id AS ticket_id,
                           t.team_id,
                           t.category_id,
                           t.solar_site_id AS site_id,
                           t.partner_id,
                           t.user_id,
                           t.company_id,
                           t.resolution_path,
                           t.resolution_outcome,
                           t.solar_service_phase AS phase,
                           t.create_date,
                           t.closed_date,
                           t.solar_visit_count AS visit_count,
                           t.solar_return_visit_count AS return_visit_count,
                           CASE t.solar_first_time_fix
                               WHEN 'yes' THEN 100.0
                               WHEN 'no' THEN 0.0
                           END AS first_time_fix_rate
                      FROM helpdesk_ticket t
                     WHERE t.resolution_path IS NOT NULL
                )
                """,
                SQL.identifier(self._table),
            )
        )
