# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A site's own history as people see it: the share of its roof's model it
usually makes (solar_om_engine.calibration), which the health check uses."""

from datetime import datetime, timezone

from odoo import fields, models


class SolarSiteCalibration(models.AbstractModel):
    _name = "solar.site.calibration"
    _description = "Solar Site: Calibration"

    history_ratio = fields.Float(
        string="Usual Share of the Roof's Model",
        compute="_compute_history_ratio",
        help="What this site makes, on its recent good days, of what its roof's physical "
        "model gives under its neighbours' sky (the median of the last 14 good days, once 5 "
        "are known). The health check expects that share, so permanent shading or design "
        "losses do not raise a case every day, while a drop from it still does.",
    )

    def _compute_history_ratio(self):
        """As of each site's last check (what that check expected), in one query."""
        now = datetime.now(timezone.utc)
        rows = [
            {
                "id": site.id,
                "tz": site.tz or "UTC",
                "at": site.last_checked_at.replace(tzinfo=timezone.utc)
                if site.last_checked_at
                else now,
            }
            for site in self
            if site.id
        ]
        ratios = self.env["solar.production.daily"]._health_history_ratios(rows, now)
        for site in self:
            site.history_ratio = ratios.get(site.id, 0.0)
