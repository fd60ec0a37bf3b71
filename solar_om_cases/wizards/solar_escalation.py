# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class SolarEscalation(models.TransientModel):
    """The support agent's first step on a complaint of no news: find the
    customer's open case for the concern, then escalate it."""

    _name = "solar.escalation"
    _description = "Escalate an Unanswered Case"

    complaint_id = fields.Many2one("helpdesk.ticket", required=True, readonly=True)
    partner_id = fields.Many2one(related="complaint_id.partner_id", string="Customer")
    concern = fields.Char(help="Words from the customer's concern, to narrow the open cases.")
    open_case_ids = fields.Many2many(
        "helpdesk.ticket", compute="_compute_open_case_ids", string="Open Cases"
    )
    case_id = fields.Many2one(
        "helpdesk.ticket",
        string="Case to Escalate",
        domain="[('id', 'in', open_case_ids)]",
    )

    @api.model
    def action_open(self, context):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Find the Open Case"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    @api.depends("complaint_id", "concern")
    def _compute_open_case_ids(self):
        for wizard in self:
            complaint = wizard.complaint_id
            partner = complaint.partner_id.commercial_partner_id
            if not partner:
                wizard.open_case_ids = False
                continue
            domain = [
                ("partner_id", "child_of", partner.id),
                ("closed", "=", False),
                ("id", "!=", complaint.id),
            ]
            if wizard.concern:
                domain += [
                    "|",
                    "|",
                    ("name", "ilike", wizard.concern),
                    ("description", "ilike", wizard.concern),
                    ("category_id.name", "ilike", wizard.concern),
                ]
            wizard.open_case_ids = self.env["helpdesk.ticket"].search(domain)

    @api.onchange("open_case_ids")
    def _onchange_open_case_ids(self):
        if len(self.open_case_ids) == 1:
            self.case_id = self.open_case_ids
        elif self.case_id not in self.open_case_ids:
            self.case_id = False

    def action_escalate(self):
        self.ensure_one()
        if not self.case_id:
            raise UserError(
                self.env._(
                    "Choose the open case to escalate; with none open, log the concern "
                    "as a new case instead."
                )
            )
        self.complaint_id.action_escalate_unanswered(self.case_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": self.case_id.id,
            "view_mode": "form",
        }
