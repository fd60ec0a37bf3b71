# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .health_run import TUNABLES


class ResConfigSettings(models.TransientModel):
    """The health check's tunables on the Solar O&M settings page, stored as
    the ``solar_om_monitoring.*`` system parameters the check reads."""

    _inherit = "res.config.settings"

    solar_min_elevation_deg = fields.Float(
        string="Minimum Sun Elevation (°)",
        config_parameter="solar_om_monitoring.min_elevation_deg",
        default=TUNABLES["min_elevation_deg"],
        help="A site is judged only with the sun at least this high: lower, "
        "shade and dawn make every roof look faulty.",
    )
    solar_recovery_checks = fields.Integer(
        string="Normal Checks Before Closing",
        config_parameter="solar_om_monitoring.recovery_checks",
        default=TUNABLES["recovery_checks"],
        help="Consecutive normal daylight checks before a fault (and its ticket) closes.",
    )
    solar_claim_size = fields.Integer(
        string="Sites per Claim",
        config_parameter="solar_om_monitoring.claim_size",
        default=TUNABLES["claim_size"],
        help="Sites one cron worker claims at a time, so several workers share a big fleet.",
    )
    solar_batch_size = fields.Integer(
        string="Sites per Transaction",
        config_parameter="solar_om_monitoring.batch_size",
        default=TUNABLES["batch_size"],
        help="Sites written and committed together: a crash loses at most one batch.",
    )

    @api.constrains("solar_recovery_checks", "solar_claim_size", "solar_batch_size")
    def _check_solar_counts(self):
        for settings in self:
            counts = (
                settings.solar_recovery_checks,
                settings.solar_claim_size,
                settings.solar_batch_size,
            )
            if min(counts) < 1:
                raise ValidationError(
                    self.env._(
                        "Solar O&M: normal checks before closing, sites per claim and "
                        "sites per transaction must each be at least 1."
                    )
                )
