# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timezone

from odoo import api, models


class SolarHealthCheck(models.AbstractModel):
    _inherit = "solar.health.check"

    @api.model
    def _suppressed_sites(self, batch, at):
        """Sites inside a suppression window set by a damage or admin case."""
        ids = [row["id"] for row in batch]
        moment = at.astimezone(timezone.utc).replace(tzinfo=None)
        sites = (
            self.env["solar.site"]
            .sudo()
            .search_read([("id", "in", ids), ("suppress_until", ">", moment)], ["id"])
        )
        return super()._suppressed_sites(batch, at) | frozenset(str(s["id"]) for s in sites)
