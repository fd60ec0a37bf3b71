# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    """What each company tells its customers, and promises them."""

    _inherit = "res.company"

    solar_mail_monitoring_customers = fields.Boolean(
        string="Mail Customers About Monitoring Tickets",
        help="When the monitoring closes a ticket it opened by itself, mail the customer "
        "what happened and what was done. Off: the customer is not mailed about tickets "
        "they never opened.",
    )
    solar_callback_hours = fields.Integer(
        string="Call Back Within (working hours)",
        default=4,
        help="What a homeowner reporting a problem on the portal is promised: a call "
        "within this many working hours (Monday to Friday, 8:00-18:00 in their time zone).",
    )
