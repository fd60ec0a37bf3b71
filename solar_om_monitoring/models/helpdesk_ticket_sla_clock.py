# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval

from solar_om_engine import sla as sla_rules
from solar_om_engine.sla import Clock, ClockState

from .solar_fault import FAULT_KINDS

CLOCK_STATES = [
    (ClockState.PENDING.value, "Not Started"),
    (ClockState.RUNNING.value, "Running"),
    (ClockState.OVERDUE.value, "Overdue"),
    (ClockState.MET.value, "Met"),
    (ClockState.BREACHED.value, "Breached"),
    (ClockState.NOT_MEASURED.value, "Not Measured"),
]
# each clock's stored figures on the ticket: state, hours taken, target
CLOCK_COLUMNS = {
    Clock.DETECT.value: (
        "solar_sla_detect_state",
        "solar_sla_detect_hours",
        "solar_sla_detect_target",
    ),
    Clock.DISPATCH.value: (
        "solar_sla_dispatch_state",
        "solar_sla_dispatch_hours",
        "solar_sla_dispatch_target",
    ),
    Clock.FIX.value: ("solar_sla_fix_state", "solar_sla_fix_hours", "solar_sla_fix_target"),
    Clock.VERIFY.value: (
        "solar_sla_verify_state",
        "solar_sla_verify_hours",
        "solar_sla_verify_target",
    ),
}


class SolarTicketSlaClock(models.AbstractModel):
    """A monitoring ticket's SLA clocks: detect, dispatch, fix, verify, each
    against its contract level's target (OCA `helpdesk_mgmt_sla` records
    with a monitoring clock). The arithmetic is the engine's (`sla`); the
    stopped clocks are stored for the SLA report."""

    _name = "solar.ticket.sla.clock"
    _description = "Solar Ticket: SLA Clocks"

    solar_contract_level_id = fields.Many2one(
        "solar.contract.level",
        string="Contract Level",
        compute="_compute_solar_contract_level_id",
        store=True,
        help="The level of the site's active O&M contract: its SLA targets apply.",
    )
    solar_fault_start = fields.Datetime(
        string="Fault Began",
        compute="_compute_solar_fault_start",
        store=True,
        help="When the monitoring first saw the ticket's earliest fault.",
    )
    solar_fault_kind = fields.Selection(
        FAULT_KINDS,
        string="Fault Kind",
        compute="_compute_solar_fault_start",
        store=True,
    )
    solar_dispatched_at = fields.Datetime(
        string="Dispatched",
        readonly=True,
        copy=False,
        help="When a work order of the ticket was first assigned or scheduled.",
    )
    solar_fixed_at = fields.Datetime(
        string="Fixed",
        readonly=True,
        copy=False,
        help="When the last work order was done (the ticket went to Verifying).",
    )
    solar_sla_detect_state = fields.Selection(
        CLOCK_STATES, compute="_compute_solar_sla", store=True
    )
    solar_sla_detect_hours = fields.Float(compute="_compute_solar_sla", store=True)
    solar_sla_detect_target = fields.Float(compute="_compute_solar_sla", store=True)
    solar_sla_dispatch_state = fields.Selection(
        CLOCK_STATES, compute="_compute_solar_sla", store=True
    )
    solar_sla_dispatch_hours = fields.Float(compute="_compute_solar_sla", store=True)
    solar_sla_dispatch_target = fields.Float(compute="_compute_solar_sla", store=True)
    solar_sla_fix_state = fields.Selection(CLOCK_STATES, compute="_compute_solar_sla", store=True)
    solar_sla_fix_hours = fields.Float(compute="_compute_solar_sla", store=True)
    solar_sla_fix_target = fields.Float(compute="_compute_solar_sla", store=True)
    solar_sla_verify_state = fields.Selection(
        CLOCK_STATES, compute="_compute_solar_sla", store=True
    )
    solar_sla_verify_hours = fields.Float(compute="_compute_solar_sla", store=True)
    solar_sla_verify_target = fields.Float(compute="_compute_solar_sla", store=True)
    solar_sla_breached = fields.Boolean(
        string="SLA Breached",
        compute="_compute_solar_sla",
        store=True,
        help="A monitoring clock past its contract level's target: stopped late, or still "
        "running past it (refreshed every hour).",
    )
    solar_sla_line_ids = fields.One2many(
        "solar.ticket.sla.line",
        string="SLA Clocks",
        compute="_compute_solar_sla_line_ids",
        help="Each monitoring clock: its status, when it started and stopped or is due, "
        "the time it took or has left, against its target.",
    )

    @api.depends("solar_site_id.contract_level_id", "solar_site_id.contract_state")
    def _compute_solar_contract_level_id(self):
        for ticket in self:
            site = ticket.solar_site_id
            ticket.solar_contract_level_id = (
                site.contract_level_id if site.contract_state == "active" else False
            )

    @api.depends("solar_fault_ids.first_seen", "solar_fault_ids.kind")
    def _compute_solar_fault_start(self):
        # every ticket's faults and their first sighting read at once, not
        # ticket by ticket (measured: a query per ticket the daily close
        # opens, bench/dayclose_benchmark.py); stored tickets' in one query
        # (the one2many's read and its fetch were two)
        if self and all(self._ids):
            faults = (
                self.env["solar.fault"]
                .search_fetch([("ticket_id", "in", self.ids)], ["first_seen", "kind", "ticket_id"])
                .grouped("ticket_id")
            )
        else:
            self.solar_fault_ids.fetch(["first_seen", "kind"])
            faults = {ticket: ticket.solar_fault_ids for ticket in self}
        for ticket in self:
            found = faults.get(ticket, self.env["solar.fault"])
            first = found.sorted(lambda f: (f.first_seen, f.id))[:1]
            ticket.solar_fault_start = first.first_seen
            ticket.solar_fault_kind = first.kind

    # ------------------------------------------------------------ the clocks
    def _solar_sla_targets(self):
        """{ticket id: {clock: hours}}: the strictest target of each clock
        among the SLAs that apply (kept by `helpdesk.sla` until one changes)."""
        targets = {ticket.id: {} for ticket in self}
        for rule in self.env["helpdesk.sla"]._solar_clock_rules():
            tickets = self
            if rule.domain and rule.domain.replace(" ", "") != "[]":
                tickets = self.filtered_domain(safe_eval(rule.domain))
            for ticket in tickets.filtered(rule.applies_to):
                by_clock = targets[ticket.id]
                by_clock[rule.clock] = min(rule.hours, by_clock.get(rule.clock, rule.hours))
        return targets

    def _solar_milestones(self):
        self.ensure_one()
        return sla_rules.Milestones(
            opened=self.create_date or fields.Datetime.now(),
            fault_kind=self.solar_fault_kind or None,
            fault_start=self.solar_fault_start or None,
            dispatched=self.solar_dispatched_at or None,
            fixed=self.solar_fixed_at or None,
            closed=(self.closed_date or None) if self.closed else None,
        )

    def _solar_read_clocks(self, now=None):
        """{ticket id: (ClockReading, ...)} at `now` (default: now)."""
        now = now or fields.Datetime.now()
        monitored = self.filtered("solar_monitoring")
        targets = monitored._solar_sla_targets()
        return {
            ticket.id: sla_rules.read_clocks(ticket._solar_milestones(), targets[ticket.id], now)
            for ticket in monitored
        }

    @api.depends(
        "solar_monitoring",
        "create_date",
        "solar_fault_start",
        "solar_fault_kind",
        "solar_dispatched_at",
        "solar_fixed_at",
        "closed",
        "closed_date",
        "solar_contract_level_id",
        "team_id",
        "category_id",
    )
    def _compute_solar_sla(self):
        readings = self._solar_read_clocks()
        for ticket in self:
            by_clock = {reading.clock: reading for reading in readings.get(ticket.id, ())}
            (
                ticket.solar_sla_detect_state,
                ticket.solar_sla_detect_hours,
                ticket.solar_sla_detect_target,
            ) = _stored(by_clock.get(Clock.DETECT))
            (
                ticket.solar_sla_dispatch_state,
                ticket.solar_sla_dispatch_hours,
                ticket.solar_sla_dispatch_target,
            ) = _stored(by_clock.get(Clock.DISPATCH))
            (
                ticket.solar_sla_fix_state,
                ticket.solar_sla_fix_hours,
                ticket.solar_sla_fix_target,
            ) = _stored(by_clock.get(Clock.FIX))
            (
                ticket.solar_sla_verify_state,
                ticket.solar_sla_verify_hours,
                ticket.solar_sla_verify_target,
            ) = _stored(by_clock.get(Clock.VERIFY))
            ticket.solar_sla_breached = any(r.state.late for r in by_clock.values())

    @api.depends(lambda self: [fname for columns in CLOCK_COLUMNS.values() for fname in columns])
    def _compute_solar_sla_line_ids(self):
        """The clocks' lines (a view of the fields above)."""
        lines = self.env["solar.ticket.sla.line"].search([("ticket_id", "in", self._origin.ids)])
        for ticket in self:
            ticket.solar_sla_line_ids = lines.filtered(
                lambda line, ticket=ticket: line.ticket_id == ticket._origin
            )

    @api.model
    def _cron_solar_sla_refresh(self):
        """A running clock passes its target without any write to its
        ticket: recompute the open monitoring tickets with a running clock,
        so that their stored state turns overdue and SLA Breached finds
        them (the form reads the clocks live anyway)."""
        running = Domain.OR(
            Domain(fname, "=", ClockState.RUNNING.value)
            for fname in (
                "solar_sla_detect_state",
                "solar_sla_dispatch_state",
                "solar_sla_fix_state",
                "solar_sla_verify_state",
            )
        )
        tickets = self.search(
            Domain("solar_monitoring", "=", True) & Domain("closed", "=", False) & running
        )
        for field in self._fields.values():
            if field.compute == "_compute_solar_sla":
                self.env.add_to_compute(field, tickets)
        tickets.flush_recordset()

    # ------------------------------------------------------------ milestones
    def _solar_mark_dispatched(self, when=None):
        """A work order got a technician or a date: the dispatch clock stops
        (the first time only)."""
        self.filtered(lambda t: not t.solar_dispatched_at).sudo().write(
            {"solar_dispatched_at": when or fields.Datetime.now()}
        )

    def _solar_to_verifying(self):
        self.sudo().write({"solar_fixed_at": fields.Datetime.now()})
        return super()._solar_to_verifying()

    def _solar_reopen(self, evidence):
        # the fix did not hold: the fix clock runs again
        self.sudo().write({"solar_fixed_at": False})
        return super()._solar_reopen(evidence)


def _stored(reading):
    """What a clock's reading stores: its state, the hours it took once
    stopped (a running clock's time so far is stale once stored: the form
    reads it live) and its target; nothing for a ticket without clocks."""
    if reading is None:
        return False, 0.0, 0.0
    hours = reading.hours if reading.state.stopped else 0.0
    return reading.state.value, hours or 0.0, reading.target_hours or 0.0
