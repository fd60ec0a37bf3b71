# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from solar_om_engine.tickets import LossThresholds

from .health_run import TUNABLES

LOSS = LossThresholds()


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

    solar_priority_high_kwh = fields.Float(
        string="High Priority from (kWh lost)",
        config_parameter="solar_om_monitoring.priority_high_kwh",
        default=LOSS.high_kwh,
        help="A monitoring ticket whose fault has cost this much energy becomes High "
        "priority (0: off).",
    )
    solar_priority_very_high_kwh = fields.Float(
        string="Very High Priority from (kWh lost)",
        config_parameter="solar_om_monitoring.priority_very_high_kwh",
        default=LOSS.very_high_kwh,
        help="... and Very High from this much (0: off).",
    )
    solar_priority_high_value = fields.Float(
        string="High Priority from (value lost)",
        config_parameter="solar_om_monitoring.priority_high_value",
        default=LOSS.high_value,
        help="The same by the lost energy's value at the site's energy rate, in the "
        "company's currency (0: off).",
    )
    solar_priority_very_high_value = fields.Float(
        string="Very High Priority from (value lost)",
        config_parameter="solar_om_monitoring.priority_very_high_value",
        default=LOSS.very_high_value,
        help="... and Very High from this value (0: off).",
    )

    @api.constrains(
        "solar_priority_high_kwh",
        "solar_priority_very_high_kwh",
        "solar_priority_high_value",
        "solar_priority_very_high_value",
    )
    def _check_solar_priority_thresholds(self):
        for settings in self:
            if (
                min(
                    settings.solar_priority_high_kwh,
                    settings.solar_priority_very_high_kwh,
                    settings.solar_priority_high_value,
                    settings.solar_priority_very_high_value,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("Solar O&M: the lost-energy priority thresholds cannot be negative.")
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
