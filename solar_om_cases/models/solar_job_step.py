# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from solar_om_engine import jobs

JOB_STEPS = [
    ("confirm", "Confirm the Visit"),
    ("schedule", "Accept and Schedule with the Customer"),
    ("audit_checklist", "Audit Checklist"),
    ("prestart_checklist", "Pre-Start Checklist"),
    ("commissioning", "Testing & Commissioning"),
    ("review_artefacts", "Review the Artefacts"),
    ("serial_update", "Update the Serial Numbers"),
    ("regulatory_documents", "Upload the Regulatory Documents"),
    ("outcome", "Record the Outcome"),
]
ROLES = [
    ("agent", "Back Office (Agent)"),
    ("crew", "Installer / Crew"),
    ("back_office", "Back Office (Review)"),
]


class SolarJobStep(models.Model):
    """One step of a site-visit job on the ticket. The crew's steps are done
    by the work order (scheduled, checklist completed), the back office ticks
    its own; the outcome is the review decision.

    Privilege ladder: agents read the steps and complete theirs only through
    action_done (in turn, with its evidence); they cannot write a step.
    Helpdesk managers may correct: reopen a step, or write one."""

    _name = "solar.job.step"
    _description = "Service Job Step"
    _order = "ticket_id, sequence, id"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    sequence = fields.Integer()
    code = fields.Selection(JOB_STEPS, string="Step", required=True, readonly=True)
    role = fields.Selection(ROLES, string="Done By", required=True, readonly=True)
    automatic = fields.Boolean(
        readonly=True, help="Done by what happens on the work order or the ticket."
    )
    checklist = fields.Char(readonly=True, help="The order's checklist group it stands for.")
    done_on = fields.Datetime(readonly=True)
    done_by_id = fields.Many2one("res.users", string="Done By User", readonly=True)
    cancelled = fields.Boolean(
        readonly=True, help="No longer applies: the case closed without it (see Why)."
    )
    note = fields.Char(
        string="Why",
        readonly=True,
        help="Why the step was settled without being ticked: done or cancelled as the "
        "monitoring closed the case.",
    )
    state = fields.Selection(
        [("todo", "To Do"), ("done", "Done"), ("cancelled", "Cancelled")],
        compute="_compute_state",
        store=True,
        index=True,
    )

    @api.depends(
        "cancelled",
        "done_on",
        "ticket_id.resolution_path",
        "ticket_id.resolution_outcome",
        "ticket_id.fsm_order_ids.stage_id",
        "ticket_id.fsm_order_ids.solar_workmanship",
        "ticket_id.fsm_order_ids.person_id",
        "ticket_id.fsm_order_ids.scheduled_date_start",
        "ticket_id.fsm_order_ids.order_activity_ids.state",
    )
    def _compute_state(self):
        for step in self:
            if step.cancelled:
                step.state = "cancelled"
            else:
                step.state = "done" if step._is_done() else "todo"

    def _is_done(self):
        self.ensure_one()
        ticket = self.ticket_id
        if not self.automatic:
            return bool(self.done_on)
        if self.code == "confirm":
            return bool(ticket.resolution_path)
        if self.code == "outcome":
            return bool(ticket.resolution_outcome)
        orders = ticket._solar_job_orders()
        if self.code == "schedule":
            # the latest visit (a return visit is scheduled again) has its crew and date
            latest = orders.sorted("id")[-1:]
            return bool(latest.is_closed or (latest.person_id and latest.scheduled_date_start))
        if self.checklist:
            items = orders.order_activity_ids
            done = jobs.checklists_done((a.ref, a.required, a.state) for a in items)
            return self.checklist in done
        return False

    def action_done(self):
        """The back office ticks its step: only in turn, and what the step
        stands for must be there (serials recorded, documents uploaded)."""
        for step in self:
            ticket = step.ticket_id
            ticket.check_access("write")
            if step.automatic:
                raise UserError(
                    self.env._(
                        "%(step)s is done on the work order or by the review, not by hand.",
                        step=step._label(),
                    )
                )
            ticket._solar_check_step_in_turn(step.code)
            ticket._solar_check_step_evidence(step.code)
            # agents have no write access on steps: the action is their only way
            step.sudo().write({"done_on": fields.Datetime.now(), "done_by_id": self.env.uid})
            ticket.message_post(
                body=self.env._("Job step done: %(step)s.", step=step._label()),
                subtype_xmlid="mail.mt_note",
            )

    def action_reopen(self):
        """A manager's correction (a return visit reopens the steps itself)."""
        if not self.env.su and not self.env.user.has_group("helpdesk_mgmt.group_helpdesk_manager"):
            raise AccessError(
                self.env._("Only a helpdesk manager reopens a job step that was done.")
            )
        steps = self.filtered(lambda s: (not s.automatic and s.done_on) or s.cancelled)
        steps.write({"done_on": False, "done_by_id": False, "cancelled": False, "note": False})
        for step in steps:
            step.ticket_id.message_post(
                body=self.env._("Job step reopened: %(step)s.", step=step._label()),
                subtype_xmlid="mail.mt_note",
            )

    def _label(self):
        return dict(self._fields["code"]._description_selection(self.env))[self.code]
