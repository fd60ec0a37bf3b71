# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Complaints and their grounds, a complaint that an open case went
unanswered (escalation), and the reactivation rule after a payment."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from solar_om_engine import cases


class SolarTicketEscalation(models.AbstractModel):
    _name = "solar.ticket.escalation"
    _description = "Solar Case: Complaints and Escalation"

    escalated_case_id = fields.Many2one(
        "helpdesk.ticket", string="Complaint About", readonly=True, tracking=True
    )
    payment_date = fields.Date(help="When the customer paid, for a reactivation request.")

    @api.constrains("stage_id", "tag_ids", "category_id")
    def _check_complaint_grounds(self):
        # checked on the values saved, so grounds and closing can come in one save
        missing = self.filtered(
            lambda t: (
                t.closed
                and cases.grounds_missing(
                    t.category_id.solar_requires_grounds,
                    len(t.tag_ids.filtered("solar_complaint_ground")),
                )
            )
        )
        if missing:
            raise ValidationError(
                self.env._(
                    "Record the grounds of %(tickets)s (tags marked Complaint Ground) "
                    "before closing it.",
                    tickets=", ".join(missing.mapped("display_name")),
                )
            )

    def action_reactivation_check(self):
        """The 10-business-day rule after a payment for a suspended account."""
        self.ensure_one()
        if not self.payment_date:
            raise UserError(self.env._("Set the payment date first."))
        advice, elapsed = cases.reactivation_advice(
            self.payment_date, fields.Date.context_today(self)
        )
        if advice == "wait":
            self.message_post(
                body=self.env._(
                    "Payment received %(days)s business days ago: reactivation can take up "
                    "to %(limit)s business days. No action needed yet.",
                    days=elapsed,
                    limit=cases.REACTIVATION_DAYS,
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
        open_case.sudo().write(
            {
                "priority": cases.escalated_priority(open_case.priority),
                "user_id": cases.escalation_owner(
                    open_case.user_id.id, open_case.team_id.user_id.id
                ),
            }
        )
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

    def action_solar_escalate(self):
        """The agent's Escalate button on a complaint of no news: first the
        screen that finds the customer's open case for the concern."""
        self.ensure_one()
        return self.env["solar.escalation"].action_open({"default_complaint_id": self.id})
