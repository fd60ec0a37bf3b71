# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from solar_om_engine.tickets import LossThresholds

from .base_geocoder import NOMINATIM_URL_PARAM
from .health_run import TUNABLES
from .solar_sites_map import ATTRIBUTION_PARAM, TILE_URL_PARAM

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

    # the map's tiles: web_leaflet_lib's own parameters, so every Leaflet
    # view of the database draws the same tiles
    solar_map_tile_url = fields.Char(
        string="Map Tile Server",
        config_parameter=TILE_URL_PARAM,
        help="URL template of the map tiles ({z}/{x}/{y}, optionally {s}); empty: "
        "OpenStreetMap's own tiles, fit for light use only.",
    )
    solar_map_attribution = fields.Char(
        string="Map Attribution",
        config_parameter=ATTRIBUTION_PARAM,
        help="The credit the tile server's licence asks for, shown on the map (HTML).",
    )

    # onboarding: where base_geolocalize's "Nominatim (own server)" provider asks
    solar_nominatim_url = fields.Char(
        string="Nominatim Server",
        config_parameter=NOMINATIM_URL_PARAM,
        help="Base URL of a Nominatim server (its /search is asked): coordinates for sites "
        "created from a monitoring account's list or a spreadsheet.",
    )

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        # web_leaflet_lib stores the word "False" for "no server chosen"
        if values.get("solar_map_tile_url") == "False":
            values["solar_map_tile_url"] = False
        return values

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

    solar_mail_monitoring_customers = fields.Boolean(
        related="company_id.solar_mail_monitoring_customers", readonly=False
    )
    solar_callback_hours = fields.Integer(related="company_id.solar_callback_hours", readonly=False)

    @api.constrains("solar_callback_hours")
    def _check_solar_callback_hours(self):
        if any(settings.solar_callback_hours < 0 for settings in self):
            raise ValidationError(
                self.env._("Solar O&M: the call-back promise cannot be negative hours.")
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
