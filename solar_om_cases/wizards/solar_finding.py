# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..models.helpdesk_ticket_finding import FINDINGS


class SolarFinding(models.TransientModel):
    """Whether the problem comes from the installer's work, recorded by the
    crew on the order or by the agent on the case."""

    _name = "solar.finding"
    _description = "Service Finding"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, readonly=True)
    fsm_order_id = fields.Many2one("fsm.order", readonly=True)
    finding = fields.Selection(FINDINGS, required=True)
    note = fields.Html(
        string="Details",
        required=True,
        help="What was found: it goes to the case, and to sales when not caused by us.",
    )

    @api.model
    def action_open(self, context):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record the Finding"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_confirm(self):
        self.ensure_one()
        if self.fsm_order_id:
            self.fsm_order_id.check_access("write")
        else:
            self.ticket_id.check_access("write")
        # the crew does not work tickets: recording its finding is the point of the button
        self.ticket_id.sudo()._solar_record_finding(self.finding, self.note)
        return {"type": "ir.actions.act_window_close"}
