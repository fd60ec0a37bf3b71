# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

from solar_om_engine.service import STEP_CHOICES

from ..models.helpdesk_ticket import OUTCOMES, RESOLUTION_PATHS


def _choices(step, labels):
    labels = dict(labels)
    return [(choice, labels[choice]) for choice in STEP_CHOICES[step]]


class SolarServiceDecision(models.TransientModel):
    """One decision of the service flow, taken on the ticket: the path when a
    request is logged, the outcome of an investigation, the review of a visit."""

    _name = "solar.service.decision"
    _description = "Service Flow Decision"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    step = fields.Selection(
        [("path", "Resolution Path"), ("investigation", "Outcome"), ("review", "Visit Review")],
        required=True,
        readonly=True,
    )
    resolution_path = fields.Selection(_choices("path", RESOLUTION_PATHS))
    investigation_outcome = fields.Selection(_choices("investigation", OUTCOMES), string="Outcome")
    review_outcome = fields.Selection(_choices("review", OUTCOMES), string="Review")
    solar_site_id = fields.Many2one(related="ticket_id.solar_site_id")
    visit_count = fields.Integer(related="ticket_id.solar_visit_count")
    note = fields.Html(help="Why: it goes to the ticket's chatter.")
    installer_note = fields.Text(related="ticket_id.solar_installer_note", readonly=False)

    def _choice(self):
        return {
            "path": self.resolution_path,
            "investigation": self.investigation_outcome,
            "review": self.review_outcome,
        }[self.step]

    def action_confirm(self):
        self.ensure_one()
        choice = self._choice()
        if not choice:
            raise UserError(
                self.env._(
                    "Choose the %(step)s first.",
                    step=dict(self._fields["step"].selection)[self.step].lower(),
                )
            )
        orders = self.ticket_id._solar_decide(self.step, choice, self.note)
        if orders:
            # the dispatcher's next move is to assign and schedule the visit
            return {
                "type": "ir.actions.act_window",
                "res_model": "fsm.order",
                "res_id": orders[:1].id,
                "view_mode": "form",
            }
        return {"type": "ir.actions.act_window_close"}
