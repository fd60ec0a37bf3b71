# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A Nominatim server of one's own as base_geolocalize's provider: the same
search API as OpenStreetMap's public Nominatim (whose usage policy allows one
request a second, too slow for onboarding a fleet), at the URL set in
Settings. Odoo's geocoder then calls `_call_nominatim_server`."""

import logging

import requests

from odoo import api, models

_logger = logging.getLogger(__name__)

NOMINATIM_URL_PARAM = "solar_om_monitoring.nominatim_url"
TIMEOUT = 10


class BaseGeocoder(models.AbstractModel):
    _inherit = "base.geocoder"

    @api.model
    def _call_nominatim_server(self, addr, **kw):
        """(latitude, longitude) of the first place Nominatim's `/search`
        answers for `addr`, or None (no place, no server set, no answer).
        Shape: https://nominatim.org/release-docs/latest/api/Search/ (JSON
        array of places, `lat`/`lon` as strings)."""
        base = self.env["ir.config_parameter"].sudo().get_param(NOMINATIM_URL_PARAM)
        if not addr or not base:
            return None
        try:
            response = requests.get(
                base.rstrip("/") + "/search",
                params={"format": "json", "q": addr},
                headers={"User-Agent": "Odoo solar_om_monitoring"},
                timeout=TIMEOUT,
            )
            response.raise_for_status()
            places = response.json()
        except (requests.RequestException, ValueError) as err:
            _logger.warning("Nominatim server: %s", type(err).__name__)
            return None
        if not isinstance(places, list) or not places or not isinstance(places[0], dict):
            return None
        try:
            return float(places[0]["lat"]), float(places[0]["lon"])
        except (KeyError, TypeError, ValueError):
            return None
