# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval

from solar_om_engine import sla as sla_rules
from solar_om_engine.sla import ClockState

from .helpdesk_sla import SLA_CLOCKS
from .solar_fault import FAULT_KINDS

CLOCK_STATES = [
    (ClockState.PENDING.value, "Not Started"),
    (ClockState.RUNNING.value, "Running"),
    (ClockState.OVERDUE.value, "Overdue"),
    (ClockState.MET.value, "Met"),
    (ClockState.BREACHED.value, "Breached"),
    (ClockState.NOT_MEASURED.value, "Not Measured"),
]
STATE_BADGE = {
    ClockState.PENDING: "text-bg-light",
    ClockState.RUNNING: "text-bg-info",
    ClockState.OVERDUE: "text-bg-warning",
    ClockState.MET: "text-bg-success",
    ClockState.BREACHED: "text-bg-danger",
    ClockState.NOT_MEASURED: "text-bg-light",
}


class HelpdeskTicket(models.Model):
    """A monitoring ticket's SLA clocks: detect, dispatch, fix, verify, each
    against its contract level's target (OCA `helpdesk_mgmt_sla` records
    with a monitoring clock). The arithmetic is the engine's (`sla`); the
    stopped clocks are stored for the SLA report."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

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
    solar_sla_clocks = fields.Html(
        string="SLA Clocks", compute="_compute_solar_sla_clocks", sanitize=False
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
        for ticket in self:
            first = ticket.solar_fault_ids.sorted(lambda f: (f.first_seen, f.id))[:1]
            ticket.solar_fault_start = first.first_seen
            ticket.solar_fault_kind = first.kind

    # ------------------------------------------------------------ the clocks
    def _solar_sla_targets(self):
        """{ticket id: {clock: hours}}: the strictest target of each clock
        among the SLAs that apply, all SLAs read in one search."""
        slas = self.env["helpdesk.sla"].sudo().search([("solar_clock", "!=", False)])
        targets = {ticket.id: {} for ticket in self}
        for sla in slas:
            tickets = self
            if sla.domain and sla.domain.replace(" ", "") != "[]":
                tickets = self.filtered_domain(safe_eval(sla.domain))
            hours = sla._solar_target_hours()
            for ticket in tickets.filtered(sla._solar_applies_to):
                by_clock = targets[ticket.id]
                by_clock[sla.solar_clock] = min(hours, by_clock.get(sla.solar_clock, hours))
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
            breached = False
            for reading in readings.get(ticket.id, ()):
                prefix = f"solar_sla_{reading.clock.value}"
                # a running clock's time so far is stale once stored: the
                # stored figures are the stopped clocks' (the form reads live)
                stopped = reading.state.stopped
                ticket[f"{prefix}_state"] = reading.state.value
                ticket[f"{prefix}_hours"] = reading.hours if stopped else 0.0
                ticket[f"{prefix}_target"] = reading.target_hours or 0.0
                breached = breached or reading.state.late
            if ticket.id not in readings:
                for clock in sla_rules.CLOCKS:
                    prefix = f"solar_sla_{clock.value}"
                    ticket[f"{prefix}_state"] = False
                    ticket[f"{prefix}_hours"] = ticket[f"{prefix}_target"] = 0.0
            ticket.solar_sla_breached = breached

    @api.model
    def _cron_solar_sla_refresh(self):
        """A running clock passes its target without any write to its
        ticket: recompute the open monitoring tickets with a running clock,
        so that their stored state turns overdue and SLA Breached finds
        them (the form reads the clocks live anyway)."""
        running = Domain.OR(
            [(f"solar_sla_{clock.value}_state", "=", ClockState.RUNNING.value)]
            for clock in sla_rules.CLOCKS
        )
        tickets = self.search(
            Domain("solar_monitoring", "=", True) & Domain("closed", "=", False) & running
        )
        for field in self._fields.values():
            if field.compute == "_compute_solar_sla":
                self.env.add_to_compute(field, tickets)
        tickets.flush_recordset()

    def _solar_duration(self, hours):
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

    @api.depends_context("tz")
    @api.depends(lambda self: [f"solar_sla_{c.value}_state" for c in sla_rules.CLOCKS])
    def _compute_solar_sla_clocks(self):
        readings = self._solar_read_clocks()
        clock_names = dict(SLA_CLOCKS)
        state_names = dict(CLOCK_STATES)
        for ticket in self:
            rows = []
            for reading in readings.get(ticket.id, ()):
                span = (
                    Markup(" &rarr; ").join(
                        ticket._solar_local(moment) or "…"
                        for moment in (reading.started, reading.stopped)
                    )
                    if reading.started
                    else ""
                )
                rows.append(
                    Markup(
                        '<tr class="o_solar_sla_clock" data-clock="%s" data-state="%s">'
                        "<td>%s<div class='small text-muted'>%s</div></td>"
                        "<td class='text-end'>%s</td><td class='text-end'>%s</td>"
                        '<td><span class="badge rounded-pill %s">%s</span></td></tr>'
                    )
                    % (
                        reading.clock.value,
                        reading.state.value,
                        clock_names[reading.clock.value],
                        span,
                        ticket._solar_duration(reading.hours),
                        ticket._solar_duration(reading.target_hours) or "—",
                        STATE_BADGE[reading.state],
                        state_names[reading.state.value],
                    )
                )
            ticket.solar_sla_clocks = (
                Markup(
                    '<table class="table table-sm o_solar_sla_clocks mb-0"><thead><tr>'
                    "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
                    "<th>%s</th></tr></thead><tbody>%s</tbody></table>"
                )
                % (
                    self.env._("Clock"),
                    self.env._("Took"),
                    self.env._("Target"),
                    self.env._("Status"),
                    Markup("").join(rows),
                )
                if rows
                else False
            )

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

    def _get_sla_ticket_domain(self):
        # a monitoring clock's target is not an OCA stage deadline
        return Domain(super()._get_sla_ticket_domain()) & Domain("solar_clock", "=", False)
