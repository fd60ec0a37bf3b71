# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service documents' processes on a case: the job steps of an audit or
a replacement, the roof-leak intake and finding, "not caused by us" to
sales, the sales representative and operations manager kept in the loop,
the escalation of a case that went unanswered and the insurance appraisal.
The rules are the engine's (solar_om_engine.jobs); this persists and acts."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from solar_om_engine import jobs, service

from .solar_job_step import JOB_STEPS

FINDINGS = [("ours", "Caused by Our Work"), ("not_ours", "Not Caused by Us")]
JOB_TEMPLATES = {
    "visit_audit": "solar_om_cases.fsm_template_solar_audit",
    "visit_replacement": "solar_om_cases.fsm_template_solar_replacement",
}


# A second layer over helpdesk_ticket.py on purpose: it wraps that file's
# create/write/_solar_decide/_solar_create_orders with the job steps' checks
# (super() reaches them), keeping the service documents' processes together.
class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    solar_job_step_ids = fields.One2many("solar.job.step", "ticket_id", string="Job Steps")
    solar_job_next_step = fields.Selection(
        JOB_STEPS,
        string="Next Job Step",
        compute="_compute_solar_job_next_step",
        store=True,
        help="Where the site-visit job stands: follows the work order and the back office's steps.",
    )
    solar_installer_note = fields.Text(
        string="Note for the Installer",
        help="Printed on the work order: what the installer should know before the visit.",
    )
    solar_process = fields.Selection(related="category_id.solar_process")
    solar_leak_started_on = fields.Date(string="Leak Started On", tracking=True)
    solar_leak_media_ids = fields.Many2many(
        "ir.attachment",
        "helpdesk_ticket_solar_leak_media_rel",
        "ticket_id",
        "attachment_id",
        string="Leak Photos and Videos",
    )
    solar_finding = fields.Selection(FINDINGS, string="Finding", tracking=True, readonly=True)
    solar_finding_note = fields.Html(string="Finding Details", readonly=True)
    solar_regulatory_doc_ids = fields.Many2many(
        "ir.attachment",
        "helpdesk_ticket_solar_regulatory_doc_rel",
        "ticket_id",
        "attachment_id",
        string="Regulatory Documents",
        help="What the regulator and the utility require after a replacement.",
    )
    solar_sales_user_id = fields.Many2one(related="solar_site_id.sales_user_id")
    solar_operations_manager_id = fields.Many2one(
        related="solar_site_id.project_id.solar_operations_manager_id"
    )

    @api.depends("resolution_path", "solar_job_step_ids.state")
    def _compute_solar_job_next_step(self):
        for ticket in self:
            step = jobs.next_step(ticket.resolution_path, ticket._solar_done_steps())
            ticket.solar_job_next_step = step.code if step else False

    def _solar_done_steps(self):
        return set(self.solar_job_step_ids.filtered(lambda s: s.state == "done").mapped("code"))

    def _solar_job_orders(self):
        """The visits the job's steps count: not cancelled, not a workmanship repair."""
        cancelled = self.env.ref("fieldservice.fsm_stage_cancelled")
        return self.fsm_order_ids.filtered(
            lambda o: o.stage_id != cancelled and not o.solar_workmanship
        )

    def _solar_step_label(self, code):
        return dict(self.env["solar.job.step"]._fields["code"]._description_selection(self.env))[
            code
        ]

    # ------------------------------------------------------------ job steps
    def _solar_sync_job_steps(self):
        """The path's steps, as the engine lists them; a new path, new steps."""
        Step = self.env["solar.job.step"].sudo()
        for ticket in self:
            wanted = jobs.steps_for(ticket.resolution_path)
            codes = [step.code for step in wanted]
            ticket.solar_job_step_ids.filtered(
                lambda s, codes=codes: s.code not in codes
            ).sudo().unlink()
            have = set(ticket.solar_job_step_ids.mapped("code"))
            Step.create(
                [
                    {
                        "ticket_id": ticket.id,
                        "sequence": index,
                        "code": step.code,
                        "role": step.role.value,
                        "automatic": step.automatic,
                        "checklist": step.checklist,
                    }
                    for index, step in enumerate(wanted)
                    if step.code not in have
                ]
            )

    def _solar_check_step_in_turn(self, code):
        try:
            jobs.check_can_complete(self.resolution_path, code, self._solar_done_steps())
        except jobs.JobStepError as error:
            if not error.step:
                raise UserError(
                    self.env._("%(ticket)s: %(error)s", ticket=self.display_name, error=error)
                ) from error
            raise UserError(
                self.env._(
                    "%(ticket)s: first %(step)s.",
                    ticket=self.display_name,
                    step=self._solar_step_label(error.step),
                )
            ) from error

    def _solar_check_step_evidence(self, code):
        """A back-office step is ticked once what it stands for is on file."""
        if code == "serial_update":
            since = self.create_date.date()
            replaced = self.solar_site_id.sudo().device_ids.filtered(
                lambda d: d.replaced_by_id and d.replacement_date and d.replacement_date >= since
            )
            if not replaced:
                raise UserError(
                    self.env._(
                        "No replaced device is recorded on %(site)s since this case was "
                        "opened: record the new serial numbers (Replace Device) first.",
                        site=self.solar_site_id.display_name,
                    )
                )
        elif code == "regulatory_documents" and not self.solar_regulatory_doc_ids:
            raise UserError(
                self.env._(
                    "Attach the regulatory documents to %(ticket)s first.", ticket=self.display_name
                )
            )

    def _solar_decide(self, step, choice, note=None):
        sends_visit = choice in service.VISIT_PATHS or choice in ("visit_required", "return_visit")
        if sends_visit and self.solar_process == "roof_leak":
            self._solar_check_roof_leak_intake()
        if step == "review" and self.solar_service_phase == "reviewing":
            self.ensure_one()
            blocker = jobs.review_blocker(
                self.resolution_path, self._solar_done_steps(), outcome=choice
            )
            if blocker:
                raise UserError(
                    self.env._(
                        "%(ticket)s cannot be reviewed yet: the step %(step)s is still to do.",
                        ticket=self.display_name,
                        step=self._solar_step_label(blocker),
                    )
                )
        orders = super()._solar_decide(step, choice, note)
        if choice == "return_visit":
            # the crew goes back: the back office reviews the new visit again
            self.solar_job_step_ids.sudo().action_reopen()
        return orders

    # ---------------------------------------------------------- work orders
    def _solar_order_values(self):
        values = super()._solar_order_values()
        template = JOB_TEMPLATES.get(self.resolution_path)
        if template:
            values["template_id"] = self.env.ref(template).id
        if self.solar_installer_note:
            values["description"] = (
                Markup("<p><strong>%s</strong> %s</p>")
                % (self.env._("Note for the installer:"), self.solar_installer_note)
            ) + Markup(values.get("description") or "")
        crew = self._solar_installation_crew()
        if self.solar_process == "roof_leak" and crew:
            # the crew that installed the system inspects its roof
            values["team_id"] = crew.id
            person = self.env["fsm.person"].sudo().search([("team_id", "=", crew.id)], limit=1)
            values["person_id"] = person.id or values.get("person_id")
        return values

    def _solar_installation_crew(self):
        return self.solar_site_id.project_id.sudo().solar_install_team_id

    def _solar_create_orders(self):
        for ticket in self.filtered(lambda t: t.solar_process == "roof_leak"):
            ticket._solar_check_roof_leak_intake()
        return super()._solar_create_orders()

    def _solar_check_roof_leak_intake(self):
        missing = jobs.roof_leak_intake_missing(
            bool(self.solar_leak_media_ids), self.solar_leak_started_on
        )
        if missing:
            labels = {
                "media": self._fields["solar_leak_media_ids"].get_description(self.env)["string"],
                "leak_started_on": self._fields["solar_leak_started_on"].get_description(self.env)[
                    "string"
                ],
            }
            raise UserError(
                self.env._(
                    "Before the roof inspection is scheduled, %(ticket)s needs: %(missing)s.",
                    ticket=self.display_name,
                    missing=", ".join(labels[m] for m in missing),
                )
            )

    # ------------------------------------------------------------- findings
    def _solar_record_finding(self, finding, note):
        """The crew's or the agent's finding: not caused by us goes to sales
        for a proposal; a roof leak from our work gets a workmanship repair."""
        self.ensure_one()
        effect = jobs.finding_effect(finding, roof_leak=self.solar_process == "roof_leak")
        self.sudo().write({"solar_finding": finding, "solar_finding_note": note})
        label = dict(self._fields["solar_finding"]._description_selection(self.env))[finding]
        self._solar_milestone(
            Markup("<p>%s</p>%s")
            % (self.env._("Finding recorded: %(finding)s.", finding=label), note or "")
        )
        if effect == "sales":
            return self._solar_send_to_sales(note)
        if effect == "workmanship_repair":
            return self._solar_workmanship_order(note)
        return None

    def _solar_send_to_sales(self, note):
        site = self.solar_site_id
        lead = (
            self.env["crm.lead"]
            .sudo()
            .create(
                {
                    "name": self.env._("Proposal: %(case)s", case=self.name),
                    "type": "opportunity",
                    "ticket_id": self.id,
                    "solar_site_id": site.id,
                    "partner_id": self.partner_id.id,
                    "user_id": site.sales_user_id.id or False,
                    "company_id": self.company_id.id,
                    "description": Markup("<p>%s</p>%s%s")
                    % (
                        self.env._(
                            "Not caused by our work, found on %(case)s at %(site)s: "
                            "propose the repair to the homeowner.",
                            case=self.display_name,
                            site=site.display_name or "",
                        ),
                        note or "",
                        self.description or "",
                    ),
                }
            )
        )
        self.message_post(
            body=Markup("%s") % self.env._("Sent to sales: %(lead)s", lead=lead._get_html_link()),
            subtype_xmlid="mail.mt_note",
        )
        return lead

    def _solar_workmanship_order(self, note):
        values = self._solar_order_values()
        values.update(
            {
                "template_id": False,
                "solar_workmanship": True,
                "solar_labour_billable": False,
                "description": Markup("<p><strong>%s</strong></p>%s")
                % (self.env._("Workmanship warranty repair: labour not billable."), note or ""),
            }
        )
        order = self.env["fsm.order"].sudo().create(values)
        self.message_post(
            body=self.env._(
                "Workmanship repair %(order)s sent to the installation crew.", order=order.name
            ),
            subtype_xmlid="mail.mt_note",
        )
        return order

    def action_solar_record_finding(self):
        self.ensure_one()
        return self.env["solar.finding"].action_open({"default_ticket_id": self.id})

    # ------------------------------------------- sales and operations in the loop
    def _solar_subscribe_service_followers(self):
        subtype = self.env.ref("solar_om_cases.mt_solar_milestone")
        for ticket in self.filtered("solar_site_id"):
            users = ticket.solar_sales_user_id | ticket.solar_operations_manager_id
            if users:
                ticket.sudo().message_subscribe(
                    partner_ids=users.partner_id.ids, subtype_ids=subtype.ids
                )

    def _solar_milestone(self, body):
        """A point the service documents name (RMA part arrived, visit
        scheduled, finding recorded, case resolved): the followers subscribed
        to service milestones (sales representative, operations manager) are told."""
        for ticket in self:
            ticket.sudo().message_post(body=body, subtype_xmlid="solar_om_cases.mt_solar_milestone")

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets.filtered("resolution_path")._solar_sync_job_steps()
        tickets._solar_subscribe_service_followers()
        return tickets

    def write(self, vals):
        closing = (
            self.filtered(lambda t: not t.closed)
            if vals.get("stage_id")
            and self.env["helpdesk.ticket.stage"].browse(vals["stage_id"]).closed
            else self.browse()
        )
        result = super().write(vals)
        if "resolution_path" in vals:
            self._solar_sync_job_steps()
        if "solar_site_id" in vals:
            self._solar_subscribe_service_followers()
        for ticket in closing:
            ticket._solar_milestone(
                self.env._("Case resolved: %(case)s is closed.", case=ticket.display_name)
            )
        return result

    # ----------------------------------------------------------- escalation
    def action_solar_escalate(self):
        """The agent's Escalate button on a complaint of no news: first the
        screen that finds the customer's open case for the concern."""
        self.ensure_one()
        return self.env["solar.escalation"].action_open({"default_complaint_id": self.id})

    # ------------------------------------------------------------ appraisal
    def _solar_appraisal(self):
        """System size, equipment, install date and replacement value from the
        configured rates per kW, for the printed appraisal."""
        self.ensure_one()
        site = self.solar_site_id
        if not site:
            raise UserError(
                self.env._("Link %(ticket)s to its solar site first.", ticket=self.display_name)
            )
        rates = self.env["solar.appraisal.rate"].search(
            [("company_id", "in", (self.company_id.id, False))]
        )
        try:
            lines, total = jobs.replacement_value(
                site.capacity_dc_kwp, [(r.name, r.rate_per_kw) for r in rates]
            )
        except ValueError as error:
            raise UserError(
                self.env._("%(site)s cannot be appraised: %(error)s", site=site.name, error=error)
            ) from error
        return {
            "site": site,
            "devices": site.sudo().device_ids.filtered(lambda d: d.state == "in_service"),
            "lines": lines,
            "total": total,
            "currency": self.company_id.currency_id,
        }

    def action_print_solar_appraisal(self):
        self.ensure_one()
        self._solar_appraisal()  # a clear error before the PDF, not inside it
        return self.env.ref("solar_om_cases.action_report_solar_appraisal").report_action(self)
