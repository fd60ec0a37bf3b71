# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from solar_om_engine import jobs, service
from solar_om_engine.cases import REACTIVATION_DAYS, reactivation_advice

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
# the case type (and so the team) a concern routes to, once past handover
CONCERN_CATEGORIES = {
    "savings": "solar_om_cases.case_type_savings_analysis",
    "service": "solar_om_cases.case_type_system_check",
}
PLATFORM_SETUP = {
    "solaredge": [
        "Install the mySolarEdge app and sign up with the e-mail address the installer "
        "registered for the site.",
        "No invitation arrived: the installer re-sends it from the SolarEdge monitoring "
        "platform (site admin, access control).",
    ],
    "enphase": [
        "Install the Enphase App and log in with the e-mail address the installer registered.",
        "No activation e-mail: the installer re-sends it from Enphase Installer Portal.",
    ],
    "apsystems": [
        "Install the EMA App and log in with the account the installer created on EMA.",
        "Forgotten password: reset it from the EMA login page; no account: the installer "
        "registers the ECU on EMA.",
    ],
}
CONCERNS = [
    ("savings", "Savings / High Bills"),
    ("service", "Maintenance, Repair or Outage"),
    ("platform", "Monitoring Platform Set-up"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
    solar_concern = fields.Selection(
        CONCERNS,
        string="Customer's Concern",
        tracking=True,
        help="Routes the case: savings to Savings Analysis, repairs to the service team, "
        "platform set-up to the manufacturer's instructions. Systems not past the "
        "installer handover go to the installer.",
    )
    solar_lease_end_date = fields.Date(
        string="Lease End", readonly=True, help="The lease end an End Of Lease case is for."
    )
    escalated_case_id = fields.Many2one(
        "helpdesk.ticket", string="Complaint About", readonly=True, tracking=True
    )
    payment_date = fields.Date(help="When the customer paid, for a reactivation request.")
    rma_ids = fields.One2many("solar.rma", "ticket_id", string="RMAs")
    rma_count = fields.Integer(compute="_compute_rma_count")
    solar_category_definition = fields.Text(
        related="category_id.solar_definition", string="Case Type Definition"
    )
    solar_requires_grounds = fields.Boolean(related="category_id.solar_requires_grounds")
    solar_handover_approved = fields.Boolean(related="solar_site_id.handover_approved")
    solar_installer_contact_id = fields.Many2one(related="solar_site_id.installer_contact_id")

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
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
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
        off: a visit (work order) to the site, or the case's end."""
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

    def _solar_create_orders(self):
        # a visit before anyone chose a path (a dispatch from monitoring) is an audit
        self.filtered(lambda t: not t.resolution_path).write({"resolution_path": "visit_audit"})
        return super()._solar_create_orders()

    def _solar_reopen(self, evidence):
        # the site is still faulty: the review has to be made again
        self.filtered("resolution_outcome").write({"resolution_outcome": False})
        return super()._solar_reopen(evidence)

    def action_view_rmas(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("solar_om_cases.solar_rma_action")
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"default_ticket_id": self.id}
        return action

    @api.onchange("category_id")
    def _onchange_category_route(self):
        if self.category_id.solar_team_id:
            self.team_id = self.category_id.solar_team_id

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._apply_suppression()
        tickets.filtered("solar_concern")._solar_route_concern()
        return tickets

    def write(self, vals):
        if (
            vals.get("stage_id")
            and self.env["helpdesk.ticket.stage"].browse(vals["stage_id"]).closed
        ):
            self._check_complaint_grounds()
        if vals.get("customer_authenticated"):
            vals = dict(
                vals, authenticated_by_id=self.env.uid, authenticated_at=fields.Datetime.now()
            )
        result = super().write(vals)
        if "category_id" in vals or "solar_site_id" in vals:
            self._apply_suppression()
        if vals.get("solar_concern"):
            self._solar_route_concern()
        return result

    def _solar_route_concern(self):
        """Route by what the customer raises. Until the installer handover
        (M3) the installer answers for the system; after it, savings go to
        Savings Analysis, repairs to the service team as a service request,
        platform set-up gets the manufacturer's instructions."""
        for ticket in self:
            site = ticket.solar_site_id
            concern = dict(CONCERNS)[ticket.solar_concern]
            if site and not site.handover_approved:
                ticket._solar_refer_to_installer(concern)
                continue
            if ticket.solar_concern == "platform":
                ticket._solar_post_platform_instructions()
                continue
            category = self.env.ref(CONCERN_CATEGORIES[ticket.solar_concern])
            values = {"team_id": category.solar_team_id.id}
            # a repair keeps the case type it already has (an inverter fault stays one)
            if ticket.solar_concern == "savings" or not ticket.category_id:
                values["category_id"] = category.id
            ticket.write(values)

    def _solar_refer_to_installer(self, concern):
        installer = self.solar_site_id.installer_contact_id
        note = self.env._(
            "%(site)s is not past the installer handover (M3): the installer answers for it. "
            "Disposition: referred to %(installer)s for %(concern)s.",
            site=self.solar_site_id.name,
            installer=installer.display_name or self.env._("the installer (no contact set)"),
            concern=concern,
        )
        self.message_post(body=note, subtype_xmlid="mail.mt_note")
        self.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Refer the customer to the installer"),
            note=note,
            user_id=(self.user_id or self.env.user).id,
        )

    def _solar_post_platform_instructions(self):
        vendor = self.solar_site_id.vendor
        steps = PLATFORM_SETUP.get(vendor)
        if not steps:
            body = self.env._(
                "No set-up instructions are known for this site's monitoring platform: "
                "ask the manufacturer."
            )
        else:
            body = Markup("<p>%s</p><ol>%s</ol>") % (
                self.env._("Monitoring platform set-up, the manufacturer's instructions:"),
                Markup("").join(Markup("<li>%s</li>") % step for step in steps),
            )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _check_complaint_grounds(self):
        missing = self.filtered(
            lambda t: (
                t.category_id.solar_requires_grounds
                and not t.tag_ids.filtered("solar_complaint_ground")
            )
        )
        if missing:
            raise UserError(
                self.env._(
                    "Record the grounds of %(tickets)s (tags marked Complaint Ground) "
                    "before closing it.",
                    tickets=", ".join(missing.mapped("display_name")),
                )
            )

    def _apply_suppression(self):
        """A case that makes an outage expected (panel move, lease transfer,
        disaster, fire, uninhabitable) holds back the site's production
        tickets for the case type's window, and says so on the ticket."""
        for ticket in self.filtered(
            lambda t: t.solar_site_id and t.category_id.solar_suppress_days
        ):
            until = fields.Datetime.now() + timedelta(days=ticket.category_id.solar_suppress_days)
            site = ticket.solar_site_id.sudo()
            if site.suppress_until and site.suppress_until >= until:
                continue
            site.write({"suppress_until": until, "suppress_reason": ticket.display_name})
            ticket.message_post(
                body=self.env._(
                    "Monitoring of %(site)s will open no production ticket until %(until)s: "
                    "an outage is expected (%(type)s).",
                    site=site.name,
                    until=fields.Datetime.to_string(until),
                    type=ticket.category_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_reactivation_check(self):
        """The 10-business-day rule after a payment for a suspended account."""
        self.ensure_one()
        if not self.payment_date:
            raise UserError(self.env._("Set the payment date first."))
        advice, elapsed = reactivation_advice(self.payment_date, fields.Date.context_today(self))
        if advice == "wait":
            self.message_post(
                body=self.env._(
                    "Payment received %(days)s business days ago: reactivation can take up "
                    "to %(limit)s business days. No action needed yet.",
                    days=elapsed,
                    limit=REACTIVATION_DAYS,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            return advice
        team = self.env.ref("solar_om_cases.helpdesk_team_account_servicing")
        self.write({"team_id": team.id})
        self.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Reactivation overdue: warm transfer"),
            note=self.env._(
                "Paid %(days)s business days ago and still not reactivated.", days=elapsed
            ),
            user_id=(team.user_id or self.env.user).id,
        )
        return advice

    def action_escalate_unanswered(self, open_case):
        """A complaint that an open case went unanswered: linked to it, the
        case's priority goes up, its team lead takes it over and gets an activity."""
        self.ensure_one()
        if open_case.closed:
            raise UserError(
                self.env._("%(case)s is closed: reopen it first.", case=open_case.display_name)
            )
        self.escalated_case_id = open_case
        priority, owner = jobs.escalate(
            open_case.priority, open_case.user_id.id, open_case.team_id.user_id.id
        )
        open_case.sudo().write({"priority": priority, "user_id": owner})
        lead = open_case.team_id.user_id or self.env.user
        open_case.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Customer says this case went unanswered"),
            note=Markup("%s") % self.env._("Complaint %(ref)s", ref=self.display_name),
            user_id=lead.id,
        )
        open_case.message_post(
            body=self.env._("Escalated by complaint %(ref)s.", ref=self.display_name),
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _cron_end_of_lease(self):
        """One End Of Lease case per lease, opened ahead of its end date."""
        lead_days = int(
            self.env["ir.config_parameter"].sudo().get_param("solar_om_cases.end_of_lease_days", 90)
        )
        today = fields.Date.context_today(self)
        sites = (
            self.env["solar.site"]
            .sudo()
            .search(
                [
                    ("ownership", "in", ("lease", "ppa")),
                    ("lease_end_date", "!=", False),
                    ("lease_end_date", "<=", today + timedelta(days=lead_days)),
                    ("lease_end_date", ">=", today),
                ]
            )
        )
        category = self.env.ref("solar_om_cases.case_type_end_of_lease")
        existing = self.sudo().search(
            [("category_id", "=", category.id), ("solar_site_id", "in", sites.ids)]
        )
        done = {(t.solar_site_id.id, t.solar_lease_end_date) for t in existing}
        todo = sites.filtered(lambda s: (s.id, s.lease_end_date) not in done)
        return self.sudo().create(
            [
                {
                    "name": self.env._("End Of Lease: %(site)s", site=site.name),
                    "description": Markup("<p>%s</p>")
                    % self.env._(
                        "The lease of %(site)s ends on %(date)s.",
                        site=site.name,
                        date=site.lease_end_date,
                    ),
                    "partner_id": site.partner_id.id,
                    "solar_site_id": site.id,
                    "category_id": category.id,
                    "team_id": category.solar_team_id.id,
                    "solar_lease_end_date": site.lease_end_date,
                    "user_id": False,
                    "company_id": site.company_id.id,
                }
                for site in todo
            ]
        )

    def _solar_close_recovered(self, recovery_checks):
        """The monitoring closing a case after a visit is the proof it was
        resolved: the outcome says so, and the first-time-fix figures count it."""
        closed = super()._solar_close_recovered(recovery_checks)
        if closed and self.resolution_path and not self.resolution_outcome:
            self.resolution_outcome = "resolved"
        return closed
