# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A Nominatim server of one's own as base_geolocalize's provider: the same
search API as OpenStreetMap's public Nominatim (whose usage policy allows one
request a second, too slow for onboarding a fleet), at the URL set in
Settings. Odoo's geocoder then calls `_call_nominatim_server`."""

import logging

import requests

from odoo import api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

NOMINATIM_URL_PARAM = "solar_om_monitoring.nominatim_url"
# base_geolocalize's setting: the provider's id
PROVIDER_PARAM = "base_geolocalize.geo_provider"
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

    @api.model
    def _solar_provider(self):
        """The provider chosen in Settings (whoever geocodes), read in one
        query; base_geolocalize's `_get_provider` where it is gone."""
        Provider = self.env["base.geo_provider"].sudo()
        chosen = self.env["ir.config_parameter"].sudo().get_param(PROVIDER_PARAM)
        provider = Provider
        if chosen and chosen.isdigit():
            provider = Provider.search_fetch([("id", "=", int(chosen))], ["tech_name"])
        return provider or self.sudo()._get_provider()

    @api.model
    def _solar_geocode(self, addresses):
        """(latitude, longitude) or None for each address dict (street, zip,
        city, state, country), with the provider chosen in Settings read
        once: `geo_find` per address, without asking for the provider each
        time. A provider that cannot answer at all stops the batch (the
        rest stay without coordinates, listed, not lost)."""
        if not addresses:
            return []
        provider = self._solar_provider().tech_name
        make_query = getattr(self, f"_geo_query_address_{provider}", None)
        call = getattr(self, f"_call_{provider}", None)
        if call is None:
            _logger.warning("geocoding: provider %s is not implemented", provider)
            return [None] * len(addresses)
        points = []
        for index, address in enumerate(addresses):
            query = (make_query or self._geo_query_address_default)(**address)
            try:
                points.append(call(query) if query else None)
            except UserError as err:
                _logger.warning("geocoding stopped: %s", err)
                return points + [None] * (len(addresses) - index)
            except Exception:  # noqa: BLE001 - as geo_find: one address's failure is no place
                _logger.debug("geocoding failed", exc_info=True)
                points.append(None)
        return points
