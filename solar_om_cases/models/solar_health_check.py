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

    @api.model
    def _close_recovered_ticket(self, ticket, recovery_checks):
        """The monitoring closing a case after a visit is the proof it was
        resolved: the outcome says so, and the first-time-fix figures count it."""
        closed = super()._close_recovered_ticket(ticket, recovery_checks)
        if closed and ticket.resolution_path and not ticket.resolution_outcome:
            ticket.resolution_outcome = "resolved"
        return closed
