# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The job steps of a site visit (audit, replacement) and the roof-leak
intake, as the engine lists and orders them (solar_om_engine.jobs); they
check the service flow's decisions and shape its work orders (called from
helpdesk_ticket.py, which holds the overrides)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from solar_om_engine import jobs, service

from .solar_job_step import JOB_STEPS

JOB_TEMPLATES = {
    "visit_audit": "solar_om_cases.fsm_template_solar_audit",
    "visit_replacement": "solar_om_cases.fsm_template_solar_replacement",
}


class SolarTicketJobSteps(models.AbstractModel):
    _name = "solar.ticket.job.steps"
    _description = "Solar Case: Job Steps"

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
    solar_leak_started_on = fields.Date(string="Leak Started On", tracking=True)
    solar_leak_media_ids = fields.Many2many(
        "ir.attachment",
        "helpdesk_ticket_solar_leak_media_rel",
        "ticket_id",
        "attachment_id",
        string="Leak Photos and Videos",
    )
    solar_regulatory_doc_ids = fields.Many2many(
        "ir.attachment",
        "helpdesk_ticket_solar_regulatory_doc_rel",
        "ticket_id",
        "attachment_id",
        string="Regulatory Documents",
        help="What the regulator and the utility require after a replacement.",
    )

    @api.depends("resolution_path", "solar_job_step_ids.state")
    def _compute_solar_job_next_step(self):
        for ticket in self:
            # a cancelled step is settled too: it is no longer where the job stands
            settled = ticket._solar_done_steps() | set(
                ticket.solar_job_step_ids.filtered(lambda s: s.state == "cancelled").mapped("code")
            )
            step = jobs.next_step(ticket.resolution_path, settled)
            ticket.solar_job_next_step = step.code if step else False

    def _solar_done_steps(self):
        return set(self.solar_job_step_ids.filtered(lambda s: s.state == "done").mapped("code"))

    # -------------------------------------------- the monitoring closes the case
    def _solar_open_steps(self):
        return self.solar_job_step_ids.filtered(lambda s: s.state == "todo")

    def _solar_settle_steps(self, settlement):
        """Each open step done or cancelled as the settlement says, with the
        line saying why, so that the closed case has no pending step (after
        the outcome is recorded: the outcome step follows it)."""
        if settlement.reason == service.Settled.AFTER_VISIT:
            proven = self.env._(
                "the monitoring saw the site report normally after the visit: the repair is proven"
            )
        else:
            proven = self.env._("the site recovered before a visit was needed")
        why = {
            service.StepFate.DONE: proven,
            service.StepFate.CANCELLED: self.env._("no longer needed: %(why)s", why=proven),
        }
        steps = self._solar_open_steps()
        lines = []
        for step in steps:
            fate = settlement.steps.get(step.code)
            if fate not in why:
                continue
            if fate == service.StepFate.DONE and not step.automatic:
                step.sudo().write(
                    {
                        "done_on": fields.Datetime.now(),
                        "done_by_id": self.env.uid,
                        "note": why[fate],
                    }
                )
            elif fate == service.StepFate.CANCELLED:
                step.sudo().write({"cancelled": True, "note": why[fate]})
            else:
                step.sudo().note = why[fate]
            lines.append(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(step)s: %(fate)s (%(why)s)",
                    step=step._label(),
                    fate=dict(step._fields["state"]._description_selection(self.env))[
                        "done" if fate == service.StepFate.DONE else "cancelled"
                    ],
                    why=why[fate],
                )
            )
        if lines:
            self.message_post(
                body=Markup("<p>%s</p><ul>%s</ul>")
                % (self.env._("Job steps settled as the case closes:"), Markup("").join(lines)),
                subtype_xmlid="mail.mt_note",
            )

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

    def _solar_check_decision(self, step, choice):
        """What a decision needs of the job first: the roof-leak intake
        before a visit, the job's steps done before the review."""
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

    # ---------------------------------------------------------- work orders
    def _solar_job_order_values(self, values):
        """A work order's values as its job wants them: the job's template,
        the note for the installer, the installation crew for a roof leak."""
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
