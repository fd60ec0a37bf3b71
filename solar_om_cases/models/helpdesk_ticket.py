# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A case's service flow: its resolution path, the outcomes recorded, the
visits and where the case stands (the engine's solar_om_engine.service
decides), and every override of the ticket in this addon.

The other concerns are abstract models, each in its own file, inherited
here by name: routing (helpdesk_ticket_routing.py); complaints, escalation
and reactivation (helpdesk_ticket_escalation.py); job steps
(helpdesk_ticket_job_steps.py); findings (helpdesk_ticket_finding.py); sales
and operations in the loop (helpdesk_ticket_followers.py); the insurance
appraisal (helpdesk_ticket_appraisal.py). They add fields and methods of
their own; what they change of helpdesk_mgmt's or solar_om_monitoring's
ticket is done here, calling them by name, in the order written below."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from solar_om_engine import service

RESOLUTION_PATHS = [
    ("manufacturer", "Manufacturer Action Required (RMA)"),
    ("internal", "Resolve Internally"),
    ("visit_audit", "Site Visit: Audit"),
    ("visit_replacement", "Site Visit: Replacement"),
    ("not_required", "Request Not Required"),
]
OUTCOMES = [
    ("resolved", "Resolved"),
    ("visit_required", "Not Resolved: Site Visit Required"),
    ("return_visit", "Return to Site Required"),
    ("unable", "Unable to Resolve"),
]
SERVICE_PHASES = [
    ("requesting", "Requesting"),
    ("investigating", "Investigating"),
    ("servicing", "Servicing"),
    ("reviewing", "Reviewing"),
    ("completed", "Completed"),
]


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "solar.ticket.routing",
        "solar.ticket.escalation",
        "solar.ticket.job.steps",
        "solar.ticket.finding",
        "solar.ticket.followers",
        "solar.ticket.appraisal",
    ]

    customer_authenticated = fields.Boolean(
        tracking=True,
        help="Tick once the caller proved who they are; account details are "
        "discussed only after that.",
    )
    authenticated_by_id = fields.Many2one("res.users", readonly=True)
    authenticated_at = fields.Datetime(readonly=True)
    resolution_path = fields.Selection(RESOLUTION_PATHS, tracking=True)
    resolution_outcome = fields.Selection(OUTCOMES, string="Outcome", tracking=True)
    solar_service_phase = fields.Selection(
        SERVICE_PHASES,
        string="Service Progress",
        compute="_compute_solar_service",
        store=True,
        index=True,
        tracking=True,
        help="Follows the resolution path, the outcomes recorded and the site visits.",
    )
    solar_visit_count = fields.Integer(
        string="Visits",
        compute="_compute_solar_service",
        store=True,
        help="Work orders not cancelled.",
    )
    solar_return_visit_count = fields.Integer(
        string="Return Visits", compute="_compute_solar_service", store=True
    )
    solar_first_time_fix = fields.Selection(
        [("yes", "Fixed at the First Visit"), ("no", "Needed More")],
        string="First-Time Fix",
        compute="_compute_solar_service",
        store=True,
        help="Empty until the case is completed, and for cases solved without a visit.",
    )
    solar_lease_end_date = fields.Date(
        string="Lease End", readonly=True, help="The lease end an End Of Lease case is for."
    )
    rma_ids = fields.One2many("solar.rma", "ticket_id", string="RMAs")
    rma_count = fields.Integer(compute="_compute_rma_count")
    solar_category_definition = fields.Text(
        related="category_id.solar_definition", string="Case Type Definition"
    )
    solar_requires_grounds = fields.Boolean(related="category_id.solar_requires_grounds")
    solar_handover_approved = fields.Boolean(related="solar_site_id.handover_approved")
    solar_installer_contact_id = fields.Many2one(related="solar_site_id.installer_contact_id")
    # what the form shows by case type
    solar_reactivation = fields.Boolean(related="category_id.solar_reactivation")
    solar_category_auto_open = fields.Boolean(
        related="category_id.solar_auto_open", string="Case Type Opened Automatically"
    )
    solar_process = fields.Selection(related="category_id.solar_process")
    # the followers told of the service milestones
    solar_sales_user_id = fields.Many2one(related="solar_site_id.sales_user_id")
    solar_operations_manager_id = fields.Many2one(
        related="solar_site_id.project_id.solar_operations_manager_id"
    )

    # ------------------------------------------------------------ overrides
    @api.depends("category_id")
    def _compute_team_id(self):
        """The case type's team, however the ticket was made (form, code,
        import, mail); without one, helpdesk_mgmt's default (the user's team)."""
        routed = self.filtered("category_id.solar_team_id")
        for ticket in routed:
            ticket.team_id = ticket.category_id.solar_team_id
        return super(HelpdeskTicket, self - routed)._compute_team_id()

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        # routing: the outage suppression on the site, the customer's concern
        tickets._apply_suppression()
        tickets.filtered("solar_concern")._solar_route_concern()
        tickets.filtered("resolution_path")._solar_sync_job_steps()
        tickets._solar_subscribe_service_followers()
        return tickets

    def write(self, vals):
        if vals.get("customer_authenticated"):
            vals = dict(
                vals, authenticated_by_id=self.env.uid, authenticated_at=fields.Datetime.now()
            )
        closing = (
            self.filtered(lambda t: not t.closed)
            if vals.get("stage_id")
            and self.env["helpdesk.ticket.stage"].browse(vals["stage_id"]).closed
            else self.browse()
        )
        result = super().write(vals)
        if "category_id" in vals or "solar_site_id" in vals:
            self._apply_suppression()
        if vals.get("solar_concern"):
            self._solar_route_concern()
        if "resolution_path" in vals:
            self._solar_sync_job_steps()
        if "solar_site_id" in vals:
            self._solar_subscribe_service_followers()
        for ticket in closing:
            ticket._solar_milestone(
                self.env._("Case resolved: %(case)s is closed.", case=ticket.display_name)
            )
        return result

    def _compute_rma_count(self):
        counts = dict(
            self.env["solar.rma"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.rma_count = counts.get(ticket, 0)

    @api.depends(
        "resolution_path", "resolution_outcome", "stage_id.closed", "fsm_order_ids.stage_id"
    )
    def _compute_solar_service(self):
        for ticket in self:
            state = ticket._solar_service_state()
            fixed = service.first_time_fix(state)
            ticket.solar_service_phase = service.service_phase(state)
            ticket.solar_visit_count = state.open_visits + state.done_visits
            ticket.solar_return_visit_count = service.return_visits(state)
            ticket.solar_first_time_fix = None if fixed is None else ("yes" if fixed else "no")

    def _solar_service_state(self):
        self.ensure_one()
        # the stage's id as ir.model.data caches it (env.ref would check that
        # it exists: a query a ticket, in a compute over a batch of tickets)
        cancelled = self.env["fsm.stage"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "fieldservice.fsm_stage_cancelled", raise_if_not_found=True
            )
        )
        visits = self.fsm_order_ids.filtered(lambda o: o.stage_id != cancelled)
        done = visits.filtered("is_closed")
        return service.ServiceState(
            path=self.resolution_path or None,
            outcome=self.resolution_outcome or None,
            open_visits=len(visits - done),
            done_visits=len(done),
            closed=self.stage_id.closed,
        )

    def action_solar_decide(self):
        """The button for the step the case is at: choose the path, record
        the investigation's outcome, or review the visit."""
        self.ensure_one()
        step = service.STEP_OF_PHASE.get(self.solar_service_phase)
        if not step:
            raise UserError(
                self.env._(
                    "%(ticket)s is %(phase)s: there is nothing to decide until the visit is done.",
                    ticket=self.display_name,
                    phase=dict(SERVICE_PHASES)[self.solar_service_phase],
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "solar_om_cases.solar_service_decision_action"
        )
        action["name"] = dict(self.env["solar.service.decision"]._fields["step"].selection)[step]
        action["context"] = {"default_ticket_id": self.id, "default_step": step}
        return action

    def _solar_decide(self, step, choice, note=None):
        """Record a decision of the service flow and carry out what it sets
        off: a visit (work order) to the site, or the case's end; what the
        job needs first is checked first (job steps)."""
        self._solar_check_decision(step, choice)
        orders = self._solar_record_decision(step, choice, note)
        if choice == "return_visit":
            # the crew goes back: the back office reviews the new visit again
            self.solar_job_step_ids.sudo().action_reopen()
        return orders

    def _solar_record_decision(self, step, choice, note):
        self.ensure_one()
        self.check_access("write")
        try:
            effect = service.decide(self._solar_service_state(), step, choice)
        except ValueError as error:
            raise UserError(
                self.env._("%(ticket)s: %(error)s", ticket=self.display_name, error=error)
            ) from error
        if effect == "visit" and not self.solar_site_id:
            raise UserError(
                self.env._(
                    "%(ticket)s has no solar site: link it to the site to visit first.",
                    ticket=self.display_name,
                )
            )
        field = "resolution_path" if step == "path" else "resolution_outcome"
        self.write({field: choice})
        if note:
            self.message_post(body=note, subtype_xmlid="mail.mt_note")
        if effect == "close":
            self._solar_finish()
            return self.env["fsm.order"]
        self._solar_start_work()
        if effect == "visit":
            return self._solar_create_orders()
        return self.env["fsm.order"]

    def _solar_finish(self):
        still_faulty = bool(self._solar_open_faults())
        if service.closing_stage(self.resolution_outcome, still_faulty) == "verifying":
            stage = self.env.ref("solar_om_monitoring.helpdesk_ticket_stage_verifying")
        else:
            stage = self._solar_closed_stage()
        if self.stage_id != stage:
            self.sudo().stage_id = stage

    # ---------------------------------- solar_om_monitoring's hooks, extended
    def _solar_order_values(self):
        return self._solar_job_order_values(super()._solar_order_values())

    def _solar_create_orders(self):
        for ticket in self.filtered(lambda t: t.solar_process == "roof_leak"):
            ticket._solar_check_roof_leak_intake()
        # a visit before anyone chose a path (a dispatch from monitoring) is an audit
        self.filtered(lambda t: not t.resolution_path).write({"resolution_path": "visit_audit"})
        return super()._solar_create_orders()

    def _solar_reopen(self, evidence):
        # the site is still faulty: the review has to be made again
        self.filtered("resolution_outcome").write({"resolution_outcome": False})
        return super()._solar_reopen(evidence)

    def _solar_recovery_case(self):
        case = super()._solar_recovery_case()
        case.update(
            path=self.resolution_path or None,
            outcome=self.resolution_outcome or None,
            open_steps=tuple(self._solar_open_steps().mapped("code")),
        )
        return case

    def _solar_settled_labels(self, settlement):
        return [
            self._solar_step_label(code) for code in settlement.steps_in(service.StepFate.WAITING)
        ]

    def _solar_apply_settlement(self, settlement):
        """The monitoring closing a case is the proof the site works: the
        outcome the settlement records (first-time fix follows the visits done)."""
        if settlement.outcome:
            self.resolution_outcome = settlement.outcome
        result = super()._solar_apply_settlement(settlement)
        self._solar_settle_steps(settlement)
        return result

    def action_view_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("solar_om_cases.solar_rma_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action
