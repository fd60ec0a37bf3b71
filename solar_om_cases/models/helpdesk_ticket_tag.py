# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTag(models.Model):
    _inherit = "helpdesk.ticket.tag"

    solar_complaint_ground = fields.Boolean(
        string="Complaint Ground",
        help="A reason a formal complaint can be made on: such a case needs at least one "
        "before it is closed, and complaints group by them.",
    )
