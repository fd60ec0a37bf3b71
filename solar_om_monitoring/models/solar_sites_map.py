# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# web_leaflet_lib's system parameters: the tile server and its attribution
TILE_URL_PARAM = "leaflet.tile_url"
ATTRIBUTION_PARAM = "leaflet.copyright"
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
# with what the sites' health colour and "needs attention" are computed from,
# so that the one read serves them too
MAP_FIELDS = [
    "name",
    "latitude",
    "longitude",
    "health_state",
    "health_reason",
]


class SolarSitesMap(models.AbstractModel):
    """What the Sites Map (static/src/sites_map) draws: the markers of the
    sites the user may read, and the tiles to draw them on."""

    _name = "solar.sites.map"
    _description = "Sites Map"

    @api.model
    def tiles(self):
        """The tile server and attribution the map uses (Settings > Solar
        O&M > Map); web_leaflet_lib stores "False" when none was chosen."""
        config = self.env["ir.config_parameter"].sudo()
        url = (config.get_param(TILE_URL_PARAM) or "").strip()
        attribution = (config.get_param(ATTRIBUTION_PARAM) or "").strip()
        if url in ("", "False"):
            url = DEFAULT_TILE_URL
        return {"tile_url": url, "attribution": attribution or DEFAULT_ATTRIBUTION}

    @api.model
    def markers(self, domain=None):
        """Every marker in one read (problems first), in the colour of its
        health as on the site cards, plus how many sites have no
        coordinates to be placed by."""
        site_model = self.env["solar.site"]
        labels = dict(site_model._fields["health_state"]._description_selection(self.env))
        sites = site_model.search_fetch(domain or [], MAP_FIELDS, order="health_rank, name, id")
        markers, unplaced = [], 0
        for site in sites:
            if not site.latitude and not site.longitude:
                unplaced += 1
                continue
            markers.append(
                {
                    "id": site.id,
                    "name": site.name,
                    "lat": site.latitude,
                    "lng": site.longitude,
                    "state": site.health_state,
                    "label": labels.get(site.health_state, ""),
                    "color": site.health_color,
                    "problem": site.needs_attention,
                    "reason": (site.health_reason or "")[:240],
                }
            )
        return {"sites": markers, "unplaced": unplaced, **self.tiles()}
