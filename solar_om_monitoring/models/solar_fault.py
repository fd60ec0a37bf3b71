# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

FAULT_KINDS = [
    ("comms_loss", "Comms Loss"),
    ("inverter_fault", "Inverter Fault (Zero Production)"),
    ("string_mlpe_fault", "String/MLPE Fault"),
    ("underperformance", "Underperformance"),
    ("meter_fault", "Meter Fault"),
    ("configuration_issue", "Configuration Issue"),
    ("vendor_outage", "Vendor Cloud Outage"),
]


class SolarFault(models.Model):
    """A problem the monitoring saw, from first to last sighting.

    At most one fault per (site, kind) is open at a time, enforced by a
    partial unique index so that two health checks running at once still
    make one fault, and so one ticket. A vendor outage is an account-level
    fault without a site.
    """

    _name = "solar.fault"
    _description = "Solar Fault"
    _inherit = ["mail.thread"]
    _order = "state, first_seen desc, id desc"
    _rec_name = "display_name"

    site_id = fields.Many2one("solar.site", index=True, ondelete="cascade", readonly=True)
    account_id = fields.Many2one(
        "solar.monitoring.account", index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(related="site_id.partner_id", string="Customer")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    kind = fields.Selection(FAULT_KINDS, required=True, readonly=True)
    state = fields.Selection(
        [("open", "Open"), ("recovering", "Recovering"), ("closed", "Closed")],
        default="open",
        required=True,
        index=True,
        readonly=True,
        tracking=True,
    )
    first_seen = fields.Datetime(required=True, readonly=True)
    last_seen = fields.Datetime(required=True, readonly=True)
    closed_at = fields.Datetime(readonly=True)
    ok_streak = fields.Integer(
        string="Normal Checks", readonly=True, help="Consecutive normal daylight checks."
    )
    reason = fields.Char(readonly=True, help="What the check saw when it opened the fault.")
    ticket_id = fields.Many2one("helpdesk.ticket", index=True, readonly=True, ondelete="set null")

    _one_open_per_site_kind = models.UniqueIndex(
        "(site_id, kind) WHERE state != 'closed' AND site_id IS NOT NULL",
        "This site already has an open fault of this kind.",
    )
    _one_open_incident_per_account = models.UniqueIndex(
        "(account_id, kind) WHERE state != 'closed' AND site_id IS NULL",
        "This account already has an open incident of this kind.",
    )

    def _compute_display_name(self):
        kinds = dict(FAULT_KINDS)
        for fault in self:
            where = fault.site_id.name or fault.account_id.name or ""
            fault.display_name = f"{kinds.get(fault.kind, '')} – {where}"
