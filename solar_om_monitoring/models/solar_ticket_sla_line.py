# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A monitoring ticket's SLA clocks as lines: one per clock and ticket, read
from the clocks the ticket stores (a database view, nothing stored twice),
with the live reading beside them: when the clock started and stopped or is
due, the time it took or has left. The ticket form lists them; the lines are
searchable on their own (the clocks overdue now, breached, by clock)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from solar_om_engine.sla import CLOCKS, ClockState

from .helpdesk_sla import SLA_CLOCKS
from .helpdesk_ticket_sla_clock import CLOCK_COLUMNS, CLOCK_STATES


class SolarTicketSlaLine(models.Model):
    _name = "solar.ticket.sla.line"
    _description = "SLA Clock of a Ticket"
    _auto = False
    _order = "ticket_id desc, sequence"
    _rec_name = "clock"
    _depends = {
        "helpdesk.ticket": [
            "company_id",
            "solar_site_id",
            "solar_monitoring",
            *(fname for columns in CLOCK_COLUMNS.values() for fname in columns),
        ],
    }

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    site_id = fields.Many2one("solar.site", readonly=True)
    sequence = fields.Integer(readonly=True)
    clock = fields.Selection(SLA_CLOCKS, readonly=True)
    stored_state = fields.Selection(
        CLOCK_STATES,
        string="Status at Last Refresh",
        readonly=True,
        help="As the ticket stored it: refreshed on each change and every hour.",
    )
    taken_hours = fields.Float(
        string="Took (h)", readonly=True, help="The hours a stopped clock took."
    )
    target_hours = fields.Float(string="Target (h)", readonly=True)
    state = fields.Selection(
        CLOCK_STATES, string="Status", compute="_compute_reading", search="_search_state"
    )
    started = fields.Datetime(compute="_compute_reading")
    stopped = fields.Datetime(compute="_compute_reading")
    due = fields.Datetime(
        compute="_compute_reading", help="When the clock passes its target (started + target)."
    )
    took = fields.Char(compute="_compute_reading", help="So far, for a clock still running.")
    target = fields.Char(compute="_compute_reading")
    time_left = fields.Char(
        compute="_compute_reading",
        help="Before a running clock passes its target, or how long it is past it.",
    )

    @property
    def _table_query(self):
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s)",
                n,
                clock.value,
                SQL.identifier("t", CLOCK_COLUMNS[clock.value][0]),
                SQL.identifier("t", CLOCK_COLUMNS[clock.value][1]),
                SQL.identifier("t", CLOCK_COLUMNS[clock.value][2]),
            )
            for n, clock in enumerate(CLOCKS, start=1)
        )
        return SQL(
            """
            SELECT t.id * 10 + c.sequence AS id, t.id AS ticket_id, t.company_id,
                   t.solar_site_id AS site_id, c.sequence, c.clock,
                   c.state AS stored_state, c.taken_hours, c.target_hours
              FROM helpdesk_ticket t
              CROSS JOIN LATERAL (VALUES %s)
                AS c(sequence, clock, state, taken_hours, target_hours)
             WHERE t.solar_monitoring AND c.state IS NOT NULL
            """,
            rows,
        )

    # ------------------------------------------------------------ access
    # A ticket's clocks are read by whoever reads the ticket, and only them:
    # the ticket's own access (the technician's rule, helpdesk_mgmt's
    # ladder, multi-company) decides. A record rule could not say it (rules
    # are applied as the superuser), so searching and reading ask the ticket.
    @api.model
    def _search(self, domain, *args, bypass_access=False, **kwargs):
        if not (self.env.su or bypass_access):
            domain = Domain(domain) & Domain(
                "ticket_id", "in", self.env["helpdesk.ticket"]._search([])
            )
        return super()._search(domain, *args, bypass_access=bypass_access, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or self.env.su or not any(self._ids):
            return result
        tickets = self.sudo().ticket_id.with_env(self.env)
        refused = tickets._check_access("read")
        if not refused:
            return None
        forbidden = self.filtered(lambda line: line.sudo().ticket_id in refused[0])
        return forbidden, refused[1]

    @api.depends_context("tz")
    def _compute_reading(self):
        readings = self.ticket_id._solar_read_clocks()
        now = fields.Datetime.now()
        for line in self:
            reading = next(
                (r for r in readings.get(line.ticket_id.id, ()) if r.clock.value == line.clock),
                None,
            )
            if reading is None:
                line.update(
                    {
                        "state": line.stored_state,
                        "started": False,
                        "stopped": False,
                        "due": False,
                        "took": False,
                        "target": False,
                        "time_left": False,
                    }
                )
                continue
            due = (
                reading.started + timedelta(hours=reading.target_hours)
                if reading.started and reading.target_hours
                else False
            )
            if reading.state == ClockState.RUNNING and due:
                left = self.env._("%(time)s left", time=line._duration((due - now) / HOUR))
            elif reading.state == ClockState.OVERDUE and due:
                left = self.env._("%(time)s overdue", time=line._duration((now - due) / HOUR))
            else:
                left = False
            line.update(
                {
                    "state": reading.state.value,
                    "started": reading.started or False,
                    "stopped": reading.stopped or False,
                    "due": due,
                    "took": line._duration(reading.hours) or False,
                    "target": line._duration(reading.target_hours) or False,
                    "time_left": left,
                }
            )

    def _search_state(self, operator, value):
        """A clock's live state is its stored one, refreshed every hour."""
        return [("stored_state", operator, value)]

    def _duration(self, hours):
        if hours is None:
            return ""
        minutes = round(hours * 60)
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        if days:
            return self.env._("%(d)s d %(h)s h", d=days, h=hours)
        if hours:
            return self.env._("%(h)s h %(m)02d min", h=hours, m=minutes)
        return self.env._("%(m)s min", m=minutes)


HOUR = timedelta(hours=1)
