# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketCategory(models.Model):
    _inherit = "helpdesk.ticket.category"

    solar_case_code = fields.Char(
        string="Case Type Code",
        index=True,
        help="The monitoring's case type that files tickets here "
        "(comms_loss, inverter_fault, string_mlpe_fault, underperformance, meter_fault, "
        "configuration_issue).",
    )
    solar_auto_open = fields.Boolean(
        string="Opened by Monitoring",
        help="The health check opens tickets of this type by itself.",
    )
    solar_team_id = fields.Many2one(
        "helpdesk.ticket.team", string="Routes To", help="Team that receives these tickets."
    )
    solar_user_id = fields.Many2one(
        "res.users",
        string="Owner",
        domain=[("share", "=", False)],
        help="Who owns the cases of this type a customer raises (portal, email, phone); "
        "empty: the leader of the team it routes to. Monitoring tickets wait for the team.",
    )

    solar_technician_visible = fields.Boolean(
        string="Seen by Technicians",
        help="Technicians read cases of this type on the sites they have work orders at "
        "(production faults, damage); the other types (complaints, billing, bankruptcy, "
        "deceased...) stay with the back office. A technician always reads the case of "
        "his own work order, whatever its type.",
    )

    solar_dispatch_after_hours = fields.Float(
        string="Dispatch After (h)",
        help="Open a work order by itself when a monitoring ticket of this type is "
        "still open this many hours after it was opened. 0: only by hand.",
    )

    _solar_case_code_uniq = models.Constraint(
        "unique(solar_case_code, company_id)", "A case type code is used once per company."
    )
