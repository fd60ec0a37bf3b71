# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from solar_om_engine.sla import CLOCKS

from ..models.helpdesk_sla import SLA_CLOCKS
from ..models.helpdesk_ticket_sla_clock import CLOCK_COLUMNS
from ..models.solar_fault import FAULT_KINDS


class SolarSlaReport(models.Model):
    """The monitoring tickets' stopped SLA clocks, one row per ticket and
    clock: how long detecting, dispatching, fixing and verifying took against
    the contract level's target, by level, fault kind and month. The
    durations are the tickets' stored figures (the engine's arithmetic)."""

    _name = "solar.sla.report"
    _inherit = "solar.sql.view"
    _description = "Monitoring SLA Clocks"
    _auto = False
    _order = "date desc, ticket_id, clock"
    _depends = {
        "helpdesk.ticket": [
            "solar_monitoring",
            "solar_site_id",
            "partner_id",
            "team_id",
            "company_id",
            "create_date",
            "solar_contract_level_id",
            "solar_fault_kind",
            *(fname for columns in CLOCK_COLUMNS.values() for fname in columns),
        ],
    }

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    clock = fields.Selection(SLA_CLOCKS, readonly=True)
    contract_level_id = fields.Many2one("solar.contract.level", readonly=True)
    fault_kind = fields.Selection(FAULT_KINDS, readonly=True)
    site_id = fields.Many2one("solar.site", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Datetime(string="Opened", readonly=True)
    hours = fields.Float(string="Took (h)", digits=(16, 1), aggregator="avg", readonly=True)
    target_hours = fields.Float(
        string="Target (h)", digits=(16, 1), aggregator="avg", readonly=True
    )
    breached = fields.Integer(
        readonly=True, help="Clocks stopped past their target (summed: how many)."
    )
    met = fields.Integer(string="On Time", readonly=True)

    def _select(self):
        return SQL(
            """
            t.id * %s + c.idx AS id, t.id AS ticket_id, c.clock,
            t.solar_contract_level_id AS contract_level_id, t.solar_fault_kind AS fault_kind,
            t.solar_site_id AS site_id, t.partner_id, t.team_id, t.company_id,
            t.create_date AS date, c.hours, NULLIF(c.target_hours, 0) AS target_hours,
            (c.state = 'breached')::int AS breached, (c.state = 'met')::int AS met
            """,
            len(CLOCKS),
        )

    def _from(self):
        clocks = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s)",
                idx,
                clock.value,
                SQL.identifier("t", CLOCK_COLUMNS[clock.value][1]),
                SQL.identifier("t", CLOCK_COLUMNS[clock.value][2]),
                SQL.identifier("t", CLOCK_COLUMNS[clock.value][0]),
            )
            for idx, clock in enumerate(CLOCKS)
        )
        return SQL(
            "helpdesk_ticket t CROSS JOIN LATERAL (VALUES %s) AS c(idx, clock, hours, "
            "target_hours, state)",
            clocks,
        )

    def _where(self):
        return SQL("t.solar_monitoring AND c.state IN ('met', 'breached')")
