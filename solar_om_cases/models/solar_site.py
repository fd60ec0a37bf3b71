# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timezone

from odoo import api, fields, models


class SolarSite(models.Model):
    _inherit = "solar.site"

    handover_approved = fields.Boolean(
        string="Handover Approved (M3)",
        tracking=True,
        help="The installer handed the system over. Before that, service questions "
        "go to the installer's contact.",
    )
    installer_contact_id = fields.Many2one("res.partner")
    suppress_until = fields.Datetime(
        string="Monitoring Suppressed Until",
        tracking=True,
        help="No production ticket is opened before this time: an outage is expected.",
    )
    suppress_reason = fields.Char(string="Suppressed Because")
    sales_user_id = fields.Many2one(
        "res.users",
        string="Sales Representative",
        help="Follows the site's service cases; a finding not caused by us goes to them.",
    )

    @api.model
    def _health_suppressed(self, batch, at):
        """Sites inside a suppression window set by a damage or admin case."""
        moment = at.astimezone(timezone.utc).replace(tzinfo=None)
        sites = self.sudo().search_read(
            [("id", "in", [row["id"] for row in batch]), ("suppress_until", ">", moment)], ["id"]
        )
        return super()._health_suppressed(batch, at) | frozenset(str(s["id"]) for s in sites)
