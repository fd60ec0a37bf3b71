# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketCategory(models.Model):
    _inherit = "helpdesk.ticket.category"

    solar_definition = fields.Text(
        string="Definition", translate=True, help="When to use this case type."
    )
    solar_requires_grounds = fields.Boolean(
        string="Requires Complaint Grounds",
        help="A case of this type is closed only once its grounds are recorded as tags "
        "marked Complaint Ground.",
    )
    solar_suppress_days = fields.Integer(
        string="Suppress Monitoring (days)",
        help="A case of this type makes an outage expected (panel move, fire...): "
        "the site's production tickets are held back for this many days.",
    )
    solar_process = fields.Selection(
        [
            ("roof_leak", "Roof Leak"),
            ("appraisal", "Insurance Appraisal"),
            ("complaint", "Complaint"),
        ],
        string="Back-Office Process",
        help="The documented process cases of this type follow: a roof leak's intake and "
        "inspection by the installation crew, the printable insurance appraisal, the "
        "escalation of a complaint of no news.",
    )
    solar_reactivation = fields.Boolean(
        string="Reactivation Request",
        help="Cases of this type ask when the customer paid: the form shows the payment "
        "date and checks how long reactivation has been waiting.",
    )
