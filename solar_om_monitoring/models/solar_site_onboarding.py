# Copyright 2026 Solar O&M
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The onboarding side of a site: whether its vendor deactivated it (its
monitoring stopped), whether it has coordinates (a site without them is
listed and not judged), when its devices were last read from the vendor,
its geolocation through Odoo's geocoder, and the spreadsheet import for
sites no API lists (Odoo's standard import, one record at a time so one bad
row never stops the others)."""

from odoo import api, fields, models
from odoo.exceptions import UserError

from solar_om_engine.geo import has_coordinates

IMPORT_TEMPLATE = "/solar_om_monitoring/static/import/solar_site_import_template.csv"


class SolarSiteOnboarding(models.AbstractModel):
    _name = "solar.site.onboarding"
    _description = "Solar Site: Onboarding"

    monitoring_stopped = fields.Boolean(
        string="Deactivated by Vendor",
        readonly=True,
        copy=False,
        index=True,
        help="The vendor deactivated the system (or no longer lists it): the health check "
        "leaves the site alone until the vendor lists it as active again.",
    )
    monitoring_stopped_reason = fields.Char(readonly=True, copy=False)
    has_coordinates = fields.Boolean(
        compute="_compute_has_coordinates",
        store=True,
        index=True,
        help="Without coordinates the site's daylight is unknown: it is not judged.",
    )
    devices_synced_at = fields.Datetime(
        string="Devices Read",
        readonly=True,
        copy=False,
        help="When the vendor's device list was last read.",
    )

    @api.depends("latitude", "longitude")
    def _compute_has_coordinates(self):
        for site in self:
            site.has_coordinates = has_coordinates(site.latitude, site.longitude)

    def action_geolocalize(self):
        """Coordinates from the site's address, with the geocoder chosen in
        Settings (base_geolocalize); a site it cannot place stays listed."""
        geocoder = self.env["base.geocoder"]
        placed = self.browse()
        for site in self:
            query = geocoder.geo_query_address(
                street=site.street,
                zip=site.zip,
                city=site.city,
                state=site.state_id.name,
                country=site.country_id.name,
            )
            point = geocoder.geo_find(query) if query else None
            if point:
                site.write({"latitude": point[0], "longitude": point[1]})
                placed |= site
        missing = self - placed
        if missing and len(self) == 1:
            raise UserError(
                self.env._(
                    "Site %(site)s: the geocoder found no place for “%(address)s”: "
                    "check the address or enter the coordinates.",
                    site=self.name,
                    address=", ".join(
                        p for p in (self.street, self.zip, self.city, self.country_id.name) if p
                    ),
                )
            )
        return True

    # ------------------------------------------------------------ spreadsheet import
    @api.model
    def _import_record_starts(self, fields, data):
        """Where each site starts: a row whose site columns (not an array's
        `array_ids/...`) hold a value; the rows after it with only array
        columns are its further arrays."""
        own = [i for i, name in enumerate(fields) if name and "/" not in name]
        starts = [
            i
            for i, row in enumerate(data)
            if any(str(row[c] or "").strip() for c in own if c < len(row))
        ]
        return starts if starts and starts[0] == 0 else [0] + starts
